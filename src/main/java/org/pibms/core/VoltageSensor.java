package org.pibms.core;

/** Pack (B+) and load-side (P+) voltage measurement. Called only from the control loop. */
public interface VoltageSensor {

    /** Measures pack and load voltage into {@code into}, setting each that was read; false if the read failed. */
    boolean readVoltages(Measurement into);
}
