package org.pibms.afe.ads1115;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.Measurement;
import org.pibms.core.SystemClock;
import org.pibms.core.settings.Settings;
import org.pibms.sim.SimulatedClock;
import org.pibms.sim.Simulator;

class Ads1115Test {

    @TempDir
    Path dir;

    private SimulatedClock clock;
    private Simulator simulator;
    private Ads1115 driver;
    private final Measurement m = new Measurement(16, 2);

    private void setUp(String hardware) throws Exception {
        Settings settings = TestConfigs.load(dir, TestConfigs.simulatedYaml(16, dir, "max", "") + hardware);
        clock = new SimulatedClock(new SystemClock(), Double.POSITIVE_INFINITY);
        simulator = Simulator.create(settings, clock);
        driver = new Ads1115(simulator.board().i2c(1, 0x48), settings.hardware().ads1115());
    }

    private boolean tick() throws InterruptedException {
        clock.sleepUntil(clock.nanoTime() + 100_000_000L);
        m.invalidate(clock.nanoTime());
        return driver.readVoltages(m);
    }

    @Test
    void packAndLoadVoltagesArriveEverySecondTick() throws Exception {
        setUp("hardware:\n  ads1115:\n    load: {input: 1, divider_ratio: 31}\n");
        simulator.dischargePin().set(true);

        assertThat(tick()).isTrue();
        assertThat(m.packVoltageValid()).as("the first conversion is still running").isFalse();
        tick();
        tick();

        // 1 LSB at ±4.096 V is 125 µV, times 31 at the pack: 3.9 mV
        assertThat((double) m.packVoltage_mV()).isCloseTo(simulator.model().packVoltage_mV(), within(4.0));
        assertThat((double) m.loadVoltage_mV()).isCloseTo(simulator.model().packVoltage_mV(), within(4.0));

        simulator.dischargePin().set(false);
        tick();
        tick();
        // the load's capacitance keeps its voltage, draining through the bleed resistor (τ 47 s)
        double pack_mV = simulator.model().packVoltage_mV();
        assertThat((double) m.loadVoltage_mV()).isCloseTo(pack_mV * Math.exp(-0.2 / 47), within(8.0));

        simulator.model().setLoadShorted(true);
        tick();
        tick();
        assertThat(m.loadVoltage_mV()).isZero();
    }

    @Test
    void withoutALoadInputOnlyThePackIsMeasured() throws Exception {
        setUp("");
        tick();
        tick();
        assertThat(m.packVoltageValid()).isTrue();
        assertThat(m.loadVoltageValid()).isFalse();
    }

    @Test
    void aSilentChipIsNoVoltage() throws Exception {
        setUp("");
        tick();
        tick();
        simulator.ads1115Emulator().setSilent(true);

        assertThat(tick()).isFalse();
        assertThat(m.packVoltageValid()).isFalse();

        simulator.ads1115Emulator().setSilent(false);
        tick();
        tick();
        assertThat(m.packVoltageValid()).isTrue();
    }
}
