package org.pibms.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.pibms.config.ConfigNode.Mapping;
import org.pibms.config.ConfigNode.Position;
import org.pibms.core.Chemistry;
import org.pibms.core.Measurement;
import org.pibms.core.settings.ControlSettings;
import org.pibms.core.settings.DaemonSettings;
import org.pibms.core.settings.HardwareSettings;
import org.pibms.core.settings.PackSettings;
import org.pibms.core.settings.ProtectionSettings;
import org.pibms.core.settings.SensorLocation;
import org.pibms.core.settings.Settings;
import org.pibms.core.settings.SimulationSettings;
import org.pibms.core.settings.TemperatureSensorSettings;
import org.pibms.core.settings.VoltageLimit;

/**
 * Reads a pibms config file into {@link Settings}, or reports every problem in it.
 *
 * <p>This is the one place where config keys, their defaults and their allowed ranges are
 * written down; docs/configuration.md describes the same keys for users, and a test keeps the
 * two in step. Relative paths in the file are taken relative to the file's own directory.
 */
public final class ConfigLoader {

    /** Longest path a Unix domain socket address can hold (sun_path is 108 bytes with the NUL). */
    static final int MAX_SOCKET_PATH_BYTES = 107;
    static final int MAX_TEMPERATURE_SENSORS = 8;
    static final String DEFAULT_SOCKET = "/run/pibms/pibms.sock";
    private static final long MAX_FILE_BYTES = 1 << 20;
    private static final Pattern SENSOR_NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    /** Reserved for the simulator's air temperature ({@code pibms sim temp ambient}). */
    static final String AMBIENT = "ambient";

    private ConfigLoader() {
    }

    public static Settings load(Path file) throws ConfigException {
        return load(file, new Section.Problems(file.toString()));
    }

    /**
     * Every key the loader asks for when it reads {@code file}, whether the file sets it or not
     * ({@code temperature_sensors[].name} for list items). Keys of absent optional sections are
     * included, except those of list items, which need one item in the file.
     */
    static Set<String> keysRead(Path file) {
        Section.Problems problems = new Section.Problems(file.toString());
        try {
            load(file, problems);
        } catch (ConfigException e) {
            // the keys read so far are still the vocabulary
        }
        return problems.keysRead;
    }

    private static Settings load(Path file, Section.Problems problems) throws ConfigException {
        String name = file.toString();
        String text = read(file, name);
        ConfigNode root;
        try {
            root = YamlTree.parse(text);
        } catch (YamlTree.SyntaxError e) {
            throw new ConfigException(List.of(new ConfigProblem(name, e.position().line(), e.position().column(),
                    "", e.getMessage())));
        }
        if (root == null) {
            throw new ConfigException(List.of(new ConfigProblem(name, 1, 1, "", "the file is empty")));
        }
        if (!(root instanceof Mapping mapping)) {
            throw new ConfigException(List.of(new ConfigProblem(name, root.position().line(),
                    root.position().column(), "", "expected 'key: value' lines at the top level, got "
                            + root.describe())));
        }
        Path directory = file.toAbsolutePath().getParent();
        return bind(problems, mapping, directory);
    }

    private static String read(Path file, String name) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw fileProblem(name, "cannot read: it is a directory");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw fileProblem(name, "cannot read: larger than " + MAX_FILE_BYTES / 1024 + " KiB");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw fileProblem(name, "cannot read: no such file");
        } catch (AccessDeniedException e) {
            throw fileProblem(name, "cannot read: permission denied");
        } catch (IOException e) {
            throw fileProblem(name, "cannot read: " + e.getMessage());
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw fileProblem(name, "cannot read: the file is not UTF-8 text");
        }
    }

    private static ConfigException fileProblem(String name, String message) {
        return new ConfigException(List.of(new ConfigProblem(name, 0, 0, "", message)));
    }

    private static Settings bind(Section.Problems problems, Mapping mapping, Path directory) throws ConfigException {
        Section root = new Section(problems, "", mapping, mapping.position());

        PackSettings pack = pack(root.requiredSection("pack"));
        ProtectionSettings protection = protection(root.section("protection"), pack.chemistry());
        ControlSettings control = control(root.section("control"));
        HardwareSettings hardware = HardwareBinder.hardware(root.section("hardware"), pack, control);
        List<TemperatureSensorSettings> sensors = temperatureSensors(root, hardware);
        DaemonSettings daemon = daemon(root.section("daemon"), directory);
        Optional<SimulationSettings> simulation = root.has("simulation")
                ? Optional.of(simulation(root.section("simulation"), pack))
                : Optional.empty();
        root.finish();

        if (!problems.isEmpty()) {
            throw new ConfigException(problems.sorted());
        }
        return new Settings(pack, protection, sensors, hardware, control, daemon, simulation);
    }

    private static PackSettings pack(Section s) {
        Chemistry chemistry = s.requiredChoice("chemistry", Chemistry::fromId, List.of("lfp", "nmc"), Chemistry.LFP);
        int cells = s.requiredInt("cells", Measurement.MIN_CELLS, Measurement.MAX_CELLS);
        double capacity_Ah = s.requiredDecimal("capacity_Ah", 1, 2000);
        s.finish();
        return new PackSettings(chemistry, cells, (int) Math.round(capacity_Ah * 1000));
    }

    private static ProtectionSettings protection(Section s, Chemistry chemistry) {
        ProtectionSettings defaults = ProtectionSettings.defaultsFor(chemistry);
        ProtectionSettings.SafeWindow window = ProtectionSettings.safeWindow(chemistry);
        Section over = s.section("cell_overvoltage");
        VoltageLimit overvoltage = voltageLimit(over, defaults.cellOvervoltage(), window);
        Section under = s.section("cell_undervoltage");
        VoltageLimit undervoltage = voltageLimit(under, defaults.cellUndervoltage(), window);
        s.finish();

        if (overvoltage.recover_mV() >= overvoltage.trip_mV()) {
            over.problem("recover_mV", "must be below trip_mV (" + overvoltage.trip_mV()
                    + " mV), or the over-voltage fault could never clear");
        }
        if (undervoltage.recover_mV() <= undervoltage.trip_mV()) {
            under.problem("recover_mV", "must be above trip_mV (" + undervoltage.trip_mV()
                    + " mV), or the under-voltage fault could never clear");
        }
        if (undervoltage.recover_mV() >= overvoltage.recover_mV()) {
            under.problem("recover_mV", "must be below cell_overvoltage.recover_mV ("
                    + overvoltage.recover_mV() + " mV), or a cell could be too high and too low at once");
        }
        return new ProtectionSettings(overvoltage, undervoltage);
    }

    private static VoltageLimit voltageLimit(Section s, VoltageLimit defaults, ProtectionSettings.SafeWindow window) {
        int trip = s.optionalInt("trip_mV", defaults.trip_mV(), window.min_mV(), window.max_mV());
        int recover = s.optionalInt("recover_mV", defaults.recover_mV(), window.min_mV(), window.max_mV());
        int delay = s.optionalInt("delay_ms", defaults.delay_ms(), 0, 60_000);
        s.finish();
        return new VoltageLimit(trip, recover, delay);
    }

    private static List<TemperatureSensorSettings> temperatureSensors(Section root, HardwareSettings hardware) {
        List<Section> items = root.sectionList("temperature_sensors");
        if (items.size() > MAX_TEMPERATURE_SENSORS) {
            root.problem("temperature_sensors", items.size() + " sensors configured; at most "
                    + MAX_TEMPERATURE_SENSORS + " are supported");
        }
        List<TemperatureSensorSettings> sensors = new ArrayList<>();
        Map<String, Integer> nameLine = new HashMap<>();
        Map<TemperatureSensorSettings.Input, Integer> inputLine = new HashMap<>();
        List<String> locations = List.of("cell", "mos", "balance", "ambient");
        int chips = hardware.ltc6813().chips().size();
        for (Section item : items) {
            String name = item.requiredText("name");
            SensorLocation location = item.requiredChoice("location", SensorLocation::fromId, locations,
                    SensorLocation.CELL);
            TemperatureSensorSettings.Input input = sensorInput(item, chips);
            item.finish();
            Position position = item.positionOf("name");
            if (!name.isEmpty() && !SENSOR_NAME.matcher(name).matches()) {
                item.problem("name", "'" + name + "' is not a valid name: use 1-32 lower-case letters, digits"
                        + " and _, starting with a letter");
            } else if (AMBIENT.equals(name)) {
                item.problem("name", "'ambient' is reserved for the air temperature of the simulator;"
                        + " choose another name (the location may still be ambient)");
            } else if (nameLine.containsKey(name)) {
                item.problem("name", "'" + name + "' is already the name of the sensor at line " + nameLine.get(name));
            } else {
                nameLine.put(name, position.line());
            }
            if (input != null) {
                Integer earlier = inputLine.putIfAbsent(input, position.line());
                if (earlier != null) {
                    item.problem(item.has("gpio") ? "gpio" : "input", "the sensor at line " + earlier
                            + " already reads this input");
                }
            }
            sensors.add(new TemperatureSensorSettings(name, location,
                    input != null ? input : new TemperatureSensorSettings.Ina228Die()));
        }
        return sensors;
    }

    /** {@code gpio: N} (with {@code chip: M}) for an NTC, or {@code input: ltc_die | ina228_die}. */
    private static TemperatureSensorSettings.Input sensorInput(Section item, int chips) {
        String kind = item.optionalText("input", item.has("gpio") ? "ltc_gpio" : "");
        int chip = item.optionalInt("chip", 1, 1, chips);
        switch (kind) {
            case "ltc_gpio" -> {
                if (!item.has("gpio")) {
                    item.problem("input", "an NTC on an LTC6813 GPIO needs 'gpio: 1..9'");
                    return null;
                }
                return new TemperatureSensorSettings.LtcGpio(chip, item.requiredInt("gpio", 1, 9));
            }
            case "ltc_die" -> {
                noGpio(item, kind);
                return new TemperatureSensorSettings.LtcDie(chip);
            }
            case "ina228_die" -> {
                noGpio(item, kind);
                if (item.has("chip")) {
                    item.problem("chip", "the INA228 is not on an LTC6813 chip; remove 'chip'");
                }
                return new TemperatureSensorSettings.Ina228Die();
            }
            case "" -> {
                item.problem("input", "say where the sensor is read: 'gpio: N' for an NTC on an LTC6813 GPIO,"
                        + " or 'input: ltc_die' or 'input: ina228_die'");
                return null;
            }
            default -> {
                item.problem("input", "expected one of ltc_gpio, ltc_die, ina228_die, got '" + kind + "'");
                return null;
            }
        }
    }

    private static void noGpio(Section item, String kind) {
        if (item.has("gpio")) {
            item.problem("gpio", "a sensor with input " + kind + " has no GPIO; remove 'gpio'");
        }
    }

    private static ControlSettings control(Section s) {
        int period = s.optionalInt("period_ms", 100, 10, 1000);
        s.finish();
        return new ControlSettings(period);
    }

    private static DaemonSettings daemon(Section s, Path directory) {
        String socketText = s.optionalText("socket", DEFAULT_SOCKET);
        int statusInterval = s.optionalInt("status_log_interval_s", 600, 0, 86_400);
        s.finish();
        Path socket;
        try {
            socket = directory.resolve(socketText).normalize();
        } catch (InvalidPathException e) {
            s.problem("socket", "not a usable path: " + e.getReason());
            return new DaemonSettings(Path.of(DEFAULT_SOCKET), statusInterval);
        }
        int length = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (socketText.isBlank()) {
            s.problem("socket", "no path given");
        } else if (length > MAX_SOCKET_PATH_BYTES) {
            s.problem("socket", socket + " is " + length + " bytes long; a Unix socket path may have at most "
                    + MAX_SOCKET_PATH_BYTES + ": choose a shorter path");
        }
        return new DaemonSettings(socket, statusInterval);
    }

    private static SimulationSettings simulation(Section s, PackSettings pack) {
        long seed = s.optionalLong("seed", 1);
        double timeScale = timeScale(s);
        double initialSoc = s.optionalDecimal("initial_soc_pct", 50, 0, 100);
        double ambient_C = s.optionalDecimal("ambient_C", 25, -40, 80);
        double mosResistance = s.optionalDecimal("mos_resistance_mOhm", 1.0, 0, 100);

        Section cells = s.section("cells");
        double typicalR0 = SimulationSettings.typicalR0_mOhm(pack.chemistry(), Math.max(1, pack.capacity_mAh()));
        double r0 = cells.optionalDecimal("r0_mOhm", typicalR0, 0.01, 1000);
        SimulationSettings.SimulatedCells cellSettings = new SimulationSettings.SimulatedCells(
                cells.optionalDecimal("soc_spread_pct", 1, 0, 20),
                cells.optionalDecimal("capacity_spread_pct", 1.5, 0, 20),
                cells.optionalDecimal("resistance_spread_pct", 5, 0, 50),
                cells.optionalDecimal("self_discharge_pct_per_month", 2, 0, 50),
                r0,
                cells.optionalDecimal("r1_mOhm", 0.6 * r0, 0.01, 1000),
                cells.optionalDecimal("tau1_s", 60, 0.1, 10_000));
        cells.finish();

        Section sensors = s.section("sensors");
        SimulationSettings.SimulatedSensors sensorSettings = new SimulationSettings.SimulatedSensors(
                sensors.optionalDecimal("voltage_noise_mV", 1, 0, 50),
                sensors.optionalDecimal("current_noise_mA", 20, 0, 10_000),
                sensors.optionalInt("current_offset_mA", 0, -10_000, 10_000));
        sensors.finish();
        s.finish();
        return new SimulationSettings(seed, timeScale, initialSoc, (int) Math.round(ambient_C * 10), cellSettings,
                mosResistance, sensorSettings);
    }

    /** {@code time_scale}: a number of simulated seconds per real second, or {@code max}. */
    private static double timeScale(Section s) {
        String text = s.optionalText("time_scale", "1");
        if (text.equals("max")) {
            return Double.POSITIVE_INFINITY;
        }
        if (!text.matches("[-+0-9._eE]+")) {
            s.problem("time_scale", "expected a number or max, got '" + text + "'");
            return 1;
        }
        return s.optionalDecimal("time_scale", 1, 0.01, 1_000_000);
    }
}
