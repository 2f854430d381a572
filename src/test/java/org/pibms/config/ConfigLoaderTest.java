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
import org.pibms.core.FaultId;
import java.util.Optional;
import org.pibms.core.settings.HardwareSettings;
import org.pibms.core.settings.CanSettings;
import org.pibms.core.settings.ModbusTcpSettings;
import org.pibms.core.settings.MqttSettings;
import org.pibms.core.settings.PortSettings;
import org.pibms.core.settings.SensorLocation;
import org.pibms.core.settings.ThermistorSettings;
import org.pibms.core.settings.Settings;
import org.pibms.core.settings.TemperatureSensorSettings;

class ConfigLoaderTest {

    /** A pack and the one cell temperature sensor the loader insists on. */
    private static final String MINIMAL = """
            pack:
              chemistry: lfp
              cells: 16
              capacity_Ah: 100
            temperature_sensors: [{name: cells, location: cell, gpio: 1}]
            """;

    /** The pack alone, for tests that list their own sensors. */
    private static final String PACK_ONLY = """
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
        assertThat(s.protection().limit(FaultId.CELL_OVERVOLTAGE).trip()).isEqualTo(3650);
        assertThat(s.protection().limit(FaultId.CELL_OVERVOLTAGE).recover()).isEqualTo(3400);
        assertThat(s.protection().limit(FaultId.CELL_UNDERVOLTAGE).trip()).isEqualTo(2700);
        assertThat(s.protection().limit(FaultId.CELL_UNDERVOLTAGE).recover()).isEqualTo(3000);
        assertThat(s.protection().limit(FaultId.LOW_SOC).enabled()).isFalse();
        assertThat(s.outputs()).isEmpty();
        assertThat(s.hasPrecharge()).isFalse();
        assertThat(s.lowPower().enabled()).isFalse();
        assertThat(s.daemon().stateDirectory()).isEqualTo(Path.of("/var/lib/pibms"));
        assertThat(s.control().period_ms()).isEqualTo(100);
        assertThat(s.daemon().socket()).isEqualTo(Path.of("/run/pibms/pibms.sock"));
        assertThat(s.daemon().statusLogInterval_s()).isEqualTo(600);
        assertThat(s.temperatureSensors()).singleElement().extracting(t -> t.location()).isEqualTo(SensorLocation.CELL);
        assertThat(s.simulation()).isEmpty();
    }

    @Test
    void nmcTakesNmcProtectionDefaults() throws Exception {
        Settings s = load(MINIMAL.replace("lfp", "nmc"));

        assertThat(s.protection().limit(FaultId.CELL_OVERVOLTAGE).trip()).isEqualTo(4250);
        assertThat(s.protection().limit(FaultId.CELL_UNDERVOLTAGE).trip()).isEqualTo(3000);
    }

    @Test
    void theShippedFilesAreValid() throws Exception {
        Settings pi = ConfigLoader.load(Path.of("config/pibms.yaml"));
        assertThat(pi.simulation()).isEmpty();
        assertThat(pi.temperatureSensorNames()).containsExactly("cells_top", "cells_bottom", "mos", "balance", "shunt");
        assertThat(pi.hardware().spi().device()).isEqualTo("/dev/spidev0.0");
        assertThat(pi.hardware().ina228().alertGpio()).contains(24);

        Settings demo = ConfigLoader.load(Path.of("config/simulated.yaml"));
        assertThat(demo.hardware()).as("the demo runs the Pi's hardware section over emulators")
                .isEqualTo(pi.hardware());
        // the same wiring; only the demo says which cell its two cell probes sit on
        assertThat(demo.temperatureSensors()).extracting(t -> new TemperatureSensorSettings(t.name(), t.location(),
                t.input(), 0)).isEqualTo(pi.temperatureSensors());
        assertThat(demo.pack().cellCount()).isEqualTo(16);
        assertThat(demo.pack().chemistry()).isEqualTo(Chemistry.LFP);
        assertThat(demo.pack().capacity_mAh()).isEqualTo(100_000);
        assertThat(demo.simulation()).isPresent();
        assertThat(demo.daemon().socket()).isEqualTo(Path.of("target/pibms-demo.sock").toAbsolutePath());
    }

    @Test
    void sensorsAndSimulationAreRead() throws Exception {
        Settings s = load(PACK_ONLY + """
                temperature_sensors:
                  - name: cell_a
                    location: cell
                    gpio: 5
                    cell: 16
                  - {name: fets, location: mos, input: ina228_die}
                simulation:
                  seed: 12345678901
                  time_scale: max
                  cells:
                    r0_mOhm: 0.8
                """);

        assertThat(s.temperatureSensors()).extracting(t -> t.name() + "/" + t.location() + "/" + t.input())
                .containsExactly("cell_a/" + SensorLocation.CELL + "/LtcGpio[chip=1, gpio=5]",
                        "fets/" + SensorLocation.MOS + "/Ina228Die[]");
        assertThat(s.temperatureSensors()).extracting(TemperatureSensorSettings::cell).containsExactly(16, 0);
        assertThat(s.simulation().orElseThrow().seed()).isEqualTo(12_345_678_901L);
        assertThat(s.simulation().orElseThrow().timeScale()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(s.simulation().orElseThrow().cells().r0_mOhm()).isEqualTo(0.8);
        assertThat(s.simulation().orElseThrow().cells().r1_mOhm()).isEqualTo(0.6 * 0.8);
    }

    @Test
    void theHardwareSectionIsRead() throws Exception {
        Settings s = load(MINIMAL.replace("cells: 16", "cells: 20") + """
                hardware:
                  spi: {device: /dev/spidev1.2, clock_Hz: 500000}
                  i2c: {bus: 3}
                  ltc6813:
                    conversion: 27kHz
                    chips:
                      - channels: [1, 2, 3, 4, 5, 7, 8, 9, 10, 11]
                      - cells: 10
                    thermistor: {steinhart_hart: [1.009249522e-3, 2.378405444e-4, 2.019202697e-7], pullup_Ohm: 4700}
                    discharge_timeout_min: 2
                  ina228: {address: 0x41, shunt_uOhm: 250, max_current_A: 150, invert_current: true, alert_gpio: 5}
                  ads1115: {address: 0x49, full_scale_mV: 2048, pack: {input: 2, divider_ratio: 48}}
                  gpio: {charge_mos: 5, discharge_mos: 6}
                """.replace("alert_gpio: 5", "alert_gpio: 13"));

        HardwareSettings h = s.hardware();
        assertThat(h.spi()).isEqualTo(new HardwareSettings.Spi(1, 2, 500_000));
        assertThat(h.i2cBus()).isEqualTo(3);
        assertThat(h.ltc6813().rate()).isEqualTo(HardwareSettings.ConversionRate.RATE_27KHZ);
        assertThat(h.ltc6813().chips().get(0).channels()).containsExactly(1, 2, 3, 4, 5, 7, 8, 9, 10, 11);
        assertThat(h.ltc6813().chips().get(1).channels()).hasSize(10);
        assertThat(h.ltc6813().thermistor()).isEqualTo(new ThermistorSettings.SteinhartHart(1.009249522e-3,
                2.378405444e-4, 2.019202697e-7, 4700));
        assertThat(h.ltc6813().dischargeTimeout_min()).isEqualTo(2);
        assertThat(h.ina228()).isEqualTo(new HardwareSettings.Ina228(0x41, 250, 150, true, true, Optional.of(13)));
        assertThat(h.ads1115().pack()).isEqualTo(new HardwareSettings.AnalogInput(2, 48));
        assertThat(h.ads1115().load()).isEmpty();
        assertThat(h.gpio()).isEqualTo(new HardwareSettings.Gpio(5, 6, Optional.empty(), Optional.empty()));
    }

    @Test
    void withoutAHardwareSectionTheChipsShareTheCells() throws Exception {
        assertThat(load(MINIMAL).hardware().ltc6813().chips()).singleElement()
                .satisfies(chip -> assertThat(chip.channels()).hasSize(16));
        assertThat(load(MINIMAL.replace("cells: 16", "cells: 19")).hardware().ltc6813().chips())
                .extracting(chip -> chip.channels().size()).containsExactly(10, 9);
        assertThat(load(MINIMAL).hardware().ina228().narrowRange()).as("300 A × 100 µΩ = 30 mV fits ±40.96 mV").isTrue();
    }

    @Test
    void aRelativeSocketIsTakenFromTheFilesDirectory() throws Exception {
        Settings s = load(MINIMAL + "daemon:\n  socket: run/x.sock\n");

        assertThat(s.daemon().socket()).isEqualTo(dir.resolve("run/x.sock").toAbsolutePath());
    }

    @Test
    void portsTakeTheirDefaultsAndRelativeDevicesFromTheFilesDirectory() throws Exception {
        Settings s = load(MINIMAL + """
                ports:
                  - device: /dev/ttyUSB0
                    protocol: ant
                  - device: ptys/bms
                    protocol: ant
                    baud: 9600
                    rs485: true
                    password: "12345678"
                    current_sign: charge_positive
                    mos_byte_order: discharge_first
                  - device: /dev/ttyUSB1
                    protocol: modbus
                  - device: /dev/ttyAMA0
                    protocol: modbus
                    unit_id: 247
                    writes: true
                """);
        assertThat(s.ports()).containsExactly(
                new PortSettings(Path.of("/dev/ttyUSB0"), 19200, false, new PortSettings.Ant(Optional.empty(),
                        true, true)),
                new PortSettings(dir.resolve("ptys/bms").toAbsolutePath(), 9600, true, new PortSettings.Ant(
                        Optional.of("12345678"), false, false)),
                new PortSettings(Path.of("/dev/ttyUSB1"), 19200, false, new PortSettings.Modbus(1, false)),
                new PortSettings(Path.of("/dev/ttyAMA0"), 19200, false, new PortSettings.Modbus(247, true)));
        assertThat(load(MINIMAL).ports()).isEmpty();
    }

    @Test
    void modbusTcpIsOffUnlessEnabledAndThenOnLoopback() throws Exception {
        assertThat(load(MINIMAL).modbusTcp()).isEmpty();
        assertThat(load(MINIMAL + "modbus_tcp:\n  port: 1502\n").modbusTcp()).isEmpty();
        assertThat(load(MINIMAL + "modbus_tcp:\n  enabled: true\n").modbusTcp())
                .contains(new ModbusTcpSettings("127.0.0.1", 5020, false));
        assertThat(load(MINIMAL + "modbus_tcp:\n  enabled: true\n  address: 0.0.0.0\n  port: 502\n  writes: true\n")
                .modbusTcp()).contains(new ModbusTcpSettings("0.0.0.0", 502, true));
        assertThat(load(MINIMAL + "modbus_tcp:\n  enabled: true\n  address: \"::1\"\n").modbusTcp())
                .contains(new ModbusTcpSettings("::1", 5020, false));
    }

    @Test
    void theCanBusIsReadWithItsDefaults() throws Exception {
        assertThat(load(MINIMAL).can()).isEmpty();
        assertThat(load(MINIMAL + "can:\n  transport: socketcan\n  profile: victron\n").can()).contains(
                new CanSettings(CanSettings.Transport.SOCKETCAN, "can0", Path.of("/dev/null"), CanSettings.Profile.VICTRON,
                        1000, 30_000, 0xF4, 0xFFE0_0001L));
        assertThat(load(MINIMAL + "can:\n  transport: slcan\n  device: /dev/ttyACM0\n  profile: ant\n"
                + "  j1939_address: 128\n  j1939_name: A00000000000002A\n").can()).contains(
                new CanSettings(CanSettings.Transport.SLCAN, "can0", Path.of("/dev/ttyACM0"), CanSettings.Profile.ANT,
                        1000, 30_000, 128, 0xA000_0000_0000_002AL));
    }

    @Test
    void badCanSettingsAreNamed() throws Exception {
        Path file = write(MINIMAL + "can:\n  transport: slcan\n  profile: goodwe\n  period_ms: 50\n"
                + "  j1939_name: xyz\n");
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::toString)
                        .containsExactly(
                                file + ":7:3: can.device: an slcan adapter needs its serial device, e.g. /dev/ttyACM0",
                                file + ":8:12: can.profile: expected one of pylon, sma, victron, ant, got the text"
                                        + " 'goodwe'",
                                file + ":9:14: can.period_ms: 50 is outside the allowed range 200..2000",
                                file + ":10:15: can.j1939_name: expected 16 hex digits (the 64-bit NAME, most"
                                        + " significant first), got 'xyz'"));
    }

    @Test
    void mqttIsOffWithoutItsSectionAndTlsMovesTheDefaultPort() throws Exception {
        assertThat(load(MINIMAL).mqtt()).isEmpty();
        assertThat(load(MINIMAL + "mqtt:\n  host: broker.local\n").mqtt()).contains(new MqttSettings("broker.local",
                1883, false, Optional.empty(), Optional.empty(), Optional.empty(), "", "pibms", "homeassistant", 10,
                false));
        MqttSettings tls = load(MINIMAL + "mqtt:\n  host: 10.0.0.2\n  tls: true\n  ca_file: /etc/pibms/ca.pem\n"
                + "  username: bms\n  password: secret\n  topic_prefix: home/battery\n  commands: true\n").mqtt()
                .orElseThrow();
        assertThat(tls.port()).isEqualTo(8883);
        assertThat(tls.caFile()).contains(Path.of("/etc/pibms/ca.pem"));
        assertThat(tls.username()).contains("bms");
        assertThat(tls.topicPrefix()).isEqualTo("home/battery");
        assertThat(tls.commands()).isTrue();
    }

    @Test
    void badMqttSettingsAreNamed() throws Exception {
        Path file = write(MINIMAL + "mqtt:\n  host: mqtt://broker\n  ca_file: ca.pem\n  password: secret\n"
                + "  client_id: a-client-id-longer-than-23\n  topic_prefix: /pibms/#\n");
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::toString)
                        .containsExactly(
                                file + ":7:9: mqtt.host: expected the broker's host name or IP address, such as"
                                        + " 192.168.1.10 or broker.local, got 'mqtt://broker'",
                                file + ":8:12: mqtt.ca_file: a CA certificate is for TLS: set tls: true as well",
                                file + ":9:13: mqtt.password: a password needs a username",
                                file + ":10:14: mqtt.client_id: expected up to 23 letters, digits, - or _ (the length"
                                        + " every broker accepts), got 'a-client-id-longer-than-23'",
                                file + ":11:17: mqtt.topic_prefix: expected topic levels of letters, digits, - and _"
                                        + " joined by /, such as pibms or home/battery (no + # or spaces, no / at"
                                        + " either end), got '/pibms/#'"));
    }

    @Test
    void aModbusTcpAddressMustBeAnIpAddress() throws Exception {
        Path file = write(MINIMAL + "modbus_tcp:\n  enabled: true\n  address: pi.local\n  port: 70000\n");
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::toString)
                        .containsExactly(
                                file + ":8:12: modbus_tcp.address: expected an IP address such as 127.0.0.1 (this Pi"
                                        + " only) or 0.0.0.0 (every network), got 'pi.local'",
                                file + ":9:9: modbus_tcp.port: 70000 is outside the allowed range 1..65535"));
    }

    @Test
    void badPortsAreNamedAtTheirLine() throws Exception {
        Path file = write(MINIMAL + """
                ports:
                  - device: /dev/ttyUSB0
                    protocol: slcan
                    baud: 12345
                    password: "a b"
                  - device: /dev/ttyUSB0
                    protocol: ant
                    current_sign: backwards
                    unit_id: 2
                  - device: /dev/ttyUSB1
                    protocol: modbus
                    unit_id: 0
                    password: "12345678"
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::toString)
                        .containsExactly(
                                file + ":8:15: ports[1].protocol: slcan is not available in this version of pibms;"
                                        + " it serves ant and modbus",
                                file + ":9:11: ports[1].baud: 12345 is not a standard rate; use one of [1200, 2400,"
                                        + " 4800, 9600, 19200, 38400, 57600, 115200, 230400]",
                                file + ":10:15: ports[1].password: use 4 to 16 printable ASCII characters without"
                                        + " spaces (an ANT client sends it as ASCII); leave it out to make the port"
                                        + " read-only",
                                file + ":11:13: ports[2].device: /dev/ttyUSB0 is already the port at line 7",
                                file + ":13:19: ports[2].current_sign: expected discharge_positive (as an ANT BMS)"
                                        + " or charge_positive, got 'backwards'",
                                file + ":14:14: ports[2].unit_id: unit_id applies to modbus ports, and this one"
                                        + " serves ant",
                                file + ":17:14: ports[3].unit_id: 0 is outside the allowed range 1..247",
                                file + ":18:15: ports[3].password: password applies to ant ports, and this one"
                                        + " serves modbus"));
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
                        List.of("6:1: colour: unknown key (known keys: pack, control, hardware, protection,"
                                + " temperature_sensors, outputs, switching, low_power, balancing, open_wire, daemon, soc, recorder, charge_limits, ports, modbus_tcp, can, web, mqtt, simulation)")),
                Arguments.of("missing pack section", "control:\n  period_ms: 100\n",
                        List.of("1:1: pack: missing section", "1:1: temperature_sensors: no sensor with location: cell; the charge and discharge"
                                + " temperature limits need at least one, or the pack could be charged while frozen")),
                Arguments.of("section given a value", "pack: 16\n",
                        List.of("1:1: temperature_sensors: no sensor with location: cell; the charge and discharge"
                                + " temperature limits need at least one, or the pack could be charged while frozen",
                                "1:7: pack: expected a section of 'key: value' lines, got the number 16")),
                Arguments.of("period too short", MINIMAL + "control:\n  period_ms: 5\n",
                        List.of("7:14: control.period_ms: 5 is outside the allowed range 10..1000")),
                Arguments.of("real-time priority above the interrupt threads",
                        MINIMAL + "control:\n  realtime_priority: 50\n",
                        List.of("7:22: control.realtime_priority: 50 is outside the allowed range 0..49")),
                Arguments.of("over-voltage recovery above its trip level", MINIMAL + """
                        protection:
                          cell_overvoltage:
                            trip_mV: 3650
                            recover_mV: 3700
                        """, List.of("9:17: protection.cell_overvoltage.recover_mV: must be below trip_mV"
                                + " (3650 mV), or the fault could never clear")),
                Arguments.of("under-voltage recovery below its trip level", MINIMAL + """
                        protection:
                          cell_undervoltage: {trip_mV: 2800, recover_mV: 2750}
                        """, List.of("7:50: protection.cell_undervoltage.recover_mV: must be above trip_mV"
                                + " (2800 mV), or the fault could never clear")),
                Arguments.of("under-voltage recovery above over-voltage recovery", MINIMAL + """
                        protection:
                          cell_overvoltage: {recover_mV: 3300}
                          cell_undervoltage: {recover_mV: 3350}
                        """, List.of("8:35: protection.cell_undervoltage.recover_mV: must be below"
                                + " cell_overvoltage.recover_mV (3300 mV), or a cell could need to be too high and"
                                + " too low at once to recover")),
                Arguments.of("trip level outside the chemistry's safe window", MINIMAL + """
                        protection:
                          cell_overvoltage: {trip_mV: 4200}
                        """, List.of("7:31: protection.cell_overvoltage.trip_mV: 4200 mV is outside the safe"
                                + " range 2000 mV .. 3800 mV for LFP cells")),
                Arguments.of("duplicate sensor name", PACK_ONLY + """
                        temperature_sensors:
                          - {name: t1, location: cell, gpio: 1}
                          - {name: t1, location: mos, gpio: 2}
                        """, List.of("7:12: temperature_sensors[2].name: 't1' is already the name of the sensor"
                                + " at line 6")),
                Arguments.of("sensor without location", PACK_ONLY + """
                        temperature_sensors:
                          - name: t1
                            gpio: 1
                        """, List.of("6:5: temperature_sensors[1].location: missing required key")),
                Arguments.of("reserved sensor name", PACK_ONLY + """
                        temperature_sensors:
                          - {name: ambient, location: ambient, gpio: 3}
                        """, List.of("6:3: temperature_sensors: no sensor with location: cell; the charge and discharge"
                                + " temperature limits need at least one, or the pack could be charged while frozen",
                                "6:12: temperature_sensors[1].name: 'ambient' is reserved for the air"
                                + " temperature of the simulator; choose another name (the location may still be"
                                + " ambient)")),
                Arguments.of("socket path too long", MINIMAL + "daemon:\n  socket: /" + "x".repeat(120) + "\n",
                        List.of("7:11: daemon.socket: /" + "x".repeat(120) + " is 121 bytes long; a Unix socket"
                                + " path may have at most 107: choose a shorter path")),
                Arguments.of("socket path with a NUL", MINIMAL + "daemon:\n  socket: \"/run/a\\0b\"\n",
                        List.of("7:11: daemon.socket: not a usable path: Nul character not allowed")),
                Arguments.of("YAML 1.1 boolean where a word is expected", MINIMAL.replace("lfp", "no"),
                        List.of("2:14: pack.chemistry: expected one of lfp, nmc, got the value no")),
                Arguments.of("time scale neither number nor max", MINIMAL + "simulation:\n  time_scale: fast\n",
                        List.of("7:15: simulation.time_scale: expected a number or max, got 'fast'")),
                Arguments.of("sensor without an input", PACK_ONLY + """
                        temperature_sensors:
                          - {name: t1, location: cell}
                        """, List.of("6:5: temperature_sensors[1].input: say where the sensor is read: 'gpio: N' for"
                                + " an NTC on an LTC6813 GPIO, or 'input: ltc_die' or 'input: ina228_die'")),
                Arguments.of("two sensors on one input", PACK_ONLY + """
                        temperature_sensors:
                          - {name: t1, location: cell, gpio: 4}
                          - {name: t2, location: cell, gpio: 4}
                        """, List.of("7:38: temperature_sensors[2].gpio: the sensor at line 6 already reads this input")),
                Arguments.of("sensor on a chip that does not exist", PACK_ONLY + """
                        temperature_sensors:
                          - {name: t1, location: cell, gpio: 4, chip: 2}
                        """, List.of("6:47: temperature_sensors[1].chip: 2 is outside the allowed range 1..1")),
                Arguments.of("sensor cells: beyond the pack, twice, off a cell", PACK_ONLY + """
                        temperature_sensors:
                          - {name: t1, location: cell, gpio: 1, cell: 17}
                          - {name: t2, location: cell, gpio: 2, cell: 4}
                          - {name: t3, location: cell, gpio: 3, cell: 4}
                          - {name: t4, location: mos, gpio: 5, cell: 5}
                        """, List.of("6:47: temperature_sensors[1].cell: 17 is outside the allowed range 1..16",
                                "8:47: temperature_sensors[3].cell: cell 4 already has the sensor at line 7",
                                "9:46: temperature_sensors[4].cell: only a sensor with location: cell sits on a cell")),
                Arguments.of("GPIO beyond the chip's nine", PACK_ONLY + """
                        temperature_sensors:
                          - {name: t1, location: cell, gpio: 10}
                        """, List.of("6:38: temperature_sensors[1].gpio: 10 is outside the allowed range 1..9")),
                Arguments.of("chips that do not add up to the pack", MINIMAL + """
                        hardware:
                          ltc6813:
                            chips:
                              - cells: 10
                              - cells: 8
                        """, List.of("9:7: hardware.ltc6813.chips: the chips measure 18 cells, but pack.cells is 16")),
                Arguments.of("a chip with too few cells to power it", MINIMAL + """
                        hardware:
                          ltc6813:
                            chips:
                              - cells: 12
                              - cells: 4
                        """, List.of("10:16: hardware.ltc6813.chips[2].cells: 4 cells cannot power an LTC6813 (it"
                                + " needs about 11 V); give each chip at least 5")),
                Arguments.of("channels that do not rise", MINIMAL.replace("cells: 16", "cells: 8") + """
                        hardware:
                          ltc6813:
                            chips:
                              - channels: [1, 2, 3, 5, 4, 6, 7, 8]
                        """, List.of("9:19: hardware.ltc6813.chips[1].channels: the channels must rise, each used"
                                + " once")),
                Arguments.of("conversions too slow for the tick", MINIMAL + """
                        control: {period_ms: 10}
                        """, List.of("1:1: hardware.ltc6813.conversion: at 7kHz a tick that also reads temperatures"
                                + " spends 8.1 ms converting, too much for control.period_ms 10; choose a faster"
                                + " conversion or a period of at least 11 ms")),
                Arguments.of("a shunt voltage beyond the INA228's range", MINIMAL + """
                        hardware:
                          ina228: {shunt_uOhm: 500, max_current_A: 400}
                        """, List.of("7:44: hardware.ina228.max_current_A: 400 A through 500 µΩ is 200.00 mV, beyond"
                                + " the ±163.84 mV range")),
                Arguments.of("a divider too small for the pack", MINIMAL + """
                        hardware:
                          ads1115:
                            pack: {input: 0, divider_ratio: 10}
                        """, List.of("8:37: hardware.ads1115.pack.divider_ratio: a full 16S pack (60.8 V) gives 6.08"
                                + " V at AIN0, beyond the ±4.096 V range; use a larger ratio")),
                Arguments.of("one GPIO line for both MOSFETs", MINIMAL + """
                        hardware:
                          gpio: {charge_mos: 17, discharge_mos: 17}
                        """, List.of("7:41: hardware.gpio.discharge_mos: line 17 is already used by the charge MOS")),
                Arguments.of("a malformed SPI device", MINIMAL + """
                        hardware:
                          spi: {device: /dev/ttyAMA0}
                        """, List.of("7:17: hardware.spi.device: expected an SPI device such as /dev/spidev0.0, got"
                                + " '/dev/ttyAMA0'")),
                Arguments.of("both thermistor models", MINIMAL + """
                        hardware:
                          ltc6813:
                            thermistor: {beta_K: 3950, steinhart_hart: [1.0e-3, 2.0e-4, 1.0e-7]}
                        """, List.of("8:48: hardware.ltc6813.thermistor.steinhart_hart: give either beta_K with r25_Ohm"
                                + " or steinhart_hart, not both")),
                Arguments.of("a YAML 1.1 boolean", MINIMAL + """
                        hardware:
                          ina228: {invert_current: yes}
                        """, List.of("7:28: hardware.ina228.invert_current: expected true or false, got the value"
                                + " yes")),
                Arguments.of("an INA228 address off its range", MINIMAL + """
                        hardware:
                          ina228: {address: 0x50}
                        """, List.of("7:21: hardware.ina228.address: 0x50 is outside the allowed range 0x40..0x4F")),
                Arguments.of("several problems at once", """
                        pack:
                          chemistry: lfp
                          cells: 30
                          capacity_Ah: 0
                        control: {period_ms: 2000, jitter: 1}
                        """, List.of("1:1: temperature_sensors: no sensor with location: cell; the charge and discharge"
                                + " temperature limits need at least one, or the pack could be charged while frozen",
                                "3:10: pack.cells: 30 is outside the allowed range 8..20",
                                "4:16: pack.capacity_Ah: 0 is outside the allowed range 1..2000",
                                "5:22: control.period_ms: 2000 is outside the allowed range 10..1000",
                                "5:28: control.jitter: unknown key (known keys: period_ms, realtime_priority)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsafeBalancing")
    void unsafeOrInconsistentBalancingIsRefusedWithItsReason(String name, String section, String expected)
            throws IOException {
        Path file = write(MINIMAL + section);

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::toString).singleElement().asString().endsWith(expected));
    }

    static Stream<Arguments> unsafeBalancing() {
        return Stream.of(
                Arguments.of("stop delta not below start delta", "balancing:\n  start_delta_mV: 10\n  stop_delta_mV: 10\n",
                        "balancing.stop_delta_mV: must be below start_delta_mV (10 mV): a cell must stop closer to"
                                + " the lowest than where it started, or it would switch on and off"),
                Arguments.of("start at the overvoltage trip", "balancing:\n  start_mV: 3650\n",
                        "balancing.start_mV: 3650 mV is at or above protection.cell_overvoltage.trip_mV (3650 mV):"
                                + " charging stops before balancing could start"),
                Arguments.of("floor at the undervoltage trip", "balancing:\n  floor_mV: 2700\n",
                        "balancing.floor_mV: 2700 mV is at or below protection.cell_undervoltage.trip_mV (2700 mV):"
                                + " bleeding could take a cell into its protection"),
                Arguments.of("more current than the resistor passes", "balancing:\n  current_mA: 150\n",
                        "balancing.current_mA: 150 mA is more than the 33 Ohm bleed resistor"
                                + " (hardware.ltc6813.balance_resistor_Ohm) passes at start_mV: 103 mA; the current"
                                + " can be lowered by switching, never raised"),
                Arguments.of("a stop above the protection", "balancing:\n  thermal: {stop_C: 75}\n",
                        "balancing.thermal.stop_C: 75 °C is above protection.balance_overtemperature.trip_C (70 °C):"
                                + " the balancer must give up before the protection has to step in"),
                Arguments.of("a pause longer than half the window", "balancing:\n  window_s: 2\n  measure_pause_ms: 1500\n",
                        "balancing.measure_pause_ms: must be at most half of window_s (1000 ms), or the switches"
                                + " would be open more than they bleed"));
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
                        "6:1: duplicate key 'pack' (first at line 1)"),
                Arguments.of("alias", "pack: &p\n  cells: 16\nother: *p\n",
                        "3:8: aliases (*p) are not supported: write the value out where it applies"),
                Arguments.of("two documents", MINIMAL + "---\ncontrol: {}\n",
                        "7:1: the file holds more than one YAML document (a second '---')"),
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
