package org.pibms.control;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.pibms.core.Origin;
import org.pibms.TestConfigs;
import org.pibms.core.AnalogFrontEnd;
import org.pibms.core.Command;
import org.pibms.core.CommandResult;
import org.pibms.core.FaultId;
import org.pibms.core.Event;
import org.pibms.core.MeasurementRecorder;
import org.pibms.core.PackSnapshot;
import org.pibms.core.SavedState;
import org.pibms.core.SocState;
import org.pibms.core.SystemClock;
import org.pibms.core.settings.OutputSettings;
import org.pibms.core.settings.Settings;
import org.pibms.daemon.PackDrivers;
import org.pibms.hw.BusException;
import org.pibms.sim.SimulatedClock;
import org.pibms.sim.Simulator;

/** A {@link PackController} on a simulated pack, ticked by hand on a free-running clock. */
final class SimulatedPack {

    final Settings settings;
    final SimulatedClock clock = new SimulatedClock(new SystemClock(), Double.POSITIVE_INFINITY);
    final Simulator simulator;
    final CommandQueue commands = new CommandQueue();
    final SnapshotBuffer snapshots;
    final PackController.Ports ports;
    final PackController controller;
    /** What the controller appended to its event log, oldest first. */
    final List<Event> events = new ArrayList<>();
    final long period_ns;
    private long deadline_ns;

    SimulatedPack(Path dir, int cells) {
        this(TestConfigs.simulated(cells, dir, "max"), null);
    }

    /** The real drivers over the emulated chips; {@code afe} wraps the AFE driver when not null. */
    SimulatedPack(Settings settings, UnaryOperator<AnalogFrontEnd> afe) {
        this(settings, afe, Set.of());
    }

    /** As above, with faults latched before a (pretend) restart. */
    SimulatedPack(Settings settings, UnaryOperator<AnalogFrontEnd> afe, Set<FaultId> latchedAtStart) {
        this(settings, afe, latchedAtStart, Optional.empty(), MeasurementRecorder.NONE);
    }

    /** As above, with a saved SOC state and a recorder. */
    SimulatedPack(Settings settings, UnaryOperator<AnalogFrontEnd> afe, Set<FaultId> latchedAtStart,
            Optional<SocState> soc, MeasurementRecorder recorder) {
        this.settings = settings;
        this.simulator = Simulator.create(settings, clock);
        this.snapshots = new SnapshotBuffer(settings.pack().cellCount(), settings.temperatureSensorNames(),
                settings.outputs().stream().map(OutputSettings::name).toList(), settings.pack().capacity_mAh(), true);
        PackController.Ports drivers;
        try {
            drivers = PackDrivers.open(settings, simulator.board(), clock, simulator);
        } catch (BusException e) {
            throw new AssertionError(e);
        }
        this.ports = afe == null ? drivers : new PackController.Ports(afe.apply(drivers.afe()),
                drivers.currentSensor(), drivers.voltageSensor(), drivers.switches(), drivers.inputs(), simulator);
        SavedState saved = soc.map(SavedState::of).orElse(SavedState.NONE).withLatched(latchedAtStart);
        this.controller = new PackController(settings, ports, commands, snapshots,
                new PackController.Persistence(saved, recorder, events::add));
        this.period_ns = settings.control().period_ms() * 1_000_000L;
        this.deadline_ns = clock.nanoTime();
    }

    /** Ticks on absolute deadlines, as the control loop does, so conversions inside a tick do not add up. */
    void tick() {
        deadline_ns += period_ns;
        try {
            clock.sleepUntil(deadline_ns);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        controller.tick(clock.nanoTime(), clock.epochMillis());
    }

    void ticks(int count) {
        for (int i = 0; i < count; i++) {
            tick();
        }
    }

    PackSnapshot status() {
        return snapshots.latest();
    }

    /** Submits a command and ticks once, so it is carried out; returns the answer. */
    CommandResult command(Command command) {
        return command(command, Origin.INTERNAL);
    }

    /** As above, sent by {@code origin}. */
    CommandResult command(Command command, Origin origin) {
        CompletableFuture<CommandResult> reply = commands.submit(command, origin);
        tick();
        return reply.getNow(null);
    }

    void ticksFor(double seconds) {
        ticks((int) Math.round(seconds * 1e9 / period_ns));
    }
}
