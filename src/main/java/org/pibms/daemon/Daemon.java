package org.pibms.daemon;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.pibms.control.CommandQueue;
import org.pibms.control.ControlLoop;
import org.pibms.control.PackController;
import org.pibms.control.SnapshotBuffer;
import org.pibms.core.CommandSink;
import org.pibms.core.SnapshotSource;
import org.pibms.core.SystemClock;
import org.pibms.core.settings.Settings;
import org.pibms.core.settings.SimulationSettings;
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
    private final SnapshotBuffer snapshots;
    private final CommandQueue commands;
    private final ControlLoop loop;
    private final ScheduledExecutorService reporter;
    private boolean closed;

    private Daemon(Settings settings, ControlSocketServer socket, SnapshotBuffer snapshots, CommandQueue commands,
            ControlLoop loop) {
        this.settings = settings;
        this.socket = socket;
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
     * Starts the daemon and returns once the control loop runs and the socket answers.
     *
     * @throws DaemonException if it cannot start; then nothing is left running
     */
    public static Daemon start(Settings settings) throws DaemonException {
        SimulationSettings simulation = settings.simulation().orElseThrow(() -> new DaemonException(
                "the config has no 'simulation' section, so it describes real hardware, and this version of"
                        + " pibms has no hardware drivers yet (the LTC6813, INA228, ADS1115 and GPIO drivers come"
                        + " next). Add a simulation section to run on the simulated pack."));

        ControlSocketServer socket = ControlSocketServer.claim(settings.daemon().socket());
        try {
            SimulatedClock clock = new SimulatedClock(new SystemClock(), simulation.timeScale());
            Simulator simulator = Simulator.create(settings, clock);
            PackController.Ports ports = new PackController.Ports(simulator.afe(), simulator.currentSensor(),
                    simulator.voltageSensor(), simulator.switches(), simulator);
            SnapshotBuffer snapshots = new SnapshotBuffer(settings.pack().cellCount(),
                    settings.temperatureSensorNames(), settings.pack().capacity_mAh(), true);
            CommandQueue commands = new CommandQueue();
            PackController controller = new PackController(settings, ports, commands, snapshots);
            ControlLoop loop = new ControlLoop(clock, settings.control().period_ms(), controller);
            Daemon daemon = new Daemon(settings, socket, snapshots, commands, loop);
            daemon.run();
            return daemon;
        } catch (RuntimeException e) {
            socket.close();
            throw new DaemonException("cannot start: " + e, e);
        }
    }

    private void run() {
        loop.start();
        socket.start(new ControlService(snapshots, commands));
        int interval = settings.daemon().statusLogInterval_s();
        if (interval > 0) {
            reporter.scheduleAtFixedRate(this::logStatus, interval, interval, TimeUnit.SECONDS);
        }
        log.info("pibms {} started: {}S {} {} Ah, {}, tick {} ms; control socket {}", version(),
                settings.pack().cellCount(), settings.pack().chemistry().id().toUpperCase(Locale.ROOT),
                settings.pack().capacity_mAh() / 1000.0, describeSource(), settings.control().period_ms(),
                socket.path());
    }

    private String describeSource() {
        return settings.simulation()
                .map(s -> "simulated pack at " + SimulatedClock.describe(s.timeScale()))
                .orElse("hardware");
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
        log.info("stopped; both MOS open");
    }

    static String version() {
        String version = Daemon.class.getPackage().getImplementationVersion();
        return version != null ? version : "(development build)";
    }
}
