package org.pibms.core;

/**
 * The digital inputs of the switching board: the ACC wake input and the hardware
 * short-circuit latch. Called only from the control loop; a failed read leaves the inputs
 * invalid in the measurement, it never throws.
 */
public interface PackInputs {

    /** Reads the inputs that are wired into {@code into}. */
    void read(Measurement into);
}
