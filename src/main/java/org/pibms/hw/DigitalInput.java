package org.pibms.hw;

/** One GPIO input line. */
public interface DigitalInput {

    boolean isHigh() throws BusException;

    String name();
}
