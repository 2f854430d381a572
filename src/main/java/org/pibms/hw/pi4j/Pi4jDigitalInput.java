package org.pibms.hw.pi4j;

import org.pibms.hw.BusException;
import org.pibms.hw.DigitalInput;

/** A GPIO input through Pi4J. */
final class Pi4jDigitalInput implements DigitalInput {

    private final com.pi4j.io.gpio.digital.DigitalInput input;
    private final String name;

    Pi4jDigitalInput(com.pi4j.io.gpio.digital.DigitalInput input, String name) {
        this.input = input;
        this.name = name;
    }

    @Override
    public boolean isHigh() throws BusException {
        try {
            return input.isHigh();
        } catch (RuntimeException e) {
            throw new BusException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }
}
