package org.pibms.afe.gpio;

import org.pibms.core.Switches;
import org.pibms.hw.BusException;
import org.pibms.hw.DigitalOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The charge and discharge MOSFET gate drivers on two GPIO lines, high = conducting. A line is
 * written when its state changes, and every line again after a failed write.
 */
public final class MosfetOutputs implements Switches {

    private static final Logger log = LoggerFactory.getLogger(MosfetOutputs.class);

    private final DigitalOutput charge;
    private final DigitalOutput discharge;
    /** The lines hold the last states asked for; false at start and after a failed write. */
    private boolean written;
    private boolean chargeOn;
    private boolean dischargeOn;

    public MosfetOutputs(DigitalOutput charge, DigitalOutput discharge) {
        this.charge = charge;
        this.discharge = discharge;
    }

    @Override
    public boolean apply(boolean chargeOn, boolean dischargeOn) {
        if (written && chargeOn == this.chargeOn && dischargeOn == this.dischargeOn) {
            return true;
        }
        try {
            // open before close: a direction that must stop stops first
            if (!chargeOn) {
                charge.set(false);
            }
            if (!dischargeOn) {
                discharge.set(false);
            }
            if (chargeOn) {
                charge.set(true);
            }
            if (dischargeOn) {
                discharge.set(true);
            }
            this.chargeOn = chargeOn;
            this.dischargeOn = dischargeOn;
            written = true;
            return true;
        } catch (BusException e) {
            if (written) {
                log.error("MOS outputs: {}", e.getMessage());
            }
            written = false;
            return false;
        }
    }
}
