package org.pibms.hw;

/** One GPIO output line. */
public interface DigitalOutput {

    void set(boolean high) throws BusException;

    String name();
}
