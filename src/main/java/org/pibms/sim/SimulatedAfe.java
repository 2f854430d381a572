package org.pibms.sim;

import java.util.SplittableRandom;
import org.pibms.core.AnalogFrontEnd;
import org.pibms.core.Measurement;

/**
 * Cell voltages and temperatures read straight from the {@link PackModel}, with the AFE's
 * Gaussian noise and 1 mV / 0.1 °C resolution. A forced reading is reported exactly.
 */
final class SimulatedAfe implements AnalogFrontEnd {

    private final PackModel model;
    private final SplittableRandom random;
    private final double noise_mV;

    SimulatedAfe(PackModel model, SplittableRandom random, double noise_mV) {
        this.model = model;
        this.random = random;
        this.noise_mV = noise_mV;
    }

    @Override
    public boolean readCellVoltages(Measurement into) {
        model.advance();
        for (int i = 0; i < model.cellCount(); i++) {
            int voltage_mV = model.cellForced(i)
                    ? model.forcedCellVoltage_mV(i)
                    : (int) Math.round(model.cellVoltage_mV(i) + noise_mV * random.nextGaussian());
            into.setCellVoltage_mV(i, Math.max(0, voltage_mV));
        }
        return true;
    }

    @Override
    public boolean readTemperatures(Measurement into) {
        model.advance();
        for (int i = 0; i < model.temperatureSensorCount(); i++) {
            int temperature_dC = model.temperatureForced(i)
                    ? model.forcedTemperature_dC(i)
                    : (int) Math.round(model.sensorTemperature_C(i) * 10);
            into.setTemperature_dC(i, temperature_dC);
        }
        return true;
    }
}
