package org.pibms.sim;

import java.util.SplittableRandom;
import org.pibms.core.CurrentSensor;
import org.pibms.core.Measurement;

/** The pack current from the {@link PackModel}, with a fixed offset, Gaussian noise and 1 mA resolution. */
final class SimulatedCurrentSensor implements CurrentSensor {

    private final PackModel model;
    private final SplittableRandom random;
    private final double noise_mA;
    private final int offset_mA;

    SimulatedCurrentSensor(PackModel model, SplittableRandom random, double noise_mA, int offset_mA) {
        this.model = model;
        this.random = random;
        this.noise_mA = noise_mA;
        this.offset_mA = offset_mA;
    }

    @Override
    public boolean readCurrent(Measurement into) {
        model.advance();
        double measured_mA = model.current_A() * 1000 + offset_mA + noise_mA * random.nextGaussian();
        into.setCurrent_mA((int) Math.round(measured_mA));
        return true;
    }
}
