package org.pibms.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.settings.SimulationSettings;

/** The {@code simulation.load} section: the simulated load's capacitance and resistors. */
class SimulationLoadConfigTest {

    @TempDir
    Path dir;

    @Test
    void absentItIsAnInverterBehindA47OhmPrechargeResistor() {
        SimulationSettings.Load load = TestConfigs.simulated(16, dir, "max").simulation().orElseThrow().load();

        assertThat(load).isEqualTo(new SimulationSettings.Load(4700, 47, 10_000));
        assertThat(load.prechargeTau_s()).isCloseTo(0.2209, within(1e-9));
    }

    @Test
    void itsValuesAreReadAndRangeChecked() throws Exception {
        SimulationSettings.Load load = TestConfigs.load(dir, TestConfigs.simulatedYaml(16, dir, "max", """
                  load:
                    capacitance_uF: 1000
                    precharge_resistor_Ohm: 2.2
                    bleed_resistor_Ohm: 1000000
                """)).simulation().orElseThrow().load();
        assertThat(load).isEqualTo(new SimulationSettings.Load(1000, 2.2, 1_000_000));

        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, TestConfigs.simulatedYaml(16, dir, "max", """
                  load:
                    capacitance_uF: 0
                    precharge_resistor_Ohm: 47
                    bleed_ohm: 100
                """));
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::key)
                        .containsExactly("simulation.load.capacitance_uF", "simulation.load.bleed_ohm"));
    }
}
