package org.pibms.sim;

import org.pibms.hw.DigitalInput;
import org.pibms.hw.DigitalOutput;

/**
 * A GPIO line in the simulator. As an output the daemon sets it and the simulated hardware
 * follows; as an input the simulated hardware drives it and the daemon reads it. Tests read
 * its state either way.
 */
public final class EmulatedPin implements DigitalOutput, DigitalInput {

    /** What the simulated hardware does when the daemon changes an output. */
    public interface Listener {
        void changed(boolean high);
    }

    private final String name;
    private final Listener listener;
    private volatile boolean high;
    /**
     * The host's {@link System#nanoTime()} at the last change of level, 0 before the first: lets
     * {@code pibms bench fault} time the moment a MOSFET gate really went low. One clock read
     * per change, nothing allocated.
     */
    private volatile long lastChange_ns;

    public EmulatedPin(String name, boolean initiallyHigh, Listener listener) {
        this.name = name;
        this.high = initiallyHigh;
        this.listener = listener;
    }

    @Override
    public void set(boolean high) {
        if (high != this.high) {
            // the time first: whoever sees the new level then also sees when it changed
            lastChange_ns = System.nanoTime();
            this.high = high;
            if (listener != null) {
                listener.changed(high);
            }
        }
    }

    /** Driven by the simulated hardware. */
    void drive(boolean high) {
        if (high != this.high) {
            lastChange_ns = System.nanoTime();
            this.high = high;
        }
    }

    /** {@link System#nanoTime()} when the level last changed; 0 if it never has. */
    public long lastChange_ns() {
        return lastChange_ns;
    }

    @Override
    public boolean isHigh() {
        return high;
    }

    @Override
    public String name() {
        return name;
    }
}
