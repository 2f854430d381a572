package org.pibms.daemon;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.pibms.control.CommandQueue;
import org.pibms.control.PackController;
import org.pibms.control.SnapshotBuffer;
import org.pibms.core.Clock;
import org.pibms.core.SystemClock;
import org.pibms.core.settings.OutputSettings;
import org.pibms.core.settings.Settings;
import org.pibms.hw.BusException;
import org.pibms.sim.PackModel;
import org.pibms.sim.SimulatedClock;
import org.pibms.sim.Simulator;

/**
 * The daemon's control stack on a simulated pack, built in-process for a benchmark: the
 * {@link Simulator} with its register-level chip emulators, the real drivers from
 * {@link PackDrivers} and a {@link PackController}, on a free-running {@link SimulatedClock}
 * that the benchmark ticks by hand.
 *
 * <p>Built {@link #inScratchDirectory from YAML}, the config's paths (socket, state directory)
 * point into a temporary directory that {@link #close()} deletes; the controller persists
 * nothing, but a config needs them anyway.
 */
final class BenchStack implements AutoCloseable {

    final Settings settings;
    /** Free-running: each sleep jumps straight to its deadline, so the CPU sets the pace. */
    final SimulatedClock clock;
    final Simulator simulator;
    final SnapshotBuffer snapshots;
    final PackController controller;
    /** Deleted by {@link #close()}; null when the stack has none. */
    private final Path directory;
    private final long period_ns;
    private long deadline_ns;

    /**
     * A stack on a config with {@code %1$s} where a temporary directory's path goes, with its
     * simulated time starting from the machine's clock.
     */
    static BenchStack inScratchDirectory(String name, String yaml) {
        Path directory = BenchRig.scratchDirectory();
        try {
            Settings settings = BenchRig.parse(name, yaml.formatted(directory), directory);
            return new BenchStack(settings, new SystemClock(), model -> { }, directory);
        } catch (RuntimeException e) {
            BenchRig.delete(directory);
            throw e;
        }
    }

    /**
     * @param base    where simulated time starts: a fixed clock makes a run repeat exactly
     * @param prepare sets the pack model up before the drivers first see it
     * @param directory deleted by {@link #close()}, or null
     */
    BenchStack(Settings settings, Clock base, Consumer<PackModel> prepare, Path directory) {
        this.settings = settings;
        this.directory = directory;
        this.clock = new SimulatedClock(base, Double.POSITIVE_INFINITY);
        try {
            simulator = Simulator.create(settings, clock);
            prepare.accept(simulator.model());
            snapshots = new SnapshotBuffer(settings.pack().cellCount(), settings.temperatureSensorNames(),
                    settings.outputs().stream().map(OutputSettings::name).toList(), settings.pack().capacity_mAh(),
                    true);
            PackController.Ports ports = PackDrivers.open(settings, simulator.board(), clock, simulator);
            controller = new PackController(settings, ports, new CommandQueue(), snapshots,
                    PackController.Persistence.none());
        } catch (BusException | RuntimeException e) {
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
        advanceToNextTick();
        tickNow();
    }

    /**
     * The first half of {@link #tick()}, for a bench that acts on the pack between the clock's
     * jump and the controller's tick, as a charger would: the clock jumps to the next deadline.
     */
    void advanceToNextTick() {
        deadline_ns += controller.period_ns(period_ns);
        try {
            clock.sleepUntil(deadline_ns);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The second half of {@link #tick()}: the controller ticks at the clock's present time. */
    void tickNow() {
        controller.tick(clock.nanoTime(), clock.epochMillis());
    }

    /** Simulated time since the start, in ms. */
    long time_ms() {
        return clock.nanoTime() / 1_000_000;
    }

    @Override
    public void close() {
        if (directory != null) {
            BenchRig.delete(directory);
        }
    }
}
