package org.pibms.hw.pi4j;

import com.pi4j.io.gpio.digital.DigitalState;
import org.pibms.hw.BusException;
import org.pibms.hw.DigitalOutput;

/** A GPIO output through Pi4J. */
final class Pi4jDigitalOutput implements DigitalOutput {

    private final com.pi4j.io.gpio.digital.DigitalOutput output;
    private final String name;

    Pi4jDigitalOutput(com.pi4j.io.gpio.digital.DigitalOutput output, String name) {
        this.output = output;
        this.name = name;
    }

    @Override
    public void set(boolean high) throws BusException {
        try {
            output.state(high ? DigitalState.HIGH : DigitalState.LOW);
        } catch (RuntimeException e) {
            throw new BusException(name + ": cannot drive " + (high ? "high" : "low") + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }
}
