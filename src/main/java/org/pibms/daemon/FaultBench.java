package org.pibms.daemon;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.pibms.bench.BenchReport;
import org.pibms.core.CommandResult;
import org.pibms.core.FaultId;
import org.pibms.core.Origin;
import org.pibms.core.SimulationCommand;
import org.pibms.core.settings.Settings;
import org.pibms.sim.EmulatedPin;
import org.pibms.sim.Simulator;

/**
 * {@code pibms bench fault}: how fast the running daemon opens the charge MOS when a cell goes
 * over its limit. Target: with a 0 ms trip delay, the charge MOS output goes low within one
 * control period + 1 ms at p99.9, over 1 000 injections on the wall clock.
 *
 * <p>The daemon is the real one, started in-process with {@link Daemon#start(Settings)} on a
 * simulated pack at 1x real time, so its control loop sleeps on real deadlines and the LTC6813
 * emulator's conversions take their real time. The tick is 10 ms and {@code cell_overvoltage}
 * trips and recovers without delay (0 ms is allowed for both). The config refuses the default
 * 7 kHz conversion at a 10 ms tick (cells, GPIO and status conversions take 8.1 ms, more than
 * 80 % of the period), so the ADC runs at 14 kHz: 1.3 ms for the cells.
 *
 * <p>Each injection: wait a random part of a period, so injections fall at every phase of the
 * tick; force cell 1 above the trip level with a {@code ForceCellVoltage} command; wait for the
 * charge MOS line to go low; release the cell; wait for the line to go high again and for the
 * open-wire tests the cell's two jumps start to pass; repeat.
 *
 * <p>Two moments are timed with the host's {@link System#nanoTime()} by the simulator itself, so
 * the bench thread's own scheduling does not count: when the simulator applies the forced
 * voltage to its pack model ({@link Simulator#lastCellForced_ns()}) and when the charge MOS
 * line changes level ({@link EmulatedPin#lastChange_ns()}). A command is carried out at the start
 * of the next tick, so the forced voltage is applied there, and the cell conversion of that same
 * tick is the first to report it: the reaction is measured from the moment the chip's inputs see
 * the over-voltage, and includes that conversion. How long the command waited for its tick is
 * reported apart, as the reaction "from the command": that is what an over-voltage arising at a
 * random moment sees (up to one period until the next measurement), pessimistic by up to one
 * cell conversion, because a real chip would catch a rise during the conversion already running.
 */
public final class FaultBench {

    private static final int INJECTIONS = 1000;
    private static final int QUICK_INJECTIONS = 20;
    /** Not counted: the first injections run while the JIT compiles the protection path. */
    private static final int WARM_UP_INJECTIONS = 50;
    private static final int QUICK_WARM_UP_INJECTIONS = 5;
    private static final int CELL = 1;
    /** How far above the trip level the cell is forced. */
    private static final int ABOVE_TRIP_mV = 50;
    /**
     * Far longer than any tick: the MOS not switching within it counts as a miss. A late reaction
     * within it is counted with its real length, however long, so a stalled host shows.
     */
    private static final long REACTION_TIMEOUT_ns = 10_000_000_000L;
    private static final long START_TIMEOUT_ns = 10_000_000_000L;
    /**
     * After the MOS is back on: each jump of the cell starts an open-wire test two ticks later;
     * waiting 10 periods keeps those tests out of the next injection's tick.
     */
    private static final int SETTLE_PERIODS = 10;
    private static final long POLL_ns = 100_000;

    /** {@code %1$s} is the temporary directory. */
    static final String CONFIG = """
            pack:
              chemistry: lfp
              cells: 20
              capacity_Ah: 100
            temperature_sensors:
              - {name: cells, location: cell, gpio: 1}
              - {name: mos, location: mos, gpio: 2}
            hardware:
              ltc6813: {conversion: 14kHz}
            control:
              period_ms: 10
            protection:
              cell_overvoltage: {delay_ms: 0, recover_delay_ms: 0}
            daemon:
              socket: %1$s/pibms.sock
              state_directory: %1$s/state
              status_log_interval_s: 0
            simulation:
              seed: 7
              time_scale: 1
              initial_soc_pct: 50
              sensors:
                voltage_noise_mV: 1
                current_noise_mA: 50
            """;

    private FaultBench() {
    }

    /** Runs the suite; {@code progress}, when not null, gets a line every 100 injections. */
    public static BenchReport run(boolean quick, PrintWriter progress) {
        int injections = quick ? QUICK_INJECTIONS : INJECTIONS;
        int warmUp = quick ? QUICK_WARM_UP_INJECTIONS : WARM_UP_INJECTIONS;
        Path directory = BenchRig.scratchDirectory();
        try {
            Settings settings = BenchRig.parse("fault bench", CONFIG.formatted(directory), directory);
            try (Daemon daemon = BenchRig.start(settings)) {
                return new Run(settings, daemon, quick, injections, warmUp, progress).execute();
            }
        } finally {
            BenchRig.delete(directory);
        }
    }

    private static final class Run {

        private final Daemon daemon;
        private final Simulator simulator;
        private final EmulatedPin chargeMos;
        private final boolean quick;
        private final int injections;
        private final int warmUp;
        private final PrintWriter progress;
        private final int period_ms;
        private final int trip_mV;
        private final SplittableRandom random = new SplittableRandom(1);
        /** The longest the bench thread's 0.1 ms polling park really took: a measure of the host's stalls. */
        private long longestPoll_ns;

        Run(Settings settings, Daemon daemon, boolean quick, int injections, int warmUp, PrintWriter progress) {
            this.daemon = daemon;
            this.simulator = daemon.simulator();
            this.chargeMos = simulator.chargePin();
            this.quick = quick;
            this.injections = injections;
            this.warmUp = warmUp;
            this.progress = progress;
            this.period_ms = settings.control().period_ms();
            this.trip_mV = settings.protection().limit(FaultId.CELL_OVERVOLTAGE).trip();
        }

        BenchReport execute() {
            awaitLevel(true, START_TIMEOUT_ns, "the charge MOS did not switch on after the start");
            long overrunsBefore = 0;
            long[] reaction_ns = new long[injections];
            long[] fromCommand_ns = new long[injections];
            int counted = 0;
            int misses = 0;
            for (int i = 0; i < warmUp + injections; i++) {
                if (i == warmUp) {
                    overrunsBefore = daemon.overruns();
                    longestPoll_ns = 0;
                }
                // a random phase within the tick, so the injections sample all of it
                LockSupport.parkNanos(random.nextLong(period_ms * 1_000_000L));
                long submitted_ns = System.nanoTime();
                submit(new SimulationCommand.ForceCellVoltage(CELL, trip_mV + ABOVE_TRIP_mV));
                boolean opened = awaitLevel(false, REACTION_TIMEOUT_ns, null);
                long low_ns = chargeMos.lastChange_ns();
                long forced_ns = simulator.lastCellForced_ns();
                submit(new SimulationCommand.ReleaseCellVoltage(CELL));
                awaitLevel(true, REACTION_TIMEOUT_ns, "the charge MOS did not switch on again after injection "
                        + (i + 1));
                if (i >= warmUp) {
                    if (!opened || forced_ns < submitted_ns || low_ns < forced_ns) {
                        misses++;
                    } else {
                        reaction_ns[counted] = low_ns - forced_ns;
                        fromCommand_ns[counted] = low_ns - submitted_ns;
                        counted++;
                    }
                    if (progress != null && (i + 1 - warmUp) % 100 == 0) {
                        progress.printf(Locale.ROOT, "  %d injections%n", i + 1 - warmUp);
                        progress.flush();
                    }
                }
                LockSupport.parkNanos(SETTLE_PERIODS * period_ms * 1_000_000L);
            }
            long overruns = daemon.overruns() - overrunsBefore;
            long[] reactions = Arrays.copyOf(reaction_ns, counted);
            long[] fromCommand = Arrays.copyOf(fromCommand_ns, counted);
            Arrays.sort(reactions);
            Arrays.sort(fromCommand);

            String setup = String.format(Locale.ROOT, "the daemon (Daemon.start) on a simulated 20S LFP pack at 1x"
                    + " real time, control.period_ms %d, LTC6813 at 14 kHz (7 kHz does not fit a 10 ms tick), cell_overvoltage delay_ms 0 and recover_delay_ms 0, logging"
                    + " off; %d injections after %d uncounted warm-up ones, each at a random phase of the tick: cell %d"
                    + " forced to %d mV (trip %d mV) by a ForceCellVoltage command, released once the charge MOS is"
                    + " off, the next %d periods after it is back on. Reaction: host nanoTime from the simulator"
                    + " applying the forced voltage to its pack model (at the start of the tick that carries out the"
                    + " command; that tick's cell conversion, a real 1.3 ms, is the first to report it) to the charge"
                    + " MOS GPIO line going low. \"From the command\" adds the wait for that tick (0..1 period), as"
                    + " for an over-voltage arising at a random moment, pessimistic by up to one cell conversion",
                    period_ms, injections, warmUp, CELL, trip_mV + ABOVE_TRIP_mV, trip_mV, SETTLE_PERIODS);
            double target_ms = period_ms + 1;
            BenchReport report = new BenchReport("fault", setup, quick);
            report.add("injections counted", counted, "");
            report.add("injections without a reaction within 10 s", misses, "", 0);
            report.add("reaction p50", millis(BenchReport.quantile(reactions, 0.50)), "ms");
            report.add("reaction p99", millis(BenchReport.quantile(reactions, 0.99)), "ms");
            report.add("reaction p99.9", millis(BenchReport.quantile(reactions, 0.999)), "ms", target_ms);
            report.add("reaction max", millis(max(reactions)), "ms");
            report.add("reaction from the command p50", millis(BenchReport.quantile(fromCommand, 0.50)), "ms");
            report.add("reaction from the command p99", millis(BenchReport.quantile(fromCommand, 0.99)), "ms");
            report.add("reaction from the command p99.9", millis(BenchReport.quantile(fromCommand, 0.999)), "ms");
            report.add("reaction from the command max", millis(max(fromCommand)), "ms");
            report.add("control ticks that overran their period", overruns, "");
            // not the daemon's doing: how late the host woke the bench's own thread from a 0.1 ms park
            report.add("host stalls: longest 0.1 ms poll of the bench thread", millis(longestPoll_ns), "ms");
            return report;
        }

        private void submit(SimulationCommand command) {
            CommandResult result;
            try {
                result = daemon.commands().submit(command, Origin.INTERNAL).get(START_TIMEOUT_ns, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("the daemon did not carry out " + command, e);
            }
            if (!result.accepted()) {
                throw new IllegalStateException(command + " was refused: " + result);
            }
        }

        /**
         * Polls the charge MOS line until it is at {@code high}; the line timestamps its own
         * change, so the polling interval does not enter the figures.
         *
         * @param failure thrown as the message of an exception on a timeout; null: return false
         */
        private boolean awaitLevel(boolean high, long timeout_ns, String failure) {
            long start = System.nanoTime();
            while (chargeMos.isHigh() != high) {
                if (System.nanoTime() - start > timeout_ns) {
                    if (failure != null) {
                        throw new IllegalStateException(failure);
                    }
                    return false;
                }
                long before = System.nanoTime();
                LockSupport.parkNanos(POLL_ns);
                longestPoll_ns = Math.max(longestPoll_ns, System.nanoTime() - before);
            }
            return true;
        }
    }

    private static long max(long[] sorted) {
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
