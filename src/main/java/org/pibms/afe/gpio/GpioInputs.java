package org.pibms.afe.gpio;

import java.util.Optional;
import org.pibms.core.Measurement;
import org.pibms.core.PackInputs;
import org.pibms.hw.BusException;
import org.pibms.hw.DigitalInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACC wake input and the hardware short-circuit latch, each on its own GPIO line if wired.
 * An input that cannot be read stays invalid for the tick; its first failure and its recovery
 * are logged once each.
 */
public final class GpioInputs implements PackInputs {

    /** An input's line and the level at which it is active. */
    public record Input(DigitalInput line, boolean activeHigh) {
    }

    private static final Logger log = LoggerFactory.getLogger(GpioInputs.class);

    private final WiredInput acc;
    private final WiredInput shortCircuit;

    public GpioInputs(Optional<Input> acc, Optional<Input> shortCircuit) {
        this.acc = acc.map(WiredInput::new).orElse(null);
        this.shortCircuit = shortCircuit.map(WiredInput::new).orElse(null);
    }

    @Override
    public void read(Measurement into) {
        if (acc != null) {
            try {
                into.setAcc(acc.active());
            } catch (BusException e) {
                // ACC stays invalid this tick
            }
        }
        if (shortCircuit != null) {
            try {
                into.setShortCircuitLatch(shortCircuit.active());
            } catch (BusException e) {
                // the latch stays invalid this tick
            }
        }
    }

    /** One wired input, and whether its last read failed. */
    private static final class WiredInput {
        private final DigitalInput line;
        private final boolean activeHigh;
        private boolean failing;

        WiredInput(Input input) {
            this.line = input.line();
            this.activeHigh = input.activeHigh();
        }

        /** True while the input is at its active level; a failure is logged when it starts and when it ends. */
        boolean active() throws BusException {
            try {
                boolean active = line.isHigh() == activeHigh;
                if (failing) {
                    failing = false;
                    log.warn("{}: readable again", line.name());
                }
                return active;
            } catch (BusException e) {
                if (!failing) {
                    failing = true;
                    log.error("{}", e.getMessage());
                }
                throw e;
            }
        }
    }
}
