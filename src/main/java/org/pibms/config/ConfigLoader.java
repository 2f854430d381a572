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
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.pibms.config.ConfigNode.Mapping;
import org.pibms.config.ConfigNode.Position;
import org.pibms.core.Chemistry;
import org.pibms.core.FaultId;
import org.pibms.core.Recovery;
import org.pibms.core.Measurement;
import org.pibms.core.OcvCurve;
import org.pibms.core.settings.BalancingSettings;
import org.pibms.core.settings.CanSettings;
import org.pibms.core.settings.ChargeLimitSettings;
import org.pibms.core.settings.ControlSettings;
import org.pibms.core.settings.DaemonSettings;
import org.pibms.core.settings.HardwareSettings;
import org.pibms.core.settings.ModbusTcpSettings;
import org.pibms.core.settings.MqttSettings;
import org.pibms.core.settings.PackSettings;
import org.pibms.core.settings.PortSettings;
import org.pibms.core.settings.LowPowerSettings;
import org.pibms.core.settings.OpenWireSettings;
import org.pibms.core.settings.OutputSettings;
import org.pibms.core.settings.ProtectionRules;
import org.pibms.core.settings.ProtectionSettings;
import org.pibms.core.settings.RecorderSettings;
import org.pibms.core.settings.SocSettings;
import org.pibms.core.settings.SwitchingSettings;
import org.pibms.core.settings.SensorLocation;
import org.pibms.core.settings.Settings;
import org.pibms.core.settings.SimulationSettings;
import org.pibms.core.settings.TemperatureSensorSettings;
import org.pibms.core.settings.WebSettings;

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
    static final String DEFAULT_STATE_DIRECTORY = "/var/lib/pibms";
    static final int MAX_OUTPUTS = 8;
    static final int MAX_PORTS = 8;
    private static final List<Integer> STANDARD_BAUD = List.of(1200, 2400, 4800, 9600, 19200, 38400, 57600,
            115200, 230400);
    private static final List<String> ANT_KEYS = List.of("password", "current_sign", "mos_byte_order");
    private static final List<String> MODBUS_KEYS = List.of("unit_id", "writes");
    private static final Pattern IP_LITERAL = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final Pattern CAN_INTERFACE = Pattern.compile("[a-z0-9_.-]{1,15}");
    private static final Pattern J1939_NAME = Pattern.compile("[0-9A-Fa-f]{16}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}");
    private static final Pattern PASSWORD = Pattern.compile("[\\x21-\\x7E]{4,16}");
    private static final Pattern MQTT_CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{0,23}");
    private static final Pattern MQTT_PREFIX = Pattern.compile("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*");
    private static final Pattern WEB_PASSWORD = Pattern.compile("[\\x21-\\x7E]{8,64}");
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

    /**
     * Reads config text that is not in a file, such as one a bench builds. Problems are reported
     * against {@code name}; relative paths in the text are taken relative to {@code directory}.
     */
    public static Settings parse(String name, String yamlText, Path directory) throws ConfigException {
        return parse(name, yamlText, directory.toAbsolutePath(), new Section.Problems(name));
    }

    private static Settings load(Path file, Section.Problems problems) throws ConfigException {
        String name = file.toString();
        String text = read(file, name);
        return parse(name, text, file.toAbsolutePath().getParent(), problems);
    }

    private static Settings parse(String name, String text, Path directory, Section.Problems problems)
            throws ConfigException {
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
        ControlSettings control = control(root.section("control"));
        HardwareSettings hardware = HardwareBinder.hardware(root.section("hardware"), pack, control);
        ProtectionSettings protection = protection(root.section("protection"), new ProtectionSettings.Pack(
                pack.chemistry(), pack.cellCount(), pack.capacity_mAh(),
                (int) Math.round(hardware.ina228().maxCurrent_A() * 1000)));
        List<TemperatureSensorSettings> sensors = temperatureSensors(root, hardware, pack);
        List<OutputSettings> outputs = outputs(root, hardware);
        SwitchingSettings switching = switching(root.section("switching"), outputs, hardware);
        LowPowerSettings lowPower = lowPower(root.section("low_power"), control);
        BalancingSettings balancing = balancing(root.section("balancing"), pack, hardware, protection, control);
        OpenWireSettings openWire = openWire(root.section("open_wire"));
        DaemonSettings daemon = daemon(root.section("daemon"), directory);
        SocSettings soc = soc(root.section("soc"), pack, hardware, protection);
        RecorderSettings recorder = recorder(root.section("recorder"), directory);
        ChargeLimitSettings chargeLimits = chargeLimits(root.section("charge_limits"), pack, protection);
        List<PortSettings> ports = ports(root, directory);
        Optional<ModbusTcpSettings> modbusTcp = modbusTcp(root.section("modbus_tcp"));
        Optional<CanSettings> can = root.has("can") ? Optional.of(can(root.section("can"), directory))
                : Optional.empty();
        Optional<WebSettings> web = web(root.section("web"));
        Optional<MqttSettings> mqtt = root.has("mqtt") ? Optional.of(mqtt(root.section("mqtt"), directory))
                : Optional.empty();
        Optional<SimulationSettings> simulation = root.has("simulation")
                ? Optional.of(simulation(root.section("simulation"), pack))
                : Optional.empty();
        root.finish();

        if (!problems.isEmpty()) {
            throw new ConfigException(problems.sorted());
        }
        return new Settings(pack, protection, sensors, hardware, outputs, switching, lowPower, balancing, openWire,
                control, daemon, soc, recorder, chargeLimits, ports, modbusTcp, can, web, mqtt, simulation,
                problems.listing.build());
    }

    private static PackSettings pack(Section s) {
        Chemistry chemistry = s.requiredChoice("chemistry", Chemistry::fromId, List.of("lfp", "nmc"), Chemistry.LFP);
        int cells = s.requiredInt("cells", Measurement.MIN_CELLS, Measurement.MAX_CELLS);
        double capacity_Ah = s.requiredDecimal("capacity_Ah", 1, 2000);
        s.finish();
        return new PackSettings(chemistry, cells, (int) Math.round(capacity_Ah * 1000));
    }

    /**
     * One sub-section per row of the protection table, each key optional. The values go through
     * {@link ProtectionRules}, as run-time changes do, so both refuse the same things.
     */
    private static ProtectionSettings protection(Section s, ProtectionSettings.Pack pack) {
        ProtectionSettings settings = ProtectionSettings.defaultsFor(pack);
        Map<FaultId, Section> rows = new EnumMap<>(FaultId.class);
        for (FaultId id : FaultId.values()) {
            Section row = s.section(id.id());
            rows.put(id, row);
            for (String key : ProtectionRules.keys(id)) {
                if (!row.has(key)) {
                    continue;
                }
                try {
                    settings = switch (key) {
                        case "enabled" -> ProtectionRules.setEnabled(settings, id, row.optionalBoolean(key, true));
                        case "recovery" -> ProtectionRules.setRecovery(settings, id, row.requiredChoice(key,
                                Recovery::fromId, List.of("auto", "retry", "manual", "persistent"), id.recovery()));
                        default -> ProtectionRules.set(settings, id, key, row.optionalDecimal(key, 0, -1e9, 1e9));
                    };
                } catch (IllegalArgumentException e) {
                    row.problem(key, e.getMessage());
                }
            }
            row.finish();
        }
        s.finish();
        for (ProtectionRules.Problem problem : ProtectionRules.check(settings, pack)) {
            rows.get(problem.fault()).problem(problem.key(), problem.message());
        }
        // the whole table in its order, defaults included, each in the form `pibms set` shows
        for (FaultId id : FaultId.values()) {
            for (String key : ProtectionRules.keys(id)) {
                rows.get(id).relist(key, ProtectionRules.value(settings, id, key), rows.get(id).has(key));
            }
        }
        return settings;
    }

    private static List<OutputSettings> outputs(Section root, HardwareSettings hardware) {
        List<Section> items = root.sectionList("outputs");
        if (items.size() > MAX_OUTPUTS) {
            root.problem("outputs", items.size() + " outputs configured; at most " + MAX_OUTPUTS + " are supported");
        }
        List<OutputSettings> outputs = new ArrayList<>();
        Map<String, Integer> nameLine = new HashMap<>();
        Map<Integer, Integer> lineLine = new HashMap<>();
        Map<OutputSettings.Function, Integer> functionLine = new HashMap<>();
        Set<Integer> taken = HardwareBinder.linesInUse(hardware);
        List<String> functions = new ArrayList<>();
        for (OutputSettings.Function f : OutputSettings.Function.values()) {
            functions.add(f.id());
        }
        for (Section item : items) {
            String name = item.requiredText("name");
            int line = item.requiredInt("gpio", 0, HardwareBinder.MAX_GPIO_LINE);
            OutputSettings.Function function = item.requiredChoice("function", OutputSettings.Function::fromId,
                    functions, OutputSettings.Function.ALARM);
            boolean activeHigh = activeLevel(item, "active");
            item.finish();
            int at = item.positionOf("name").line();
            if (!name.isEmpty() && !SENSOR_NAME.matcher(name).matches()) {
                item.problem("name", "'" + name + "' is not a valid name: use 1-32 lower-case letters, digits"
                        + " and _, starting with a letter");
            } else if (nameLine.putIfAbsent(name, at) != null) {
                item.problem("name", "'" + name + "' is already the name of the output at line " + nameLine.get(name));
            }
            if (taken.contains(line)) {
                item.problem("gpio", "line " + line + " is already used in the hardware section");
            } else if (lineLine.putIfAbsent(line, at) != null) {
                item.problem("gpio", "line " + line + " is already driven by the output at line " + lineLine.get(line));
            }
            if (function == OutputSettings.Function.PRECHARGE && functionLine.putIfAbsent(function, at) != null) {
                item.problem("function", "the output at line " + functionLine.get(function)
                        + " is already the pre-charge output");
            }
            outputs.add(new OutputSettings(name, line, function, activeHigh));
        }
        return outputs;
    }

    /** {@code high} (the default) or {@code low}. */
    static boolean activeLevel(Section s, String key) {
        String level = s.optionalText(key, "high");
        if (!level.equals("high") && !level.equals("low")) {
            s.problem(key, "expected high or low, got '" + level + "'");
        }
        return !level.equals("low");
    }

    private static SwitchingSettings switching(Section s, List<OutputSettings> outputs, HardwareSettings hardware) {
        SwitchingSettings switching = new SwitchingSettings(
                s.optionalInt("precharge_timeout_ms", 3000, 100, 60_000),
                s.optionalInt("precharge_margin_mV", 2000, 100, 20_000),
                onStop(s, "on_stop_charge_mos"),
                onStop(s, "on_stop_discharge_mos"));
        s.finish();
        boolean precharge = outputs.stream().anyMatch(o -> o.function() == OutputSettings.Function.PRECHARGE);
        if (precharge && hardware.ads1115().load().isEmpty()) {
            s.problem("precharge_timeout_ms", "a precharge output is configured, but the load voltage is not"
                    + " measured: add hardware.ads1115.load, or the pre-charge could never tell when it is done");
        }
        return switching;
    }

    private static SwitchingSettings.OnStop onStop(Section s, String key) {
        return s.has(key)
                ? s.requiredChoice(key, SwitchingSettings.OnStop::fromId, List.of("off", "keep"),
                        SwitchingSettings.OnStop.OFF)
                : SwitchingSettings.OnStop.OFF;
    }

    private static LowPowerSettings lowPower(Section s, ControlSettings control) {
        boolean enabled = s.optionalBoolean("enabled", false);
        int idle = s.optionalInt("idle_s", 600, 10, 86_400);
        double idleCurrent = s.optionalDecimal("idle_current_A", 0.5, 0, 100);
        int period = s.optionalInt("period_ms", 1000, 10, 5000);
        LowPowerSettings.MosPolicy mos = s.has("mos")
                ? s.requiredChoice("mos", LowPowerSettings.MosPolicy::fromId, List.of("keep", "off"),
                        LowPowerSettings.MosPolicy.KEEP)
                : LowPowerSettings.MosPolicy.KEEP;
        s.finish();
        if (enabled && period < control.period_ms()) {
            s.problem("period_ms", "must be at least control.period_ms (" + control.period_ms()
                    + " ms): the low-power mode ticks more slowly, not faster");
        }
        return new LowPowerSettings(enabled, idle * 1000, (int) Math.round(idleCurrent * 1000), period, mos);
    }

    private static BalancingSettings balancing(Section s, PackSettings pack, HardwareSettings hardware,
            ProtectionSettings protection, ControlSettings control) {
        BalancingSettings d = BalancingSettings.defaultsFor(pack.chemistry(), pack.capacity_mAh());
        boolean enabled = s.optionalBoolean("enabled", d.enabled());
        BalancingSettings.Mode mode = s.has("mode")
                ? s.requiredChoice("mode", BalancingSettings.Mode::fromId,
                        List.of("charging", "charging_or_resting", "always"), d.mode())
                : d.mode();
        int start = s.optionalInt("start_mV", d.start_mV(), 2000, 4500);
        int startDelta = s.optionalInt("start_delta_mV", d.startDelta_mV(), 2, 500);
        int stopDelta = s.optionalInt("stop_delta_mV", d.stopDelta_mV(), 0, 500);
        int floor = s.optionalInt("floor_mV", d.floor_mV(), 2000, 4500);
        int restCurrent = amps(s, "rest_current_A", d.restCurrent_mA(), 0.01, 100);
        int maxChannels = s.optionalInt("max_channels", Math.min(d.maxChannels(), pack.cellCount()), 1,
                pack.cellCount());
        boolean nonAdjacent = s.optionalBoolean("non_adjacent", d.nonAdjacent());
        int current = s.optionalInt("current_mA", d.current_mA(), 1, 1000);
        int window = (int) Math.round(s.optionalDecimal("window_s", d.window_ms() / 1000.0, 1, 600) * 1000);
        int pause = s.optionalInt("measure_pause_ms", d.measurePause_ms(), 0, 60_000);
        Section t = s.section("thermal");
        BalancingSettings.Thermal thermal = new BalancingSettings.Thermal(
                (int) Math.round(t.optionalDecimal("derate_from_C", d.thermal().derateFrom_dC() / 10.0, 20, 120) * 10),
                (int) Math.round(t.optionalDecimal("stop_C", d.thermal().stop_dC() / 10.0, 20, 120) * 10));
        t.finish();
        s.finish();

        if (stopDelta >= startDelta) {
            s.problem("stop_delta_mV", "must be below start_delta_mV (" + startDelta + " mV): a cell must stop"
                    + " closer to the lowest than where it started, or it would switch on and off");
        }
        int overvoltage = protection.limit(FaultId.CELL_OVERVOLTAGE).trip();
        if (start >= overvoltage) {
            s.problem("start_mV", start + " mV is at or above protection.cell_overvoltage.trip_mV (" + overvoltage
                    + " mV): charging stops before balancing could start");
        }
        int undervoltage = protection.limit(FaultId.CELL_UNDERVOLTAGE).trip();
        if (floor <= undervoltage) {
            s.problem("floor_mV", floor + " mV is at or below protection.cell_undervoltage.trip_mV (" + undervoltage
                    + " mV): bleeding could take a cell into its protection");
        } else if (floor > start) {
            s.problem("floor_mV", "must be at most start_mV (" + start + " mV)");
        }
        double resistor_Ohm = hardware.ltc6813().balanceResistor_Ohm();
        int atStart_mA = (int) Math.floor(start / resistor_Ohm);
        if (current > atStart_mA) {
            s.problem("current_mA", current + " mA is more than the " + HardwareBinder.plain(resistor_Ohm)
                    + " Ohm bleed resistor (hardware.ltc6813.balance_resistor_Ohm) passes at start_mV: "
                    + atStart_mA + " mA; the current can be lowered by switching, never raised");
        }
        if (window < 2 * control.period_ms()) {
            s.problem("window_s", "must be at least two control ticks (" + 2 * control.period_ms() + " ms)");
        } else if (pause > window / 2) {
            s.problem("measure_pause_ms", "must be at most half of window_s (" + window / 2 + " ms), or the"
                    + " switches would be open more than they bleed");
        }
        int balanceTrip = protection.limit(FaultId.BALANCE_OVERTEMPERATURE).trip();
        if (thermal.stop_dC() <= thermal.derateFrom_dC()) {
            t.problem("stop_C", "must be above derate_from_C");
        } else if (thermal.stop_dC() > balanceTrip) {
            t.problem("stop_C", HardwareBinder.plain(thermal.stop_dC() / 10.0) + " °C is above"
                    + " protection.balance_overtemperature.trip_C (" + HardwareBinder.plain(balanceTrip / 10.0) + " °C): the"
                    + " balancer must give up before the protection has to step in");
        }
        return new BalancingSettings(enabled, mode, start, startDelta, stopDelta, floor, restCurrent, maxChannels,
                nonAdjacent, current, window, pause, thermal);
    }

    private static OpenWireSettings openWire(Section s) {
        OpenWireSettings d = OpenWireSettings.defaults();
        OpenWireSettings settings = new OpenWireSettings(minutes(s, "interval_min", d.interval_ms(), 0, 1440),
                s.optionalInt("jump_mV", d.jump_mV(), 10, 5000));
        s.finish();
        return settings;
    }

    private static List<TemperatureSensorSettings> temperatureSensors(Section root, HardwareSettings hardware,
            PackSettings pack) {
        List<Section> items = root.sectionList("temperature_sensors");
        if (items.size() > MAX_TEMPERATURE_SENSORS) {
            root.problem("temperature_sensors", items.size() + " sensors configured; at most "
                    + MAX_TEMPERATURE_SENSORS + " are supported");
        }
        List<TemperatureSensorSettings> sensors = new ArrayList<>();
        Map<String, Integer> nameLine = new HashMap<>();
        Map<TemperatureSensorSettings.Input, Integer> inputLine = new HashMap<>();
        Map<Integer, Integer> cellLine = new HashMap<>();
        List<String> locations = List.of("cell", "mos", "balance", "ambient");
        int chips = hardware.ltc6813().chips().size();
        for (Section item : items) {
            String name = item.requiredText("name");
            SensorLocation location = item.requiredChoice("location", SensorLocation::fromId, locations,
                    SensorLocation.CELL);
            TemperatureSensorSettings.Input input = sensorInput(item, chips);
            int cell = item.optionalInt("cell", 0, 1, pack.cellCount());
            item.finish();
            if (item.has("cell") && location != SensorLocation.CELL) {
                item.problem("cell", "only a sensor with location: cell sits on a cell");
            } else if (cell > 0 && cellLine.putIfAbsent(cell, item.positionOf("cell").line()) != null) {
                item.problem("cell", "cell " + cell + " already has the sensor at line " + cellLine.get(cell));
            }
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
                    input != null ? input : new TemperatureSensorSettings.Ina228Die(), cell));
        }
        if (sensors.stream().noneMatch(sensor -> sensor.location() == SensorLocation.CELL)) {
            root.problem("temperature_sensors", "no sensor with location: cell; the charge and discharge"
                    + " temperature limits need at least one, or the pack could be charged while frozen");
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
        int realtimePriority = s.optionalInt("realtime_priority", 10, 0, 49);
        s.finish();
        return new ControlSettings(period, realtimePriority);
    }

    private static DaemonSettings daemon(Section s, Path directory) {
        String socketText = s.optionalText("socket", DEFAULT_SOCKET);
        int statusInterval = s.optionalInt("status_log_interval_s", 600, 0, 86_400);
        String stateText = s.optionalText("state_directory", DEFAULT_STATE_DIRECTORY);
        double eventLogFile = s.optionalDecimal("event_log_max_file_MB", 1, 0.01, 100);
        int eventLogKeep = s.optionalInt("event_log_keep_files", 4, 0, 100);
        s.finish();
        DaemonSettings.EventLog eventLog = new DaemonSettings.EventLog(Math.round(eventLogFile * 1024 * 1024),
                eventLogKeep);
        Path state = Path.of(DEFAULT_STATE_DIRECTORY);
        try {
            state = directory.resolve(stateText).normalize();
        } catch (InvalidPathException e) {
            s.problem("state_directory", "not a usable path: " + e.getReason());
        }
        if (stateText.isBlank()) {
            s.problem("state_directory", "no path given");
        }
        Path socket;
        try {
            socket = directory.resolve(socketText).normalize();
        } catch (InvalidPathException e) {
            s.problem("socket", "not a usable path: " + e.getReason());
            return new DaemonSettings(Path.of(DEFAULT_SOCKET), statusInterval, state, eventLog);
        }
        int length = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (socketText.isBlank()) {
            s.problem("socket", "no path given");
        } else if (length > MAX_SOCKET_PATH_BYTES) {
            s.problem("socket", socket + " is " + length + " bytes long; a Unix socket path may have at most "
                    + MAX_SOCKET_PATH_BYTES + ": choose a shorter path");
        }
        return new DaemonSettings(socket, statusInterval, state, eventLog);
    }

    /**
     * The SOC estimator. Every value has a per-chemistry default (docs/soc.md); the checks here
     * keep the calibrations reachable inside the protection limits.
     */
    private static SocSettings soc(Section s, PackSettings pack, HardwareSettings hardware,
            ProtectionSettings protection) {
        int sensorMax_mA = (int) Math.round(hardware.ina228().maxCurrent_A() * 1000);
        SocSettings d = SocSettings.defaultsFor(pack.chemistry(), pack.capacity_mAh(), sensorMax_mA);
        OcvCurve ocv = ocvCurve(s.section("ocv"), d.ocv());
        int ocvUncertainty = s.optionalInt("ocv_uncertainty_mV", d.ocvUncertainty_mV(), 1, 200);
        List<SocSettings.Band> bands = trustedBands(s, d.trustedBands());

        Section r = s.section("rest");
        SocSettings.Rest rest = new SocSettings.Rest(
                amps(r, "current_A", d.rest().current_mA(), 0.01, 100),
                minutes(r, "time_min", d.rest().time_ms(), 1, 600),
                minutes(r, "cold_time_min", d.rest().coldTime_ms(), 1, 1440),
                (int) Math.round(r.optionalDecimal("cold_below_C", d.rest().coldBelow_dC() / 10.0, -30, 40) * 10),
                r.optionalInt("max_drift_mV", d.rest().maxDrift_mV(), 0, 50),
                minutes(r, "drift_window_min", d.rest().driftWindow_ms(), 1, 120));
        r.finish();
        if (rest.coldTime_ms() < rest.time_ms()) {
            r.problem("cold_time_min", "must be at least rest.time_min: cells relax more slowly in the cold");
        }
        if (rest.driftWindow_ms() > rest.time_ms()) {
            r.problem("drift_window_min", "must be at most rest.time_min: the drift is measured at the end of the rest");
        }

        Section f = s.section("full");
        SocSettings.FullCharge full = new SocSettings.FullCharge(
                f.optionalInt("cell_mV", d.full().cell_mV(), 2000, 4500),
                amps(f, "tail_current_A", d.full().tailCurrent_mA(), 0.01, 1000),
                f.optionalInt("hold_s", d.full().hold_ms() / 1000, 1, 3600) * 1000);
        f.finish();
        int overvoltage = protection.limit(FaultId.CELL_OVERVOLTAGE).trip();
        if (full.cell_mV() >= overvoltage) {
            f.problem("cell_mV", full.cell_mV() + " mV is at or above protection.cell_overvoltage.trip_mV ("
                    + overvoltage + " mV): charging stops before a full charge could be seen");
        }

        Section e = s.section("empty");
        SocSettings.EmptyKnee empty = new SocSettings.EmptyKnee(
                e.optionalInt("cell_mV", d.empty().cell_mV(), 2000, 4000),
                amps(e, "max_current_A", d.empty().maxCurrent_mA(), 0.01, 1000),
                e.optionalInt("hold_s", d.empty().hold_ms() / 1000, 1, 3600) * 1000,
                (int) Math.round(e.optionalDecimal("cell_resistance_mOhm", 0, 0, 100) * 1000));
        e.finish();
        int undervoltage = protection.limit(FaultId.CELL_UNDERVOLTAGE).trip();
        if (empty.cell_mV() <= undervoltage) {
            e.problem("cell_mV", empty.cell_mV() + " mV is at or below protection.cell_undervoltage.trip_mV ("
                    + undervoltage + " mV): discharging stops before the empty knee could be seen");
        } else if (empty.cell_mV() >= full.cell_mV()) {
            e.problem("cell_mV", "must be below soc.full.cell_mV (" + full.cell_mV() + " mV)");
        }

        double displayRate = s.optionalDecimal("display_rate_pct_per_min", d.displayRate_pctPerMin(), 0.1, 100);

        Section l = s.section("capacity_learning");
        SocSettings.CapacityLearning learning = new SocSettings.CapacityLearning(
                l.optionalDecimal("min_delta_pct", d.learning().minDelta_pct(), 20, 100),
                (int) Math.round(l.optionalDecimal("min_temperature_C", d.learning().minTemperature_dC() / 10.0, -20, 60) * 10),
                (int) Math.round(l.optionalDecimal("max_temperature_C", d.learning().maxTemperature_dC() / 10.0, -20, 60) * 10),
                l.optionalDecimal("smoothing", d.learning().smoothing(), 0.01, 1));
        l.finish();
        if (learning.maxTemperature_dC() <= learning.minTemperature_dC()) {
            l.problem("max_temperature_C", "must be above min_temperature_C");
        }

        Section z = s.section("auto_zero");
        SocSettings.AutoZero autoZero = new SocSettings.AutoZero(
                z.optionalInt("window_s", d.autoZero().window_ms() / 1000, 5, 3600) * 1000,
                amps(z, "rest_below_A", 0, 0, 100),
                amps(z, "max_offset_A", d.autoZero().maxOffset_mA(), 0.001, 100));
        z.finish();
        if (autoZero.restBelow_mA() > 0 && autoZero.restBelow_mA() > autoZero.maxOffset_mA()) {
            z.problem("rest_below_A", "must be at most max_offset_A: a reading above the largest plausible offset"
                    + " is a real current");
        }
        int saveInterval = s.optionalInt("save_interval_s", d.saveInterval_ms() / 1000, 10, 86_400);
        s.finish();
        return new SocSettings(ocv, ocvUncertainty, bands, rest, full, empty, displayRate, learning, autoZero,
                saveInterval * 1000);
    }

    private static int amps(Section s, String key, int default_mA, double min_A, double max_A) {
        return (int) Math.round(s.optionalDecimal(key, default_mA / 1000.0, min_A, max_A) * 1000);
    }

    private static int minutes(Section s, String key, int default_ms, double min, double max) {
        return (int) Math.round(s.optionalDecimal(key, default_ms / 60_000.0, min, max) * 60_000);
    }

    /**
     * {@code soc_pct: [...]} and one or more {@code curves: - temperature_C, cell_mV: [...]};
     * absent, the chemistry's default.
     */
    private static OcvCurve ocvCurve(Section s, OcvCurve defaultCurve) {
        if (!s.has("soc_pct") && !s.has("curves")) {
            s.finish();
            return defaultCurve;
        }
        List<Double> soc = s.optionalDecimalList("soc_pct");
        List<Section> curves = s.sectionList("curves");
        if (soc == null) {
            s.problem("soc_pct", "an OCV table needs its SOC points, e.g. [0, 10, 20, ..., 100]");
        }
        if (curves.isEmpty()) {
            s.problem("curves", "an OCV table needs at least one curve: - temperature_C: 25 with cell_mV: [...]");
        }
        int[] temperatures = new int[curves.size()];
        int[][] voltages = new int[curves.size()][];
        boolean complete = soc != null;
        for (int i = 0; i < curves.size(); i++) {
            Section curve = curves.get(i);
            temperatures[i] = (int) Math.round(curve.optionalDecimal("temperature_C", 25, -40, 80) * 10);
            List<Integer> cell = curve.optionalIntList("cell_mV", 1000, 5000);
            if (cell == null) {
                if (!curve.has("cell_mV")) {
                    curve.problem("cell_mV", "missing: one voltage per SOC point");
                }
                complete = false;
            } else {
                voltages[i] = cell.stream().mapToInt(Integer::intValue).toArray();
            }
            curve.finish();
        }
        s.finish();
        if (!complete || curves.isEmpty()) {
            return defaultCurve;
        }
        try {
            return OcvCurve.of(soc.stream().mapToDouble(Double::doubleValue).toArray(), temperatures, voltages);
        } catch (IllegalArgumentException e) {
            s.problem("curves", e.getMessage());
            return defaultCurve;
        }
    }

    private static List<SocSettings.Band> trustedBands(Section s, List<SocSettings.Band> defaults) {
        if (!s.has("trusted_bands")) {
            s.sectionList("trusted_bands"); // still a key the loader knows
            return defaults;
        }
        List<SocSettings.Band> bands = new ArrayList<>();
        for (Section item : s.sectionList("trusted_bands")) {
            double from = item.optionalDecimal("from_pct", 0, 0, 100);
            double to = item.optionalDecimal("to_pct", 100, 0, 100);
            item.finish();
            if (to <= from) {
                item.problem("to_pct", "must be above from_pct");
            }
            bands.add(new SocSettings.Band(from, to));
        }
        return bands;
    }

    /** The measurement recorder: off unless {@code path} is given. */
    /**
     * The limits an inverter is told. Every level must sit inside the protection levels in force, so
     * that an inverter obeying them never makes the BMS trip: a file that breaks that is refused.
     */
    private static ChargeLimitSettings chargeLimits(Section s, PackSettings pack, ProtectionSettings protection) {
        int chargeTrip_mA = protection.limit(FaultId.CHARGE_OVERCURRENT).trip();
        int dischargeTrip_mA = protection.limit(FaultId.DISCHARGE_OVERCURRENT).trip();
        ChargeLimitSettings d = ChargeLimitSettings.defaultsFor(pack.chemistry(),
                Math.min(pack.capacity_mAh() / 2, chargeTrip_mA / 10 * 9), dischargeTrip_mA / 10 * 9);
        int chargeCell = s.optionalInt("charge_cell_mV", d.chargeCell_mV(), 2000, 4500);
        int floatCell = s.optionalInt("float_cell_mV", d.floatCell_mV(), 2000, 4500);
        int absorption = (int) Math.round(s.optionalDecimal("absorption_min", d.absorption_ms() / 60_000.0, 0, 1440)
                * 60_000);
        int rebulk = (int) Math.round(s.optionalDecimal("rebulk_soc_pct", d.rebulkSoc_permille() / 10.0, 0, 100) * 10);
        int maxCharge = amps(s, "max_charge_A", d.maxCharge_mA(), 0, 2000);
        int maxDischarge = amps(s, "max_discharge_A", d.maxDischarge_mA(), 0, 2000);
        int chargeFrom = s.optionalInt("charge_taper_from_mV", d.chargeTaperFrom_mV(), 2000, 4500);
        int chargeTo = s.optionalInt("charge_taper_to_mV", d.chargeTaperTo_mV(), 2000, 4500);
        int dischargeFrom = s.optionalInt("discharge_taper_from_mV", d.dischargeTaperFrom_mV(), 2000, 4500);
        int dischargeTo = s.optionalInt("discharge_taper_to_mV", d.dischargeTaperTo_mV(), 2000, 4500);
        int socFrom = (int) Math.round(s.optionalDecimal("soc_taper_from_pct", d.socTaperFrom_permille() / 10.0, 1, 100)
                * 10);
        int temperatureTaper = (int) Math.round(s.optionalDecimal("temperature_taper_C",
                d.temperatureTaper_dC() / 10.0, 0.1, 30) * 10);
        int mosDerate = (int) Math.round(s.optionalDecimal("mos_derate_C", d.mosDerate_dC() / 10.0, 0.1, 60) * 10);
        int hold = (int) Math.round(s.optionalDecimal("recovery_hold_s", d.recoveryHold_ms() / 1000.0, 0, 3600) * 1000);
        int ramp = amps(s, "ramp_A_per_s", d.ramp_mA_per_s(), 0.1, 1000);
        s.finish();
        int cellOv = protection.limit(FaultId.CELL_OVERVOLTAGE).trip();
        int packOv = protection.limit(FaultId.PACK_OVERVOLTAGE).trip();
        int cellUv = protection.limit(FaultId.CELL_UNDERVOLTAGE).trip();
        if (chargeCell >= cellOv) {
            s.problem("charge_cell_mV", chargeCell + " mV is not below protection.cell_overvoltage.trip_mV (" + cellOv
                    + " mV): the inverter would charge the cells into the protection");
        } else if ((long) chargeCell * pack.cellCount() >= packOv) {
            s.problem("charge_cell_mV", pack.cellCount() + " × " + chargeCell + " mV is not below"
                    + " protection.pack_overvoltage.trip_mV (" + packOv + " mV)");
        }
        if (floatCell > chargeCell) {
            s.problem("float_cell_mV", floatCell + " mV is above charge_cell_mV (" + chargeCell + " mV)");
        }
        if (chargeFrom >= chargeTo) {
            s.problem("charge_taper_from_mV", "must be below charge_taper_to_mV (" + chargeTo + " mV)");
        } else if (chargeTo > cellOv) {
            s.problem("charge_taper_to_mV", chargeTo + " mV is above protection.cell_overvoltage.trip_mV (" + cellOv
                    + " mV): charging must have stopped before the protection trips");
        }
        if (dischargeTo >= dischargeFrom) {
            s.problem("discharge_taper_to_mV", "must be below discharge_taper_from_mV (" + dischargeFrom + " mV)");
        } else if (dischargeTo < cellUv) {
            s.problem("discharge_taper_to_mV", dischargeTo + " mV is below protection.cell_undervoltage.trip_mV ("
                    + cellUv + " mV): discharging must have stopped before the protection trips");
        }
        if (maxCharge > chargeTrip_mA) {
            s.problem("max_charge_A", maxCharge / 1000.0 + " A is above protection.charge_overcurrent.trip_A ("
                    + chargeTrip_mA / 1000.0 + " A)");
        }
        if (maxDischarge > dischargeTrip_mA) {
            s.problem("max_discharge_A", maxDischarge / 1000.0 + " A is above protection.discharge_overcurrent.trip_A ("
                    + dischargeTrip_mA / 1000.0 + " A)");
        }
        return new ChargeLimitSettings(chargeCell, floatCell, absorption, rebulk, maxCharge, maxDischarge, chargeFrom,
                chargeTo, dischargeFrom, dischargeTo, socFrom, temperatureTaper, mosDerate, hold, ramp);
    }

    private static RecorderSettings recorder(Section s, Path directory) {
        String pathText = s.optionalText("path", "");
        int interval = s.optionalInt("interval_ms", 0, 0, 3_600_000);
        double maxFile = s.optionalDecimal("max_file_MB", 10, 0.01, 10_000);
        int keep = s.optionalInt("keep_files", 5, 0, 1000);
        s.finish();
        Optional<Path> path = Optional.empty();
        if (!pathText.isBlank()) {
            try {
                path = Optional.of(directory.resolve(pathText).normalize());
            } catch (InvalidPathException e) {
                s.problem("path", "not a usable path: " + e.getReason());
            }
        }
        return new RecorderSettings(path, interval, Math.round(maxFile * 1024 * 1024), keep);
    }

    /**
     * The serial ports and what each speaks. Protocols that later versions bring are named so a
     * user who writes one learns why it is refused.
     */
    private static List<PortSettings> ports(Section root, Path directory) {
        List<Section> items = root.sectionList("ports");
        if (items.size() > MAX_PORTS) {
            root.problem("ports", items.size() + " ports configured; at most " + MAX_PORTS + " are supported");
        }
        List<PortSettings> ports = new ArrayList<>();
        Map<Path, Integer> deviceLine = new HashMap<>();
        for (Section item : items) {
            String deviceText = item.requiredText("device");
            String protocolText = item.requiredText("protocol");
            int baud = item.optionalInt("baud", 19200, 300, 921_600);
            boolean rs485 = item.optionalBoolean("rs485", false);
            String password = item.optionalText("password", "");
            String sign = item.optionalText("current_sign", "discharge_positive");
            String order = item.optionalText("mos_byte_order", "charge_first");
            int unitId = item.optionalInt("unit_id", 1, 1, 247);
            boolean writes = item.optionalBoolean("writes", false);
            item.finish();
            Path device = Path.of("/dev/null");
            if (deviceText.isBlank()) {
                item.problem("device", "no device given, e.g. /dev/ttyUSB0");
            } else {
                try {
                    device = directory.resolve(deviceText).normalize();
                    Integer earlier = deviceLine.putIfAbsent(device, item.positionOf("device").line());
                    if (earlier != null) {
                        item.problem("device", device + " is already the port at line " + earlier);
                    }
                } catch (InvalidPathException e) {
                    item.problem("device", "not a usable path: " + e.getReason());
                }
            }
            if (!STANDARD_BAUD.contains(baud)) {
                item.problem("baud", baud + " is not a standard rate; use one of " + STANDARD_BAUD);
            }
            boolean modbus = protocolText.equals("modbus");
            if (!protocolText.isEmpty() && !modbus && !protocolText.equals("ant")) {
                item.problem("protocol", protocolText.equals("slcan")
                        ? "slcan is not available in this version of pibms; it serves ant and modbus"
                        : "expected ant or modbus, got '" + protocolText + "'");
            }
            for (String key : modbus ? ANT_KEYS : MODBUS_KEYS) {
                if (item.has(key)) {
                    item.problem(key, key + " applies to " + (modbus ? "ant" : "modbus") + " ports, and this one"
                            + " serves " + (modbus ? "modbus" : "ant"));
                }
            }
            if (modbus) {
                ports.add(new PortSettings(device, baud, rs485, new PortSettings.Modbus(unitId, writes)));
                continue;
            }
            if (item.has("password") && !PASSWORD.matcher(password).matches()) {
                item.problem("password", "use 4 to 16 printable ASCII characters without spaces (an ANT client"
                        + " sends it as ASCII); leave it out to make the port read-only");
            }
            if (!sign.equals("discharge_positive") && !sign.equals("charge_positive")) {
                item.problem("current_sign", "expected discharge_positive (as an ANT BMS) or charge_positive, got '"
                        + sign + "'");
            }
            if (!order.equals("charge_first") && !order.equals("discharge_first")) {
                item.problem("mos_byte_order", "expected charge_first or discharge_first, got '" + order + "'");
            }
            ports.add(new PortSettings(device, baud, rs485, new PortSettings.Ant(
                    password.isEmpty() ? Optional.empty() : Optional.of(password),
                    !sign.equals("charge_positive"), !order.equals("discharge_first"))));
        }
        return ports;
    }

    /** The CAN bus: SocketCAN or a USB SLCAN adapter, and who is on it. */
    private static CanSettings can(Section s, Path directory) {
        CanSettings.Transport transport = s.requiredChoice("transport", text -> parseEnum(CanSettings.Transport.class,
                text), List.of("socketcan", "slcan"), CanSettings.Transport.SOCKETCAN);
        String iface = s.optionalText("interface", "can0");
        String deviceText = s.optionalText("device", "");
        CanSettings.Profile profile = s.requiredChoice("profile", text -> parseEnum(CanSettings.Profile.class, text),
                List.of("pylon", "sma", "victron", "ant"), CanSettings.Profile.PYLON);
        int period = s.optionalInt("period_ms", 1000, 200, 2000);
        int timeout = s.optionalInt("inverter_timeout_s", 30, 5, 600);
        int address = s.optionalInt("j1939_address", 0xF4, 0, 0xFD);
        String name = s.optionalText("j1939_name", "00000000FFE00001");
        s.finish();
        Path device = Path.of("/dev/null");
        if (transport == CanSettings.Transport.SLCAN) {
            if (deviceText.isBlank()) {
                s.problem("device", "an slcan adapter needs its serial device, e.g. /dev/ttyACM0");
            } else {
                try {
                    device = directory.resolve(deviceText).normalize();
                } catch (InvalidPathException e) {
                    s.problem("device", "not a usable path: " + e.getReason());
                }
            }
        } else if (!CAN_INTERFACE.matcher(iface).matches()) {
            s.problem("interface", "'" + iface + "' is not a network interface name (1-15 of a-z, 0-9, _ - .)");
        }
        long nameValue = 0;
        if (!J1939_NAME.matcher(name).matches()) {
            s.problem("j1939_name", "expected 16 hex digits (the 64-bit NAME, most significant first), got '" + name
                    + "'");
        } else {
            nameValue = Long.parseUnsignedLong(name, 16);
        }
        return new CanSettings(transport, iface, device, profile, period, timeout * 1000, address, nameValue);
    }

    private static <E extends Enum<E>> Optional<E> parseEnum(Class<E> type, String text) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(java.util.Locale.ROOT).equals(text)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The Modbus TCP server: off unless enabled, and then on loopback unless an address is given. */
    private static Optional<ModbusTcpSettings> modbusTcp(Section s) {
        boolean enabled = s.optionalBoolean("enabled", false);
        String address = s.optionalText("address", "127.0.0.1");
        int port = s.optionalInt("port", 5020, 1, 65_535);
        boolean writes = s.optionalBoolean("writes", false);
        s.finish();
        checkAddress(s, address);
        return enabled ? Optional.of(new ModbusTcpSettings(address, port, writes)) : Optional.empty();
    }

    private static Optional<WebSettings> web(Section s) {
        boolean enabled = s.optionalBoolean("enabled", false);
        String address = s.optionalText("address", "127.0.0.1");
        int port = s.optionalInt("port", 8080, 1, 65_535);
        String password = s.optionalText("password", null);
        s.finish();
        checkAddress(s, address);
        if (password != null && !WEB_PASSWORD.matcher(password).matches()) {
            s.problem("password", "expected 8 to 64 printable characters without spaces (quote it if it has # or :),"
                    + " got " + password.length() + " characters" + (password.contains(" ") ? " with a space" : ""));
        }
        return enabled ? Optional.of(new WebSettings(address, port, Optional.ofNullable(password)))
                : Optional.empty();
    }

    private static MqttSettings mqtt(Section s, Path directory) {
        String host = s.requiredText("host");
        boolean tls = s.optionalBoolean("tls", false);
        int port = s.optionalInt("port", tls ? 8883 : 1883, 1, 65_535);
        String caFile = s.optionalText("ca_file", "");
        String username = s.optionalText("username", "");
        String password = s.optionalText("password", "");
        String clientId = s.optionalText("client_id", "");
        String topicPrefix = s.optionalText("topic_prefix", "pibms");
        String discoveryPrefix = s.optionalText("discovery_prefix", "homeassistant");
        int interval = s.optionalInt("interval_s", 10, 1, 3600);
        boolean commands = s.optionalBoolean("commands", false);
        s.finish();
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace) || host.contains("/")) {
            s.problem("host", "expected the broker's host name or IP address, such as 192.168.1.10 or broker.local,"
                    + " got '" + host + "'");
        }
        Optional<Path> ca = Optional.empty();
        if (!caFile.isEmpty()) {
            if (!tls) {
                s.problem("ca_file", "a CA certificate is for TLS: set tls: true as well");
            }
            try {
                ca = Optional.of(directory.resolve(caFile).normalize());
            } catch (InvalidPathException e) {
                s.problem("ca_file", "not a usable path: " + e.getReason());
            }
        }
        if (!password.isEmpty() && username.isEmpty()) {
            s.problem("password", "a password needs a username");
        }
        if (!MQTT_CLIENT_ID.matcher(clientId).matches()) {
            s.problem("client_id", "expected up to 23 letters, digits, - or _ (the length every broker accepts), got '"
                    + clientId + "'");
        }
        for (String key : List.of("topic_prefix", "discovery_prefix")) {
            String prefix = key.equals("topic_prefix") ? topicPrefix : discoveryPrefix;
            if (!MQTT_PREFIX.matcher(prefix).matches()) {
                s.problem(key, "expected topic levels of letters, digits, - and _ joined by /, such as pibms or"
                        + " home/battery (no + # or spaces, no / at either end), got '" + prefix + "'");
            }
        }
        return new MqttSettings(host, port, tls, ca, username.isEmpty() ? Optional.empty() : Optional.of(username),
                password.isEmpty() ? Optional.empty() : Optional.of(password), clientId, topicPrefix, discoveryPrefix,
                interval, commands);
    }

    private static void checkAddress(Section s, String address) {
        if (!IP_LITERAL.matcher(address).matches() && !(address.contains(":") && isAddress(address))) {
            s.problem("address", "expected an IP address such as 127.0.0.1 (this Pi only) or 0.0.0.0 (every"
                    + " network), got '" + address + "'");
        }
    }

    /** An IPv6 literal: up to eight groups of hex digits, at most one "::". */
    private static boolean isAddress(String text) {
        if (!IPV6_LITERAL.matcher(text).matches() || text.indexOf("::") != text.lastIndexOf("::")) {
            return false;
        }
        int groups = text.replace("::", ":x:").split(":", -1).length;
        return groups <= 8 && (text.contains("::") || groups == 8);
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
                cells.optionalDecimal("tau1_s", 60, 0.1, 10_000),
                cells.optionalDecimal("hysteresis_mV", 0, 0, 50));
        cells.finish();

        Section sensors = s.section("sensors");
        SimulationSettings.SimulatedSensors sensorSettings = new SimulationSettings.SimulatedSensors(
                sensors.optionalDecimal("voltage_noise_mV", 1, 0, 50),
                sensors.optionalDecimal("current_noise_mA", 20, 0, 10_000),
                sensors.optionalInt("current_offset_mA", 0, -10_000, 10_000),
                sensors.optionalDecimal("current_gain_error_pct", 0, -10, 10));
        sensors.finish();

        Section load = s.section("load");
        // 4700 µF behind 47 Ω: τ ≈ 0.22 s, a 53 V pack pre-charges to within 2 V in about 0.75 s
        SimulationSettings.Load loadSettings = new SimulationSettings.Load(
                load.optionalDecimal("capacitance_uF", 4700, 1, 1_000_000),
                load.optionalDecimal("precharge_resistor_Ohm", 47, 0.1, 100_000),
                load.optionalDecimal("bleed_resistor_Ohm", 10_000, 1, 10_000_000));
        load.finish();
        s.finish();
        return new SimulationSettings(seed, timeScale, initialSoc, (int) Math.round(ambient_C * 10), cellSettings,
                mosResistance, sensorSettings, loadSettings);
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
