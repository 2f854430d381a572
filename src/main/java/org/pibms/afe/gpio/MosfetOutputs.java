package org.pibms.afe.gpio;

import java.util.List;
import org.pibms.core.Switches;
import org.pibms.hw.BusException;
import org.pibms.hw.DigitalOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The charge and discharge MOSFET gate drivers (high = conducting) and the configured digital
 * outputs, each on its own GPIO line. A line is written when its state changes, and every line
 * again after a failed write.
 */
public final class MosfetOutputs implements Switches {

    /** A configured output's line and the level at which its function is on. */
    public record Output(DigitalOutput line, boolean activeHigh) {
    }

    private static final Logger log = LoggerFactory.getLogger(MosfetOutputs.class);

    private final DigitalOutput charge;
    private final DigitalOutput discharge;
    private final DigitalOutput[] outputs;
    private final boolean[] activeHigh;
    /** The bits of an output mask that name a configured output. */
    private final int configuredMask;
    /** The lines hold the last states asked for; false at start and after a failed write. */
    private boolean written;
    private boolean failing;
    private boolean chargeOn;
    private boolean dischargeOn;
    private int outputMask;

    /** @param outputs in the order of the config's {@code outputs} list: bit i of a mask is {@code outputs.get(i)} */
    public MosfetOutputs(DigitalOutput charge, DigitalOutput discharge, List<Output> outputs) {
        if (outputs.size() >= Integer.SIZE) {
            throw new IllegalArgumentException(outputs.size() + " outputs do not fit an output mask");
        }
        this.charge = charge;
        this.discharge = discharge;
        this.outputs = new DigitalOutput[outputs.size()];
        this.activeHigh = new boolean[outputs.size()];
        for (int i = 0; i < outputs.size(); i++) {
            this.outputs[i] = outputs.get(i).line();
            this.activeHigh[i] = outputs.get(i).activeHigh();
        }
        this.configuredMask = (1 << outputs.size()) - 1;
    }

    @Override
    public boolean apply(boolean chargeOn, boolean dischargeOn, int outputMask) {
        int mask = outputMask & configuredMask;
        if (written && chargeOn == this.chargeOn && dischargeOn == this.dischargeOn && mask == this.outputMask) {
            return true;
        }
        try {
            // open before close: whatever must stop stops before anything starts
            write(false, chargeOn, dischargeOn, mask);
            write(true, chargeOn, dischargeOn, mask);
            this.chargeOn = chargeOn;
            this.dischargeOn = dischargeOn;
            this.outputMask = mask;
            written = true;
            if (failing) {
                failing = false;
                log.warn("MOS and output lines: written again");
            }
            return true;
        } catch (BusException e) {
            written = false;
            if (!failing) {
                failing = true;
                log.error("MOS and output lines: {}", e.getMessage());
            }
            return false;
        }
    }

    /** Writes the lines that turn {@code on} (or off): those that change, or all of them after a failure. */
    private void write(boolean on, boolean chargeOn, boolean dischargeOn, int mask) throws BusException {
        if (chargeOn == on && (!written || chargeOn != this.chargeOn)) {
            charge.set(on);
        }
        if (dischargeOn == on && (!written || dischargeOn != this.dischargeOn)) {
            discharge.set(on);
        }
        for (int i = 0; i < outputs.length; i++) {
            boolean outputOn = (mask >> i & 1) != 0;
            boolean wasOn = (this.outputMask >> i & 1) != 0;
            if (outputOn == on && (!written || outputOn != wasOn)) {
                outputs[i].set(on == activeHigh[i]);
            }
        }
    }
}
