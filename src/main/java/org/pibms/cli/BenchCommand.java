package org.pibms.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.pibms.bench.SocBench;
import org.pibms.core.settings.BalancingSettings;
import org.pibms.daemon.BalanceBench;
import org.pibms.daemon.FaultBench;
import org.pibms.daemon.JitterBench;
import org.pibms.daemon.ProtocolBench;
import org.pibms.daemon.SimBench;
import org.pibms.daemon.StartupBench;
import org.pibms.daemon.TickBench;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = "Benchmarks that print figures (docs/performance.md).", subcommands = {
        BenchCommand.Soc.class, BenchCommand.Balance.class, BenchCommand.Tick.class, BenchCommand.Sim.class,
        BenchCommand.Fault.class, BenchCommand.Protocol.class, BenchCommand.Jitter.class, BenchCommand.Startup.class})
final class BenchCommand {

    @Command(name = "soc", description = "The SOC estimator against the simulator's truth over a matrix of week-long"
            + " scenarios: LFP and NMC, with and without full charges, ±30 %% initial error, current offset ±0.5 %% of"
            + " full scale with gain ±1 %%, 5 and 35 °C, and an aged pack (docs/soc.md).")
    static final class Soc implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--seed", description = "Seeds the packs and the sensor noise (default: ${DEFAULT-VALUE}).")
        long seed = 1;

        @Option(names = "--threads", description = "Scenarios run side by side (default: the number of CPUs).")
        int threads = Runtime.getRuntime().availableProcessors();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            // the estimator logs every calibration; a matrix of weeks would bury the table
            ((Logger) LoggerFactory.getLogger("org.pibms")).setLevel(Level.WARN);
            List<SocBench.Scenario> scenarios = SocBench.matrix();
            out.printf(Locale.ROOT, "SOC error in %%-points against the simulated truth: 16S, nameplate %d Ah, cells"
                    + " at their rating (\"aged\": %d Ah, no target); one sample a second for 7 days%n",
                    SocBench.NAMEPLATE_mAh / 1000, SocBench.AGED_CAPACITY_mAh / 1000);
            out.println("targets after the first calibration: NMC <= 2 RMS, <= 4 max; LFP with a full charge every"
                    + " <= 3 days <= 3 RMS, <= 6 max");
            out.printf(Locale.ROOT, "%-53s %8s %13s %13s %13s %10s %6s %5s  %s%n", "scenario", "1st cal", "after: max rms",
                    "all: max rms", "shown: max rms", "cap. Ah", "cycles", "cals", "target");
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
            try {
                List<Future<SocBench.Result>> results = scenarios.stream()
                        .map(scenario -> pool.submit(() -> SocBench.run(scenario, seed)))
                        .toList();
                int failed = 0;
                for (Future<SocBench.Result> future : results) {
                    SocBench.Result r = future.get();
                    if (!r.meetsTargets()) {
                        failed++;
                    }
                    out.printf(Locale.ROOT, "%-53s %8s %6.2f %6.2f %6.2f %6.2f %6.2f %6.2f %4.1f/%4.1f %6.2f %5d  %s%n",
                            r.scenario().name(),
                            Double.isNaN(r.firstCalibration_h()) ? "none" : String.format(Locale.ROOT, "%.1f h",
                                    r.firstCalibration_h()),
                            r.afterCalibration().max_pct(), r.afterCalibration().rms_pct(), r.overall().max_pct(),
                            r.overall().rms_pct(), r.displayedAfterCalibration().max_pct(),
                            r.displayedAfterCalibration().rms_pct(), r.learnedCapacity_Ah(), r.trueCapacity_Ah(),
                            r.cycles(), r.calibrations(),
                            !r.targeted() ? "-" : r.meetsTargets() ? "met" : "MISSED");
                    out.flush();
                }
                out.printf(Locale.ROOT, "%d scenarios in %.1f s; %d missed a target%n", scenarios.size(),
                        (System.nanoTime() - start) / 1e9, failed);
                return failed == 0 ? 0 : 1;
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Command(name = "balance", description = "The balancer end to end through the emulated LTC6813: a 16S NMC 20 Ah pack"
            + " whose cells start 60 mV apart at 90 %% SOC, charged at 0.2 C to 4.15 V per cell and held there, until"
            + " the cell delta stays at or below 10 mV; prints the time that took and the energy bled. Exit code 1 if"
            + " it did not settle within 48 simulated hours.")
    static final class Balance implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--seed", description = "Seeds the measurement noise (default: ${DEFAULT-VALUE}).")
        long seed = 1;

        @Option(names = "--progress", description = "Print a line every simulated hour.")
        boolean progress;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            // the controller logs every fault and calibration; a day of them would bury the figures
            ((Logger) LoggerFactory.getLogger("org.pibms")).setLevel(Level.WARN);
            BalanceBench.Scenario scenario = BalanceBench.Scenario.standard().withSeed(seed);
            BalancingSettings b = BalanceBench.settings(scenario).balancing();
            out.println("balancing through the emulated LTC6813: " + scenario.describe());
            out.printf(Locale.ROOT, "balancer (defaults): mode %s, start %d mV, start/stop delta %d/%d mV, %d mA, at most"
                    + " %d cells, %d s windows%n", b.mode().id(), b.start_mV(), b.startDelta_mV(), b.stopDelta_mV(),
                    b.current_mA(), b.maxChannels(), b.window_ms() / 1000);
            out.flush();
            BalanceBench.Result result = BalanceBench.run(scenario, progress ? out : null);
            BalanceBench.report(result).forEach(out::println);
            out.flush();
            return result.converged() ? 0 : 1;
        }
    }

    @Command(name = "tick", description = "The control tick in steady state: bytes allocated per tick (target 0) and"
            + " the time per tick (target p99 <= 100 µs) over 1 000 000 ticks (--quick: 20 000) of a 20S pack with"
            + " every feature on, the real drivers over the chip emulators. Exit code 1 if a target is missed.")
    static final class Tick implements Callable<Integer> {

        @Mixin
        SuiteOptions options;

        @Override
        public Integer call() {
            SuiteOptions.silenceLogs();
            return options.finish(TickBench.run(options.quick, options.progress()));
        }
    }

    @Command(name = "sim", description = "The simulator's speed: 24 simulated hours (--quick: 1) of a 20S pack cycled"
            + " between 20-50 A discharges and 30 A charges at the 100 ms tick (target <= 10 s of wall time). Exit"
            + " code 1 if missed.")
    static final class Sim implements Callable<Integer> {

        @Mixin
        SuiteOptions options;

        @Override
        public Integer call() {
            SuiteOptions.silenceLogs();
            return options.finish(SimBench.run(options.quick, options.progress()));
        }
    }

    @Command(name = "fault", description = "Fault reaction of the running daemon: a cell forced over its 0 ms"
            + " over-voltage limit, 1 000 times (--quick: 20) at random phases of a 10 ms tick, until the charge MOS"
            + " line goes low (target p99.9 <= one period + 1 ms). Exit code 1 if missed.")
    static final class Fault implements Callable<Integer> {

        @Mixin
        SuiteOptions options;

        @Override
        public Integer call() {
            SuiteOptions.silenceLogs();
            return options.finish(FaultBench.run(options.quick, options.progress()));
        }
    }

    @Command(name = "protocol", description = "Serial protocol turnaround, request complete -> first answer byte"
            + " written, wire time excluded: the ANT status (both generations) and a 125-register Modbus RTU read,"
            + " 10 000 each (--quick: 300), through the daemon's port thread and sessions on a running simulated"
            + " daemon. Target: p99 <= 2 ms. Exit code 1 if a target is missed.")
    static final class Protocol implements Callable<Integer> {

        @Mixin
        SuiteOptions options;

        @Override
        public Integer call() {
            SuiteOptions.silenceLogs();
            return options.finish(ProtocolBench.run(options.quick));
        }
    }

    @Command(name = "jitter", description = "Control tick start lateness at a 10 ms period on a running simulated"
            + " daemon for 60 s (--quick: 5 s) while clients flood its ANT port and CAN bus (SLCAN, both over socat"
            + " ptys) and its Modbus TCP server (loopback) as fast as they can, after a baseline without them. Target:"
            + " p99.9 <= 1 ms. Needs socat. Exit code 1 if a target is missed, 2 if the bench cannot run.")
    static final class Jitter implements Callable<Integer> {

        @Mixin
        SuiteOptions options;

        @Override
        public Integer call() {
            SuiteOptions.silenceLogs();
            try {
                return options.finish(JitterBench.run(options.quick));
            } catch (JitterBench.CannotRun e) {
                options.err().println("pibms bench jitter: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "startup", description = "The daemon as users run it: started with the launcher's JVM flags and"
            + " systemd's NOTIFY_SOCKET on the 16S demo pack, timed from process start to READY=1 (its first good"
            + " measurement) over 5 starts (--quick: 1); then one daemon's resident set after 30 s (--quick: 5 s) and"
            + " its heap after a full GC (jcmd). Targets: start <= 1.5 s, RSS <= 96 MiB, heap <= 16 MiB. Exit code 1"
            + " if one is missed.")
    static final class Startup implements Callable<Integer> {

        @Mixin
        SuiteOptions options;

        @Option(names = "--launcher", paramLabel = "PATH", description = "The pibms command that starts the daemon"
                + " (default: scripts/pibms of the clone this jar was built in, else /usr/bin/pibms).")
        Path launcher;

        @Override
        public Integer call() {
            try {
                return options.finish(StartupBench.run(options.quick, launcher != null ? launcher
                        : StartupBench.defaultLauncher()));
            } catch (StartupBench.Failed e) {
                options.err().println("pibms bench startup: " + e.getMessage());
                return 1;
            }
        }
    }
}
