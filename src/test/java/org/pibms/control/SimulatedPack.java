package org.pibms.control;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.pibms.TestConfigs;
import org.pibms.core.AnalogFrontEnd;
import org.pibms.core.SystemClock;
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
    final long period_ns;

    SimulatedPack(Path dir, int cells) {
        this(TestConfigs.simulated(cells, dir, "max"), null);
    }

    /** The real drivers over the emulated chips; {@code afe} wraps the AFE driver when not null. */
    SimulatedPack(Settings settings, UnaryOperator<AnalogFrontEnd> afe) {
        this.settings = settings;
        this.simulator = Simulator.create(settings, clock);
        this.snapshots = new SnapshotBuffer(settings.pack().cellCount(), settings.temperatureSensorNames(),
                settings.pack().capacity_mAh(), true);
        PackController.Ports drivers;
        try {
            drivers = PackDrivers.open(settings, simulator.board(), clock, simulator);
        } catch (BusException e) {
            throw new AssertionError(e);
        }
        this.ports = afe == null ? drivers : new PackController.Ports(afe.apply(drivers.afe()),
                drivers.currentSensor(), drivers.voltageSensor(), drivers.switches(), simulator);
        this.controller = new PackController(settings, ports, commands, snapshots);
        this.period_ns = settings.control().period_ms() * 1_000_000L;
    }

    void tick() {
        try {
            clock.sleepUntil(clock.nanoTime() + period_ns);
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

    void ticksFor(double seconds) {
        ticks((int) Math.round(seconds * 1e9 / period_ns));
    }
}
