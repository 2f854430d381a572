package org.pibms.daemon;

import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import org.pibms.bench.BenchReport;

/**
 * {@code pibms bench tick}: what one control tick costs in steady state, in garbage and in time.
 * Targets: 0 bytes allocated per tick over 1 000 000 ticks, and a p99 tick time of at most
 * 100 µs, for a 20S pack with every feature on: the real LTC6813, INA228, ADS1115 and GPIO
 * drivers talking to the register-level emulators, sensor noise, a 2 A load, all 27 protection
 * rows (the optional {@code low_soc} on), six outputs of every function, the ACC and
 * short-circuit inputs, the pre-charge, the low-power mode, an open-wire test every 6 s and
 * balancing. It is {@code TickAllocationTest}'s setup, at benchmark length.
 *
 * <p>"Steady state" starts once HotSpot has stopped compiling the loop: while it compiles and
 * deoptimises, the VM allocates a few hundred bytes now and then on the loop's thread. So the
 * bench warms up in rounds until a round sees neither a compilation nor an allocated byte.
 *
 * <p>Each tick is timed with {@link System#nanoTime()} into a preallocated array: wall time on a
 * dedicated thread, which is its CPU time unless the OS preempted the thread. The thread's CPU
 * time over the whole run is reported next to it as a mean, which preemption does not inflate.
 */
public final class TickBench {

    private static final int ROUND_TICKS = 25_000;
    private static final int MAX_WARM_UP_ROUNDS = 40;
    private static final int QUICK_WARM_UP_ROUNDS = 3;
    private static final int MEASURED_TICKS = 1_000_000;
    private static final int QUICK_MEASURED_TICKS = 20_000;
    private static final double TARGET_P99_us = 100;
    /** A constant discharge current: a load never changes the regime, so nothing after warm-up is new. */
    private static final double LOAD_A = -2.0;

    /**
     * Every feature that runs in the tick, as top-level config sections (for a pack on GPIO-wired
     * probes): every output function, the ACC and short-circuit inputs, the pre-charge, low power,
     * the optional low_soc fault, an open-wire test every 6 s and balancing on the noise between
     * the cells. {@code TickAllocationTest} ticks the same.
     */
    public static final String EVERY_FEATURE = """
            hardware:
              gpio: {charge_mos: 17, discharge_mos: 27, acc: 25, short_circuit: 22}
              ads1115:
                pack: {input: 0, divider_ratio: 31}
                load: {input: 1, divider_ratio: 31}
            outputs:
              - {name: precharge, gpio: 5, function: precharge}
              - {name: alarm, gpio: 6, function: alarm}
              - {name: buzzer, gpio: 12, function: buzzer}
              - {name: heater, gpio: 13, function: heater}
              - {name: chg_ok, gpio: 16, function: charge_enable, active: low}
              - {name: dsg_ok, gpio: 19, function: discharge_enable}
            low_power: {enabled: true, idle_s: 10}
            protection:
              low_soc: {enabled: true}
            open_wire: {interval_min: 0.1}
            balancing: {mode: always, start_mV: 3300, start_delta_mV: 2, stop_delta_mV: 1}
            """;

    /**
     * 280 Ah at 90 %: 2 A for the longest run (40 warm-up rounds and the measured ticks, 56
     * simulated hours) draws 112 Ah, so the pack stays far from any limit and the measured
     * ticks see the regime the warm-up compiled. {@code %1$s} is the temporary directory.
     */
    static final String CONFIG = """
            pack:
              chemistry: lfp
              cells: 20
              capacity_Ah: 280
            temperature_sensors:
              - {name: cells_top, location: cell, gpio: 1}
              - {name: mos, location: mos, gpio: 2}
            """ + EVERY_FEATURE + """
            daemon:
              socket: %1$s/pibms.sock
              state_directory: %1$s/state
              status_log_interval_s: 0
            simulation:
              seed: 7
              time_scale: max
              initial_soc_pct: 90
              cells:
                soc_spread_pct: 0
                capacity_spread_pct: 0
                resistance_spread_pct: 0
                self_discharge_pct_per_month: 0
              sensors:
                voltage_noise_mV: 2
                current_noise_mA: 50
            """;

    private TickBench() {
    }

    /** Runs the suite; {@code progress}, when not null, hears about the warm-up. */
    public static BenchReport run(boolean quick, PrintWriter progress) {
        int measured = quick ? QUICK_MEASURED_TICKS : MEASURED_TICKS;
        int maxRounds = quick ? QUICK_WARM_UP_ROUNDS : MAX_WARM_UP_ROUNDS;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // null when the JVM runs without a JIT (-Xint): then only the allocation has to settle
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        long[] tick_ns = new long[measured];
        try (BenchStack stack = BenchStack.inScratchDirectory("tick bench", CONFIG)) {
            stack.simulator.model().setExternalCurrent_A(LOAD_A);

            int rounds = 0;
            boolean quiet = false;
            while (!quiet && rounds < maxRounds) {
                long compiled_ms = compileTime_ms(compiler);
                long allocated = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < ROUND_TICKS; i++) {
                    stack.tick();
                }
                rounds++;
                quiet = threads.getCurrentThreadAllocatedBytes() == allocated
                        && compileTime_ms(compiler) == compiled_ms;
                if (progress != null) {
                    progress.printf(Locale.ROOT, "  warm-up round %d: %s%n", rounds, quiet ? "quiet" : "still settling");
                    progress.flush();
                }
            }

            // the measured run: nothing but the tick and two clock reads between the counters
            long cpuBefore_ns = threads.getCurrentThreadCpuTime();
            long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < measured; i++) {
                long start = System.nanoTime();
                stack.tick();
                tick_ns[i] = System.nanoTime() - start;
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            long cpu_ns = threads.getCurrentThreadCpuTime() - cpuBefore_ns;

            String setup = String.format(Locale.ROOT, "20S LFP 280 Ah, every feature on (27 protection rows with"
                    + " low_soc, 6 outputs, ACC and short-circuit inputs, pre-charge, low power, open-wire test every"
                    + " 6 s, balancing), real drivers over the chip emulators, 2 mV / 50 mA noise, 2 A load, 100 ms"
                    + " ticks on absolute simulated deadlines; %d ticks measured after %d warm-up rounds of %d (%s);"
                    + " per-tick times are wall time on a dedicated thread, which equals its CPU time unless the OS"
                    + " preempted it", measured, rounds, ROUND_TICKS,
                    quiet ? "the last saw no compilation and no allocation" : "the JIT had not settled");
            Arrays.sort(tick_ns);
            BenchReport report = new BenchReport("tick", setup, quick);
            report.add("bytes allocated per tick", (double) allocated / measured, "B", 0);
            report.add("bytes allocated over the measured ticks", allocated, "B");
            report.add("tick time p50", micros(BenchReport.quantile(tick_ns, 0.50)), "µs");
            report.add("tick time p99", micros(BenchReport.quantile(tick_ns, 0.99)), "µs", TARGET_P99_us);
            report.add("tick time p99.9", micros(BenchReport.quantile(tick_ns, 0.999)), "µs");
            report.add("tick time max", micros(tick_ns[measured - 1]), "µs");
            report.add("thread CPU time per tick, mean", cpu_ns / 1000.0 / measured, "µs");
            report.add("warm-up rounds", rounds, "");
            return report;
        }
    }

    private static long compileTime_ms(CompilationMXBean compiler) {
        return compiler == null ? 0 : compiler.getTotalCompilationTime();
    }

    private static double micros(long nanos) {
        return nanos / 1000.0;
    }
}
