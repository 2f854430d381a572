package org.pibms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pibms.config.ConfigException;
import org.pibms.config.ConfigLoader;
import org.pibms.core.settings.Settings;

/** Settings for tests, written as the YAML a user would write. */
public final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * A simulated pack with two NTC sensors and no noise: {@code cells} LFP cells of 100 Ah at
     * 50 %, no spread, the default hardware (one LTC6813 up to 18 cells, two above), socket in
     * {@code directory}. {@code simulationExtra} lines are appended to the simulation section
     * (indented by the caller).
     */
    public static String simulatedYaml(int cells, Path directory, String timeScale, String simulationExtra) {
        return simulatedYaml(cells, directory, timeScale, simulationExtra, "");
    }

    /** As above, with {@code topLevelExtra} (whole sections, unindented) added to the file. */
    public static String simulatedYaml(int cells, Path directory, String timeScale, String simulationExtra,
            String topLevelExtra) {
        return topLevelExtra + """
                pack:
                  chemistry: lfp
                  cells: %d
                  capacity_Ah: 100
                temperature_sensors:
                  - name: cells_top
                    location: cell
                    gpio: 1
                  - name: mos
                    location: mos
                    gpio: 2
                daemon:
                  socket: %s
                  status_log_interval_s: 0
                  state_directory: %s
                simulation:
                  seed: 7
                  time_scale: %s
                  initial_soc_pct: 50
                  cells:
                    soc_spread_pct: 0
                    capacity_spread_pct: 0
                    resistance_spread_pct: 0
                    self_discharge_pct_per_month: 0
                  sensors:
                    voltage_noise_mV: 0
                    current_noise_mA: 0
                %s
                """.formatted(cells, directory.resolve("pibms.sock"), directory.resolve("state"), timeScale, simulationExtra);
    }

    /** A simulated pack with extra top-level sections (protection, outputs, hardware, …). */
    public static Settings simulatedWith(int cells, Path directory, String topLevelExtra) {
        return load(directory, simulatedYaml(cells, directory, "max", "", topLevelExtra));
    }

    public static Settings simulated(int cells, Path directory, String timeScale) {
        return load(directory, simulatedYaml(cells, directory, timeScale, ""));
    }

    public static Settings load(Path directory, String yaml) {
        try {
            Path file = Files.createTempFile(directory, "pibms", ".yaml");
            Files.writeString(file, yaml);
            return ConfigLoader.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ConfigException e) {
            throw new AssertionError("test config rejected:\n" + e.getMessage(), e);
        }
    }
}
