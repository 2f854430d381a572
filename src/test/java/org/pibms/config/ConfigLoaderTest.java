package org.pibms.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pibms.core.Chemistry;
import org.pibms.core.settings.SensorLocation;
import org.pibms.core.settings.Settings;

class ConfigLoaderTest {

    private static final String MINIMAL = """
            pack:
              chemistry: lfp
              cells: 16
              capacity_Ah: 100
            """;

    @TempDir
    Path dir;

    @Test
    void minimalFileTakesTheDocumentedDefaults() throws Exception {
        Settings s = load(MINIMAL);

        assertThat(s.pack().chemistry()).isEqualTo(Chemistry.LFP);
        assertThat(s.pack().cellCount()).isEqualTo(16);
        assertThat(s.pack().capacity_mAh()).isEqualTo(100_000);
        assertThat(s.protection().cellOvervoltage().trip_mV()).isEqualTo(3650);
        assertThat(s.protection().cellOvervoltage().recover_mV()).isEqualTo(3400);
        assertThat(s.protection().cellUndervoltage().trip_mV()).isEqualTo(2700);
        assertThat(s.protection().cellUndervoltage().recover_mV()).isEqualTo(3000);
        assertThat(s.control().period_ms()).isEqualTo(100);
        assertThat(s.daemon().socket()).isEqualTo(Path.of("/run/pibms/pibms.sock"));
        assertThat(s.daemon().statusLogInterval_s()).isEqualTo(600);
        assertThat(s.temperatureSensors()).isEmpty();
        assertThat(s.simulation()).isEmpty();
    }

    @Test
    void nmcTakesNmcProtectionDefaults() throws Exception {
        Settings s = load(MINIMAL.replace("lfp", "nmc"));

        assertThat(s.protection().cellOvervoltage().trip_mV()).isEqualTo(4250);
        assertThat(s.protection().cellUndervoltage().trip_mV()).isEqualTo(3000);
    }

    @Test
    void theShippedFilesAreValid() throws Exception {
        Settings pi = ConfigLoader.load(Path.of("config/pibms.yaml"));
        assertThat(pi.simulation()).isEmpty();
        assertThat(pi.temperatureSensorNames()).containsExactly("cells_top", "cells_bottom", "mos");

        Settings demo = ConfigLoader.load(Path.of("config/simulated.yaml"));
        assertThat(demo.pack().cellCount()).isEqualTo(16);
        assertThat(demo.pack().chemistry()).isEqualTo(Chemistry.LFP);
        assertThat(demo.pack().capacity_mAh()).isEqualTo(100_000);
        assertThat(demo.simulation()).isPresent();
        assertThat(demo.daemon().socket()).isEqualTo(Path.of("target/pibms-demo.sock").toAbsolutePath());
    }

    @Test
    void sensorsAndSimulationAreRead() throws Exception {
        Settings s = load(MINIMAL + """
                temperature_sensors:
                  - name: cell_a
                    location: cell
                  - {name: fets, location: mos}
                simulation:
                  seed: 12345678901
                  time_scale: max
                  cells:
                    r0_mOhm: 0.8
                """);

        assertThat(s.temperatureSensors()).extracting(t -> t.name() + "/" + t.location())
                .containsExactly("cell_a/" + SensorLocation.CELL, "fets/" + SensorLocation.MOS);
        assertThat(s.simulation().orElseThrow().seed()).isEqualTo(12_345_678_901L);
        assertThat(s.simulation().orElseThrow().timeScale()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(s.simulation().orElseThrow().cells().r0_mOhm()).isEqualTo(0.8);
        assertThat(s.simulation().orElseThrow().cells().r1_mOhm()).isEqualTo(0.6 * 0.8);
    }

    @Test
    void aRelativeSocketIsTakenFromTheFilesDirectory() throws Exception {
        Settings s = load(MINIMAL + "daemon:\n  socket: run/x.sock\n");

        assertThat(s.daemon().socket()).isEqualTo(dir.resolve("run/x.sock").toAbsolutePath());
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("cell count below 8", MINIMAL.replace("cells: 16", "cells: 4"),
                        List.of("3:10: pack.cells: 4 is outside the allowed range 8..20")),
                Arguments.of("cell count above 20", MINIMAL.replace("cells: 16", "cells: 24"),
                        List.of("3:10: pack.cells: 24 is outside the allowed range 8..20")),
                Arguments.of("cell count not whole", MINIMAL.replace("cells: 16", "cells: 16.5"),
                        List.of("3:10: pack.cells: expected a whole number, got 16.5")),
                Arguments.of("cell count as text", MINIMAL.replace("cells: 16", "cells: sixteen"),
                        List.of("3:10: pack.cells: expected a whole number, got the text 'sixteen'")),
                Arguments.of("unknown chemistry", MINIMAL.replace("lfp", "lead"),
                        List.of("2:14: pack.chemistry: expected one of lfp, nmc, got the text 'lead'")),
                Arguments.of("misspelt key", MINIMAL.replace("capacity_Ah", "capacity_ah"),
                        List.of("2:3: pack.capacity_Ah: missing required key",
                                "4:3: pack.capacity_ah: unknown key (did you mean 'capacity_Ah'?)")),
                Arguments.of("unknown top-level key", MINIMAL + "colour: blue\n",
                        List.of("5:1: colour: unknown key (known keys: pack, protection, temperature_sensors,"
                                + " control, daemon, simulation)")),
                Arguments.of("missing pack section", "control:\n  period_ms: 100\n",
                        List.of("1:1: pack: missing section")),
                Arguments.of("section given a value", "pack: 16\n",
                        List.of("1:7: pack: expected a section of 'key: value' lines, got the number 16")),
                Arguments.of("period too short", MINIMAL + "control:\n  period_ms: 5\n",
                        List.of("6:14: control.period_ms: 5 is outside the allowed range 10..1000")),
                Arguments.of("over-voltage recovery above its trip level", MINIMAL + """
                        protection:
                          cell_overvoltage:
                            trip_mV: 3650
                            recover_mV: 3700
                        """, List.of("8:17: protection.cell_overvoltage.recover_mV: must be below trip_mV"
                                + " (3650 mV), or the over-voltage fault could never clear")),
                Arguments.of("under-voltage recovery below its trip level", MINIMAL + """
                        protection:
                          cell_undervoltage: {trip_mV: 2800, recover_mV: 2750}
                        """, List.of("6:50: protection.cell_undervoltage.recover_mV: must be above trip_mV"
                                + " (2800 mV), or the under-voltage fault could never clear")),
                Arguments.of("under-voltage recovery above over-voltage recovery", MINIMAL + """
                        protection:
                          cell_overvoltage: {recover_mV: 3300}
                          cell_undervoltage: {recover_mV: 3350}
                        """, List.of("7:35: protection.cell_undervoltage.recover_mV: must be below"
                                + " cell_overvoltage.recover_mV (3300 mV), or a cell could be too high and too low"
                                + " at once")),
                Arguments.of("trip level outside the chemistry's safe window", MINIMAL + """
                        protection:
                          cell_overvoltage: {trip_mV: 4200}
                        """, List.of("6:31: protection.cell_overvoltage.trip_mV: 4200 is outside the allowed"
                                + " range 2000..3800")),
                Arguments.of("duplicate sensor name", MINIMAL + """
                        temperature_sensors:
                          - {name: t1, location: cell}
                          - {name: t1, location: mos}
                        """, List.of("7:12: temperature_sensors[2].name: 't1' is already the name of the sensor"
                                + " at line 6")),
                Arguments.of("sensor without location", MINIMAL + """
                        temperature_sensors:
                          - name: t1
                        """, List.of("6:5: temperature_sensors[1].location: missing required key")),
                Arguments.of("reserved sensor name", MINIMAL + """
                        temperature_sensors:
                          - {name: ambient, location: ambient}
                        """, List.of("6:12: temperature_sensors[1].name: 'ambient' is reserved for the air"
                                + " temperature of the simulator; choose another name (the location may still be"
                                + " ambient)")),
                Arguments.of("socket path too long", MINIMAL + "daemon:\n  socket: /" + "x".repeat(120) + "\n",
                        List.of("6:11: daemon.socket: /" + "x".repeat(120) + " is 121 bytes long; a Unix socket"
                                + " path may have at most 107: choose a shorter path")),
                Arguments.of("socket path with a NUL", MINIMAL + "daemon:\n  socket: \"/run/a\\0b\"\n",
                        List.of("6:11: daemon.socket: not a usable path: Nul character not allowed")),
                Arguments.of("YAML 1.1 boolean where a word is expected", MINIMAL.replace("lfp", "no"),
                        List.of("2:14: pack.chemistry: expected one of lfp, nmc, got the value no")),
                Arguments.of("time scale neither number nor max", MINIMAL + "simulation:\n  time_scale: fast\n",
                        List.of("6:15: simulation.time_scale: expected a number or max, got 'fast'")),
                Arguments.of("several problems at once", """
                        pack:
                          chemistry: lfp
                          cells: 30
                          capacity_Ah: 0
                        control: {period_ms: 2000, jitter: 1}
                        """, List.of("3:10: pack.cells: 30 is outside the allowed range 8..20",
                                "4:16: pack.capacity_Ah: 0 is outside the allowed range 1..2000",
                                "5:22: control.period_ms: 2000 is outside the allowed range 10..1000",
                                "5:28: control.jitter: unknown key (known keys: period_ms)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badValuesAreReportedAtTheirLineAndColumn(String name, String yaml, List<String> expected) throws IOException {
        Path file = write(yaml);

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::toString)
                        .containsExactlyElementsOf(expected.stream().map(line -> file + ":" + line).toList()));
    }

    static Stream<Arguments> unreadableFiles() {
        return Stream.of(
                Arguments.of("YAML syntax", "pack:\n  cells: 16\n   bad: 1\n",
                        "3:7: YAML syntax: mapping values are not allowed here"),
                Arguments.of("tab indentation", "pack:\n\tcells: 16\n",
                        "2:1: YAML syntax: while scanning for the next token; found character '\\t(TAB)' that"
                                + " cannot start any token. (Do not use \\t(TAB) for indentation)"),
                Arguments.of("duplicate key", MINIMAL + "pack:\n  cells: 8\n",
                        "5:1: duplicate key 'pack' (first at line 1)"),
                Arguments.of("alias", "pack: &p\n  cells: 16\nother: *p\n",
                        "3:8: aliases (*p) are not supported: write the value out where it applies"),
                Arguments.of("two documents", MINIMAL + "---\ncontrol: {}\n",
                        "6:1: the file holds more than one YAML document (a second '---')"),
                Arguments.of("empty file", "", "1:1: the file is empty"),
                Arguments.of("comments only", "# nothing here\n", "1:1: the file is empty"),
                Arguments.of("a list at the top", "- pack\n", "1:1: expected 'key: value' lines at the top level,"
                        + " got a list"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableFiles")
    void unparseableFilesNameTheirPosition(String name, String yaml, String expected) throws IOException {
        Path file = write(yaml);

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::toString)
                        .containsExactly(file + ":" + expected));
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("absent.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": cannot read: no such file");
    }

    @Test
    void aDirectoryIsNotAFile() {
        assertThatThrownBy(() -> ConfigLoader.load(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir + ": cannot read: it is a directory");
    }

    @Test
    void binaryContentIsRefused() throws IOException {
        Path file = dir.resolve("binary.yaml");
        Files.write(file, new byte[] {'p', ':', ' ', (byte) 0xC3, (byte) 0x28});

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": cannot read: the file is not UTF-8 text");
    }

    private Settings load(String yaml) throws Exception {
        return ConfigLoader.load(write(yaml));
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("pibms.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }
}
