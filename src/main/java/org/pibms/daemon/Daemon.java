package org.pibms.daemon;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.pibms.control.CommandQueue;
import org.pibms.control.ControlLoop;
import org.pibms.control.PackController;
import org.pibms.control.SnapshotBuffer;
import org.pibms.core.Clock;
import org.pibms.core.CommandSink;
import org.pibms.core.Event;
import org.pibms.core.FaultId;
import org.pibms.core.MeasurementRecorder;
import org.pibms.core.Origin;
import org.pibms.core.PackSnapshot;
import org.pibms.core.SavedState;
import org.pibms.core.SnapshotSource;
import org.pibms.core.StateStore;
import org.pibms.core.SystemClock;
import org.pibms.core.settings.CanSettings;
import org.pibms.core.settings.DaemonSettings;
import org.pibms.core.settings.MqttSettings;
import org.pibms.core.settings.OutputSettings;
import org.pibms.core.settings.PortSettings;
import org.pibms.core.settings.RecorderSettings;
import org.pibms.core.settings.SensorLocation;
import org.pibms.core.settings.Settings;
import org.pibms.core.settings.SwitchingSettings;
import org.pibms.core.settings.TemperatureSensorSettings;
import org.pibms.core.settings.WebSettings;
import org.pibms.hw.Board;
import org.pibms.hw.BusException;
import org.pibms.hw.pi4j.Pi4jBoard;
import org.pibms.mqtt.MqttBridge;
import org.pibms.protocol.StreamServer;
import org.pibms.protocol.can.AntJ1939Node;
import org.pibms.protocol.can.CanNode;
import org.pibms.protocol.can.InverterFrames;
import org.pibms.protocol.can.InverterNode;
import org.pibms.protocol.can.InverterProfile;
import org.pibms.protocol.ant.AntServer;
import org.pibms.protocol.ant.AntSession;
import org.pibms.protocol.modbus.ModbusRtuSession;
import org.pibms.protocol.modbus.ModbusServer;
import org.pibms.protocol.modbus.ModbusTcpSession;
import org.pibms.protocol.modbus.SunSpecMap;
import org.pibms.sim.SimulatedClock;
import org.pibms.sim.Simulator;
import org.pibms.store.CsvRecorder;
import org.pibms.store.EventLog;
import org.pibms.store.EventRecord;
import org.pibms.store.StateFile;
import org.pibms.store.StoreException;
import org.pibms.transport.can.CanLink;
import org.pibms.transport.can.SlcanLink;
import org.pibms.transport.can.SocketCanLink;
import org.pibms.transport.mqtt.HiveMqLink;
import org.pibms.transport.serial.SerialLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires one running pibms: the state file and the event log, the control socket, the pack
 * (simulated or real), the control loop, systemd's notifications and the periodic status line,
 * started in an order that never leaves the pack switched on without protection, and stopped
 * in the reverse order.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    private static final long STATE_CHECK_ms = 1000;
    private static final long EVENT_FLUSH_ms = 500;
    /** The least a stop waits for the tick in progress to end; twice the longest tick so far if that is more. */
    private static final long LOOP_STOP_ms = 1000;
    /** A gap this long inside a frame ends it, as on the ANT's own clients (50 ms). */
    private static final int ANT_QUIET_ms = 50;
    /**
     * How long a Modbus port's read waits before the line counts as quiet: what ends a frame of
     * unknown length, and frames a USB adapter held back past t3.5 (docs/protocols/modbus.md).
     */
    private static final int MODBUS_QUIET_ms = 20;
    /** A CAN read waits no longer than the node's tick, so sending never waits on a quiet bus. */
    private static final int CAN_READ_ms = (int) CanNode.TICK_ms;
    /** USB SLCAN adapters are CDC devices that ignore the rate; a real UART adapter would need it set. */
    private static final int SLCAN_SERIAL_BAUD = 115_200;

    private final Settings settings;
    private final ControlSocketServer socket;
    private final Board board;
    /** The simulated pack, or null on the Pi's hardware. */
    private final Simulator simulator;
    private final SnapshotBuffer snapshots;
    private final CommandQueue commands;
    private final ControlLoop loop;
    private final LoopScheduling scheduling;
    private final ScheduledExecutorService reporter;
    private final StateKeeper state;
    private final EventLog events;
    private final CsvRecorder recorder;
    private final Optional<ServiceWatchdog> watchdog;
    private final List<PortService> ports = new ArrayList<>();
    private Optional<TcpService> modbusTcp = Optional.empty();
    private Optional<CanService> can = Optional.empty();
    private Optional<WebService> web = Optional.empty();
    private Optional<MqttService> mqtt = Optional.empty();
    private boolean closed;

    private Daemon(Settings settings, ControlSocketServer socket, Board board, Simulator simulator,
            SnapshotBuffer snapshots, CommandQueue commands, ControlLoop loop, LoopScheduling scheduling,
            StateKeeper state, EventLog events, CsvRecorder recorder, Optional<SystemdNotifier> notifier) {
        this.settings = settings;
        this.socket = socket;
        this.board = board;
        this.simulator = simulator;
        this.snapshots = snapshots;
        this.commands = commands;
        this.loop = loop;
        this.scheduling = scheduling;
        this.state = state;
        this.events = events;
        this.recorder = recorder;
        this.watchdog = notifier.map(n -> new ServiceWatchdog(n, snapshots, loop::ticks));
        this.reporter = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pibms-status");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** As {@link #start(Settings, Optional)} without a config file to watch for changes. */
    public static Daemon start(Settings settings) throws DaemonException {
        return start(settings, Optional.empty());
    }

    /**
     * Starts the daemon and returns once the control loop runs and the socket answers: on the
     * simulated pack when the settings have a simulation section, else on the Pi's hardware.
     *
     * @param configFile the file the settings came from; the event log notes when it changed between two starts
     * @throws DaemonException if it cannot start; then nothing is left running
     */
    public static Daemon start(Settings settings, Optional<Path> configFile) throws DaemonException {
        Optional<SystemdNotifier> notifier = SystemdNotifier.fromEnvironment(System.getenv(),
                ProcessHandle.current().pid());
        String periodProblem = ServiceWatchdog.checkPeriod(notifier.map(SystemdNotifier::watchdog_us).orElse(0L),
                longestTick_ms(settings));
        if (periodProblem != null) {
            notifier.ifPresent(SystemdNotifier::close);
            throw new DaemonException(periodProblem);
        }
        Path directory = settings.daemon().stateDirectory();
        StateFile stateFile = StateFile.open(directory);
        Optional<SavedState> loaded;
        try {
            loaded = stateFile.load();
        } catch (StateStore.Untrusted e) {
            notifier.ifPresent(SystemdNotifier::close);
            throw new DaemonException(e.getMessage(), e);
        }
        String digest = configFile.map(Daemon::digest).orElse("");
        SavedState saved = loaded.orElse(SavedState.NONE);
        saved = saved.withCounters(saved.counters().started()).withConfigDigest(digest);

        ControlSocketServer socket;
        try {
            socket = ControlSocketServer.claim(settings.daemon().socket());
        } catch (DaemonException e) {
            notifier.ifPresent(SystemdNotifier::close);
            throw e;
        }
        DaemonSettings.EventLog eventLimits = settings.daemon().eventLog();
        EventLog events = EventLog.open(directory, eventLimits.maxFileBytes(), eventLimits.keepFiles());
        Board board = null;
        CsvRecorder recorder = null;
        try {
            Clock clock;
            Simulator simulator = null;
            if (settings.simulation().isPresent()) {
                SimulatedClock simulatedClock = new SimulatedClock(new SystemClock(),
                        settings.simulation().get().timeScale());
                simulator = Simulator.create(settings, simulatedClock);
                board = simulator.board();
                clock = simulatedClock;
            } else {
                board = Pi4jBoard.open();
                clock = new SystemClock();
            }
            LoopScheduling scheduling = new LoopScheduling(settings);
            PackController.Ports ports = PackDrivers.open(settings, board, clock,
                    simulator == null ? null : scheduling.guard(simulator));
            SnapshotBuffer snapshots = new SnapshotBuffer(settings.pack().cellCount(),
                    settings.temperatureSensorNames(), settings.outputs().stream().map(OutputSettings::name).toList(),
                    settings.pack().capacity_mAh(), simulator != null);
            CommandQueue commands = new CommandQueue();
            warnAboutMissingSensors(settings);
            warnAboutOutputsKeptOnStop(settings);
            recorder = openRecorder(settings);
            PackController controller = new PackController(settings, ports, commands, snapshots,
                    new PackController.Persistence(saved, recorder != null ? recorder : MeasurementRecorder.NONE,
                            events));
            ControlLoop loop = new ControlLoop(clock, settings.control().period_ms(), controller);
            StateKeeper state = new StateKeeper(stateFile, saved, settings.soc().saveInterval_ms());
            recordStart(settings, events, loaded, saved, configFile);
            state.saveAtStart(System.currentTimeMillis());
            Daemon daemon = new Daemon(settings, socket, board, simulator, snapshots, commands, loop, scheduling,
                    state, events, recorder, notifier);
            daemon.run();
            return daemon;
        } catch (BusException e) {
            abort(board, socket, recorder, events, notifier);
            throw new DaemonException("cannot open the hardware: " + e.getMessage(), e);
        } catch (StoreException e) {
            abort(board, socket, recorder, events, notifier);
            throw new DaemonException(e.getMessage(), e);
        } catch (RuntimeException e) {
            abort(board, socket, recorder, events, notifier);
            throw new DaemonException("cannot start: " + e, e);
        }
    }

    private static int longestTick_ms(Settings settings) {
        int period = settings.control().period_ms();
        return settings.lowPower().enabled() ? Math.max(period, settings.lowPower().period_ms()) : period;
    }

    /** The SHA-256 of the config file; empty if it cannot be read (it was read a moment ago). */
    static String digest(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException | NoSuchAlgorithmException e) {
            log.warn("cannot read {} to note whether it changed: {}", file, e.getMessage());
            return "";
        }
    }

    /** The start record: this version, the pack, how the previous run ended, what was latched, a changed config. */
    private static void recordStart(Settings settings, EventLog events, Optional<SavedState> loaded, SavedState saved,
            Optional<Path> configFile) {
        Optional<EventRecord> last = events.lastAtOpen();
        String previous = last.isEmpty() ? "first"
                : last.get().event().kind() == Event.Kind.STOP ? "clean" : "unclean";
        String how = switch (previous) {
            case "first" -> "the event log is new";
            case "clean" -> "the previous run stopped cleanly";
            default -> "the previous run did not stop cleanly (power loss, crash, SIGKILL or the watchdog);"
                    + " its last record: " + last.get().event().text();
        };
        if (previous.equals("unclean")) {
            log.warn("the previous run did not stop cleanly; its last event log record: {}", last.get().event().text());
        }
        String latched = saved.latched().isEmpty() ? "" : String.join(",",
                saved.latched().stream().sorted().map(FaultId::id).toList());
        long now = System.currentTimeMillis();
        events.append(Event.of(now, Event.Kind.START, "pibms " + version() + " started (start "
                + saved.counters().starts() + "): " + settings.pack().cellCount() + "S "
                + settings.pack().chemistry().id().toUpperCase(Locale.ROOT) + ", " + (settings.simulation().isPresent()
                        ? "simulated pack" : "hardware") + "; " + how
                + (latched.isEmpty() ? "" : "; latched before the restart: " + latched),
                "version", version(), "previous_run", previous, "starts", saved.counters().starts(),
                "cells", settings.pack().cellCount(), "chemistry", settings.pack().chemistry().id(),
                "simulated", settings.simulation().isPresent(), "latched", latched,
                "config", configFile.map(Path::toString).orElse("")));
        String before = loaded.map(SavedState::configDigest).orElse("");
        if (configFile.isPresent() && !before.isEmpty() && !saved.configDigest().isEmpty()
                && !before.equals(saved.configDigest())) {
            events.append(Event.of(now, Event.Kind.CONFIG, "the config file " + configFile.get()
                    + " changed since the previous start", "file", configFile.get().toString(),
                    "sha256_before", before, "sha256", saved.configDigest()));
        }
    }

    /** Faults that watch a kind of sensor the config does not have can never trip: say so once. */
    private static void warnAboutMissingSensors(Settings settings) {
        for (SensorLocation location : List.of(SensorLocation.MOS, SensorLocation.BALANCE)) {
            if (settings.temperatureSensors().stream().noneMatch(sensor -> sensor.location() == location)) {
                log.warn("no temperature sensor with location: {}; {}_overtemperature cannot trip", location.id(),
                        location.id());
            }
        }
    }

    private static void warnAboutOutputsKeptOnStop(Settings settings) {
        SwitchingSettings s = settings.switching();
        if (s.onStopCharge() == SwitchingSettings.OnStop.KEEP || s.onStopDischarge() == SwitchingSettings.OnStop.KEEP) {
            log.warn("switching.on_stop: charge MOS {}, discharge MOS {}: a MOS kept on stays closed while pibms is"
                    + " stopped, and nothing protects the pack meanwhile", s.onStopCharge().id(),
                    s.onStopDischarge().id());
        }
    }

    private static void abort(Board board, ControlSocketServer socket, CsvRecorder recorder, EventLog events,
            Optional<SystemdNotifier> notifier) {
        if (recorder != null) {
            recorder.close();
        }
        if (board != null) {
            board.close();
        }
        events.close(EVENT_FLUSH_ms);
        socket.close();
        notifier.ifPresent(SystemdNotifier::close);
    }

    /** The CSV recorder when {@code recorder.path} is set; null otherwise. */
    private static CsvRecorder openRecorder(Settings settings) throws StoreException {
        RecorderSettings r = settings.recorder();
        if (r.path().isEmpty()) {
            return null;
        }
        CsvRecorder recorder = CsvRecorder.start(r.path().get(), r.interval_ms(), r.maxFileBytes(), r.keepFiles(),
                settings.pack().cellCount(), settings.temperatureSensorNames());
        log.info("recording the measurements to {} ({})", r.path().get(),
                r.interval_ms() == 0 ? "every tick" : "every " + r.interval_ms() + " ms");
        return recorder;
    }

    private void checkState() {
        try {
            state.maybeSave(snapshots.latest(), System.currentTimeMillis());
        } catch (RuntimeException e) {
            log.warn("cannot save the state", e);
        }
    }

    private void run() {
        loop.start(scheduling::onLoopThreadStart);
        socket.start(new ControlService(snapshots, commands));
        startPorts();
        settings.can().ifPresent(this::startCan);
        settings.web().ifPresent(this::startWeb);
        settings.mqtt().ifPresent(this::startMqtt);
        int interval = settings.daemon().statusLogInterval_s();
        if (interval > 0) {
            reporter.scheduleAtFixedRate(this::logStatus, interval, interval, TimeUnit.SECONDS);
        }
        reporter.scheduleWithFixedDelay(this::checkState, STATE_CHECK_ms, STATE_CHECK_ms, TimeUnit.MILLISECONDS);
        watchdog.ifPresent(ServiceWatchdog::start);
        log.info("pibms {} started: {}S {} {} Ah, {}, tick {} ms; control socket {}; state and event log in {}{}",
                version(), settings.pack().cellCount(), settings.pack().chemistry().id().toUpperCase(Locale.ROOT),
                settings.pack().capacity_mAh() / 1000.0, describeSource(), settings.control().period_ms(),
                socket.path(), settings.daemon().stateDirectory(), watchdog.isPresent() ? "; under systemd" : "");
    }

    /**
     * One thread per configured serial port, and the Modbus TCP server; a port that cannot be opened
     * or bound yet is retried, never fatal.
     */
    private void startPorts() {
        long start_ms = System.nanoTime() / 1_000_000;
        String serialNumber = DeviceIdentity.serialNumber();
        for (PortSettings port : settings.ports()) {
            StreamServer server = portServer(port, serialNumber, start_ms);
            PortService service = new PortService(SerialLink.opener(port.device(), port.baud(), port.rs485(),
                    quiet_ms(port)), server, System::nanoTime);
            ports.add(service);
            service.start();
        }
        settings.modbusTcp().ifPresent(tcp -> {
            SunSpecMap map = new SunSpecMap(sunSpecDevice(serialNumber, 0, tcp.writes()));
            TcpService service = new TcpService("Modbus TCP", new InetSocketAddress(tcp.address(), tcp.port()),
                    peer -> new ModbusTcpSession(new ModbusServer(map, snapshots, commands,
                            new Origin("modbus-tcp", peer), tcp.writes())),
                    System::nanoTime, PortService.FIRST_RETRY_ms);
            modbusTcp = Optional.of(service);
            service.start();
            if (tcp.writes() && !isLoopback(tcp.address())) {
                log.warn("Modbus TCP writes are enabled on {}: anyone who can reach that address can switch the"
                        + " MOSFETs and reset faults", tcp.address());
            }
        });
    }

    /**
     * What answers on a serial port: ANT or Modbus RTU over the SunSpec map, reading this daemon's
     * snapshots and queueing its commands. Package-private for {@link ProtocolBench}, which serves
     * it over its own link.
     *
     * @param start_ms when the daemon started ({@code System.nanoTime() / 1_000_000}), for the ANT's uptime
     */
    StreamServer portServer(PortSettings port, String serialNumber, long start_ms) {
        String device = port.device().toString();
        if (port.speaks() instanceof PortSettings.Modbus modbus) {
            SunSpecMap map = new SunSpecMap(sunSpecDevice(serialNumber, modbus.unitId(), modbus.writes()));
            log.info("port {}: SunSpec map at {}, {} registers; writes {}", device, SunSpecMap.BASE,
                    map.registers(), modbus.writes() ? "enabled" : "disabled");
            return new ModbusRtuSession(new ModbusServer(map, snapshots, commands, new Origin("modbus", device),
                    modbus.writes()), modbus.unitId(), port.baud());
        }
        PortSettings.Ant ant = (PortSettings.Ant) port.speaks();
        AntServer.Options options = new AntServer.Options(ant.password(), ant.dischargePositive(),
                ant.chargeMosFirst(), settings.pack().chemistry(), sensorLocations(),
                "PIBMS" + settings.pack().cellCount() + "S", "pibms " + version());
        if (ant.password().isEmpty()) {
            log.info("port {}: read-only (no password configured): writes are refused", device);
        }
        return new AntSession(new AntServer(options, snapshots, commands, new Origin("ant", device), start_ms));
    }

    /** The port's read timeout: the quiet gap that ends a frame of its protocol. */
    static int quiet_ms(PortSettings port) {
        return port.speaks() instanceof PortSettings.Modbus ? MODBUS_QUIET_ms : ANT_QUIET_ms;
    }

    /** The CAN bus: a missing interface or adapter is retried in the background, as a serial port is. */
    private void startCan(CanSettings c) {
        int cells = settings.pack().cellCount();
        CanNode node;
        if (c.profile() == CanSettings.Profile.ANT) {
            node = new AntJ1939Node(c.j1939Name(), c.j1939Address(), cells, sensorLocations(),
                    cells * settings.pack().chemistry().nominalCell_mV());
        } else {
            String[] version = version().split("[.-]");
            InverterFrames.Battery battery = new InverterFrames.Battery(cells, settings.pack().capacity_mAh(),
                    cells * settings.chargeLimits().dischargeTaperTo_mV(), sensorLocations(),
                    productName(),
                    number(version, 0), number(version, 1));
            node = new InverterNode(new InverterFrames(InverterProfile.valueOf(c.profile().name()), battery),
                    c.period_ms(), c.inverterTimeout_ms());
        }
        CanLink.Opener opener = c.transport() == CanSettings.Transport.SOCKETCAN
                ? SocketCanLink.opener(c.iface(), CAN_READ_ms)
                : SlcanLink.opener(SerialLink.opener(c.device(), SLCAN_SERIAL_BAUD, false, CAN_READ_ms));
        CanService service = new CanService(opener, node, snapshots, () -> System.nanoTime() / 1_000_000,
                PortService.FIRST_RETRY_ms);
        can = Optional.of(service);
        service.start();
        log.info("CAN {}: {} profile over {}", opener.name(), c.profile().id(), c.transport().id());
    }

    private void startWeb(WebSettings w) {
        WebService service = new WebService(w, settings, snapshots, commands, loop);
        web = Optional.of(service);
        service.start();
        if (!isLoopback(w.address())) {
            log.warn("the web app listens on {}: anyone on that network can read the status{}; the password travels"
                    + " unencrypted over HTTP (docs/app.md)", w.address(),
                    w.password().isPresent() ? "" : " (writes are off: no web.password)");
        }
    }

    /** The MQTT client; a broker that is away is retried with back-off, as a serial port is. */
    private void startMqtt(MqttSettings m) {
        String serialNumber = DeviceIdentity.serialNumber();
        String id = serialNumber.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        String clientId = m.clientId().isEmpty() ? "pibms-" + id.substring(Math.max(0, id.length() - 16)) : m.clientId();
        MqttBridge bridge = new MqttBridge(m, new MqttBridge.Device(serialNumber, productName(), productName(),
                version(), serialNumber, settings.pack().cellCount(), settings.temperatureSensorNames()), commands);
        MqttService service = new MqttService(HiveMqLink.opener(m.withClientId(clientId)), bridge, snapshots,
                PortService.FIRST_RETRY_ms);
        mqtt = Optional.of(service);
        service.start();
        if (m.commands()) {
            log.warn("MQTT command topics are enabled: anyone who may publish to {}/set/ on the broker can switch the"
                    + " MOSFETs and reset faults", bridge.base());
        }
    }

    /** What protocols that ask for a model name are told, e.g. {@code pibms 16S LFP}. */
    private String productName() {
        return "pibms " + settings.pack().cellCount() + "S " + settings.pack().chemistry().id().toUpperCase(Locale.ROOT);
    }

    private static int number(String[] parts, int index) {
        try {
            return index < parts.length ? Integer.parseInt(parts[index]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("::1");
    }

    private List<SensorLocation> sensorLocations() {
        return settings.temperatureSensors().stream().map(TemperatureSensorSettings::location).toList();
    }

    private SunSpecMap.Device sunSpecDevice(String serialNumber, int unitId, boolean writes) {
        int cells = settings.pack().cellCount();
        return new SunSpecMap.Device(productName(), version(), serialNumber, unitId, cells,
                cells * settings.pack().chemistry().nominalCell_mV(), settings.temperatureSensors(), writes);
    }

    private String describeSource() {
        return settings.simulation()
                .map(s -> "simulated pack at " + SimulatedClock.describe(s.timeScale()))
                .orElse("hardware: LTC6813 on " + settings.hardware().spi().device() + ", INA228 and ADS1115 on"
                        + " /dev/i2c-" + settings.hardware().i2cBus());
    }

    private void logStatus() {
        try {
            log.info("status: {}", StatusLine.format(snapshots.latest()));
        } catch (RuntimeException e) {
            log.warn("cannot format the status line", e);
        }
    }

    public SnapshotSource snapshots() {
        return snapshots;
    }

    public CommandSink commands() {
        return commands;
    }

    /** True once the control thread runs under SCHED_FIFO. */
    boolean realtimeLoop() {
        return scheduling.realtime();
    }

    /** The simulated pack, for a bench that times its pins; null when the daemon runs on hardware. */
    Simulator simulator() {
        return simulator;
    }

    /** The control loop, for the jitter benchmark's lateness recording. */
    ControlLoop loop() {
        return loop;
    }

    /** CAN frames heard so far; 0 without a CAN bus. */
    long canFramesHeard() {
        return can.map(CanService::heard).orElse(0L);
    }

    /** Deadlines the control loop missed because a tick ran past its period. */
    long overruns() {
        return loop.overruns();
    }

    /** Blocks until the control loop has ended. */
    public void awaitTermination() throws InterruptedException {
        loop.awaitTermination();
    }

    /** As {@link #close(String)} for a caller that gives no reason. */
    @Override
    public void close() {
        close("closed");
    }

    /**
     * Stops in the reverse order of the start: tells systemd, stops answering, sets the outputs
     * to their stop state (both MOS open by default) and ends the loop, saves the state, records
     * the stop and flushes the event log, then releases the hardware. Idempotent.
     */
    public synchronized void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        log.info("stopping: {}", reason);
        watchdog.ifPresent(ServiceWatchdog::stopping);
        reporter.shutdownNow();
        socket.close();
        ports.forEach(PortService::close);
        modbusTcp.ifPresent(TcpService::close);
        can.ifPresent(CanService::close);
        web.ifPresent(WebService::close);
        mqtt.ifPresent(MqttService::close);
        try {
            long stopWait_ms = Math.max(LOOP_STOP_ms, 2 * loop.longestTick_ns() / 1_000_000);
            if (!loop.stop(stopWait_ms)) {
                log.error("the control loop did not stop within {} ms (a tick is stuck, in a driver perhaps):"
                        + " releasing the hardware anyway; the MOS gate drivers fall back to their pull-downs",
                        stopWait_ms);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PackSnapshot last = snapshots.latest();
        boolean saved = state.save(last, System.currentTimeMillis());
        String outputs = "charge MOS " + (last.chargeMos() ? "on" : "off") + ", discharge MOS "
                + (last.dischargeMos() ? "on" : "off");
        events.append(Event.of(System.currentTimeMillis(), Event.Kind.STOP, "pibms stopped: " + reason + "; "
                + outputs + (saved ? "" : "; the state could not be saved"), "reason", reason,
                "charge_mos", last.chargeMos(), "discharge_mos", last.dischargeMos(), "state_saved", saved));
        events.close(EVENT_FLUSH_ms);
        if (recorder != null) {
            recorder.close();
        }
        board.close();
        watchdog.ifPresent(ServiceWatchdog::close);
        log.info("stopped in {} ms; {}; state {}; event log flushed", (System.nanoTime() - started) / 1_000_000,
                outputs, saved ? "saved" : "NOT saved");
    }

    static String version() {
        String version = Daemon.class.getPackage().getImplementationVersion();
        return version != null ? version : "(development build)";
    }
}
