package org.pibms.daemon;

import java.nio.file.Path;
import org.pibms.control.CommandQueue;
import org.pibms.control.PackController;
import org.pibms.control.SnapshotBuffer;
import org.pibms.core.SystemClock;
import org.pibms.core.settings.OutputSettings;
import org.pibms.core.settings.Settings;
import org.pibms.hw.BusException;
import org.pibms.sim.SimulatedClock;
import org.pibms.sim.Simulator;

/**
 * The daemon's control stack on a simulated pack, built in-process for a benchmark: the
 * {@link Simulator} with its register-level chip emulators, the real drivers from
 * {@link PackDrivers} and a {@link PackController}, on a free-running {@link SimulatedClock}
 * that the benchmark ticks by hand, as {@link BalanceBench} does.
 *
 * <p>The config's paths (socket, state directory) point into a temporary directory that
 * {@link #close()} deletes; the controller persists nothing, but a config needs them anyway.
 */
final class BenchStack implements AutoCloseable {

    final Settings settings;
    /** Free-running: each sleep jumps straight to its deadline, so the CPU sets the pace. */
    final SimulatedClock clock = new SimulatedClock(new SystemClock(), Double.POSITIVE_INFINITY);
    final Simulator simulator;
    final SnapshotBuffer snapshots;
    final PackController controller;
    private final Path directory;
    private final long period_ns;
    private long deadline_ns;

    /**
     * @param yaml a config with {@code %1$s} where the temporary directory's path goes
     */
    BenchStack(String name, String yaml) {
        directory = BenchRig.scratchDirectory();
        try {
            settings = BenchRig.parse(name, yaml.formatted(directory), directory);
            simulator = Simulator.create(settings, clock);
            snapshots = new SnapshotBuffer(settings.pack().cellCount(), settings.temperatureSensorNames(),
                    settings.outputs().stream().map(OutputSettings::name).toList(), settings.pack().capacity_mAh(),
                    true);
            PackController.Ports ports = PackDrivers.open(settings, simulator.board(), clock, simulator);
            controller = new PackController(settings, ports, new CommandQueue(), snapshots,
                    PackController.Persistence.none());
        } catch (BusException | RuntimeException e) {
            close();
            throw new IllegalStateException("cannot build the simulated stack: " + e.getMessage(), e);
        }
        period_ns = settings.control().period_ms() * 1_000_000L;
        deadline_ns = clock.nanoTime();
    }

    /**
     * One control tick on the next absolute deadline, as {@code ControlLoop} runs it: the clock
     * jumps to the deadline, then the controller ticks. Allocates nothing.
     */
    void tick() {
        deadline_ns += controller.period_ns(period_ns);
        try {
            clock.sleepUntil(deadline_ns);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        controller.tick(clock.nanoTime(), clock.epochMillis());
    }

    /** Simulated time since the start, in ms. */
    long time_ms() {
        return clock.nanoTime() / 1_000_000;
    }

    @Override
    public void close() {
        BenchRig.delete(directory);
    }
}
