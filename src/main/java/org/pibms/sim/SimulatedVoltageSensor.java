package org.pibms.sim;

import org.pibms.core.Measurement;
import org.pibms.core.VoltageSensor;

/** Pack and load-side voltage from the {@link PackModel}, at 1 mV resolution. */
final class SimulatedVoltageSensor implements VoltageSensor {

    private final PackModel model;

    SimulatedVoltageSensor(PackModel model) {
        this.model = model;
    }

    @Override
    public boolean readVoltages(Measurement into) {
        model.advance();
        into.setPackVoltage_mV((int) Math.round(model.packVoltage_mV()));
        into.setLoadVoltage_mV((int) Math.round(model.loadVoltage_mV()));
        return true;
    }
}
