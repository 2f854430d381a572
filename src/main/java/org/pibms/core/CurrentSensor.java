package org.pibms.core;

/** The pack current measurement (shunt amplifier). Called only from the control loop. */
public interface CurrentSensor {

    /** Measures the pack current, charge positive, into {@code into}; false if the read failed. */
    boolean readCurrent(Measurement into);
}
