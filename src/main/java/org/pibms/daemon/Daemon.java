package org.pibms.daemon;

import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.pibms.control.CommandQueue;
import org.pibms.control.ControlLoop;
import org.pibms.control.PackController;
import org.pibms.control.SnapshotBuffer;
import org.pibms.core.CommandSink;
import org.pibms.core.SnapshotSource;
import org.pibms.core.Clock;
import org.pibms.core.FaultId;
import org.pibms.core.MeasurementRecorder;
import org.pibms.core.PackSnapshot;
import org.pibms.core.SavedState;
import org.pibms.core.StateStore;
import org.pibms.core.settings.RecorderSettings;
import org.pibms.core.settings.OutputSettings;
import org.pibms.core.settings.SensorLocation;
import org.pibms.store.CsvRecorder;
import org.pibms.store.LatchFile;
import org.pibms.store.StateFile;
import org.pibms.store.StoreException;
import org.pibms.core.SystemClock;
import org.pibms.core.settings.Settings;
import org.pibms.hw.Board;
import org.pibms.hw.BusException;
import org.pibms.hw.pi4j.Pi4jBoard;
import org.pibms.sim.SimulatedClock;
import org.pibms.sim.Simulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires one running pibms: the control socket, the pack (simulated or real), the control loop
 * and the periodic status line, started in an order that never leaves the pack switched on
 * without protection, and stopped in the reverse order.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final Settings settings;
    private final ControlSocketServer socket;
    private final Board board;
    private final SnapshotBuffer snapshots;
    private final CommandQueue commands;
    private final ControlLoop loop;
    private final ScheduledExecutorService reporter;
    private final StateStore stateStore;
    private final CsvRecorder recorder;
    private boolean closed;

    private Daemon(Settings settings, ControlSocketServer socket, Board board, SnapshotBuffer snapshots,
            CommandQueue commands, ControlLoop loop, StateStore stateStore, CsvRecorder recorder) {
        this.settings = settings;
        this.stateStore = stateStore;
        this.recorder = recorder;
        this.socket = socket;
        this.board = board;
        this.snapshots = snapshots;
        this.commands = commands;
        this.loop = loop;
        this.reporter = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pibms-status");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts the daemon and returns once the control loop runs and the socket answers: on the
     * simulated pack when the settings have a simulation section, else on the Pi's hardware.
     *
     * @throws DaemonException if it cannot start; then nothing is left running
     */
    public static Daemon start(Settings settings) throws DaemonException {
        ControlSocketServer socket = ControlSocketServer.claim(settings.daemon().socket());
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
            LatchFile latches = LatchFile.open(settings.daemon().stateDirectory());
            Set<FaultId> latched = latches.load();
            StateFile stateFile = StateFile.open(settings.daemon().stateDirectory());
            Optional<SavedState> saved = stateFile.load();
            PackController.Ports ports = PackDrivers.open(settings, board, clock, simulator);
            SnapshotBuffer snapshots = new SnapshotBuffer(settings.pack().cellCount(),
                    settings.temperatureSensorNames(), settings.outputs().stream().map(OutputSettings::name).toList(),
                    settings.pack().capacity_mAh(), simulator != null);
            CommandQueue commands = new CommandQueue();
            warnAboutMissingSensors(settings);
            recorder = openRecorder(settings);
            PackController controller = new PackController(settings, ports, commands, snapshots,
                    new PackController.Persistence(latched, latches, saved,
                            recorder != null ? recorder : MeasurementRecorder.NONE));
            ControlLoop loop = new ControlLoop(clock, settings.control().period_ms(), controller);
            Daemon daemon = new Daemon(settings, socket, board, snapshots, commands, loop, stateFile, recorder);
            daemon.run();
            return daemon;
        } catch (BusException e) {
            close(board, socket, recorder);
            throw new DaemonException("cannot open the hardware: " + e.getMessage(), e);
        } catch (StoreException e) {
            close(board, socket, recorder);
            throw new DaemonException(e.getMessage(), e);
        } catch (RuntimeException e) {
            close(board, socket, recorder);
            throw new DaemonException("cannot start: " + e, e);
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

    private static void close(Board board, ControlSocketServer socket, CsvRecorder recorder) {
        if (recorder != null) {
            recorder.close();
        }
        if (board != null) {
            board.close();
        }
        socket.close();
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

    /** Writes the estimator's state and the bled charge as the last tick left them; the store logs a failure. */
    private void saveState() {
        try {
            PackSnapshot snapshot = snapshots.latest();
            if (snapshot.soc() != null) {
                stateStore.save(new SavedState(snapshot.soc(), snapshot.balanced_mAh()));
            }
        } catch (RuntimeException e) {
            log.warn("cannot save the state of charge", e);
        }
    }

    private void run() {
        loop.start();
        socket.start(new ControlService(snapshots, commands));
        int interval = settings.daemon().statusLogInterval_s();
        if (interval > 0) {
            reporter.scheduleAtFixedRate(this::logStatus, interval, interval, TimeUnit.SECONDS);
        }
        long save_ms = settings.soc().saveInterval_ms();
        reporter.scheduleAtFixedRate(this::saveState, save_ms, save_ms, TimeUnit.MILLISECONDS);
        log.info("pibms {} started: {}S {} {} Ah, {}, tick {} ms; control socket {}", version(),
                settings.pack().cellCount(), settings.pack().chemistry().id().toUpperCase(Locale.ROOT),
                settings.pack().capacity_mAh() / 1000.0, describeSource(), settings.control().period_ms(),
                socket.path());
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

    /** Blocks until the control loop has ended. */
    public void awaitTermination() throws InterruptedException {
        loop.awaitTermination();
    }

    /** Stops answering, opens both MOS, stops the loop and removes the socket. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("stopping");
        reporter.shutdownNow();
        socket.close();
        try {
            loop.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        saveState();
        if (recorder != null) {
            recorder.close();
        }
        board.close();
        log.info("stopped; both MOS open");
    }

    static String version() {
        String version = Daemon.class.getPackage().getImplementationVersion();
        return version != null ? version : "(development build)";
    }
}
