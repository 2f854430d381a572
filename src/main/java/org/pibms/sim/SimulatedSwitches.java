package org.pibms.sim;

import org.pibms.core.Switches;

/** MOSFET outputs that open and close the simulated pack's current paths. */
final class SimulatedSwitches implements Switches {

    private final PackModel model;

    SimulatedSwitches(PackModel model) {
        this.model = model;
    }

    @Override
    public boolean apply(boolean chargeOn, boolean dischargeOn) {
        model.setMosfets(chargeOn, dischargeOn);
        return true;
    }
}
