package org.pibms.daemon;

import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.pibms.bench.BenchReport;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.sim.PackModel;

/**
 * {@code pibms bench sim}: how fast the simulator runs the daemon's stack. Target: 24 simulated
 * hours of a 20S pack at the default 100 ms tick (864 000 ticks) in at most 10 s of wall time.
 *
 * <p>The stack is the one {@code pibms sim} runs: the real drivers over the chip emulators, the
 * pack physics, protection, SOC and balancing, with the default settings, cells that differ
 * (the simulator's default spreads) and sensor noise. The load cycles the pack, so every part has
 * work to do: a discharge that steps between 50 A and 20 A every five simulated minutes until the
 * BMS's SOC reaches 10 % or it opens the discharge MOS, then a 30 A charge until the BMS stops it
 * by opening the charge MOS (a cell over-voltage at the top of the charge, where the cells'
 * spread shows and the balancer works; at most six hours), then ten minutes' rest.
 *
 * <p>The wall time covers the ticks and the load profile, not building the stack; the JIT's
 * warm-up is part of it, as it is for a user's {@code pibms sim speed max}.
 */
public final class SimBench {

    private static final double FULL_h = 24;
    private static final double QUICK_h = 1;
    private static final double TARGET_WALL_s = 10;
    /** The load profile looks at the BMS's status this often, as a supervising inverter would. */
    private static final long LOOK_ms = 1000;
    private static final long STEP_ms = 5 * 60_000;
    private static final long REST_ms = 10 * 60_000;
    private static final double HIGH_DISCHARGE_A = -50;
    private static final double LOW_DISCHARGE_A = -20;
    private static final double CHARGE_A = 30;
    private static final double EMPTY_pct = 10;
    /** A charge the BMS never stops (it should, at a cell's over-voltage) gives up after this. */
    private static final long LONGEST_CHARGE_ms = 6 * 3_600_000L;

    /** {@code %1$s} is the temporary directory. */
    static final String CONFIG = """
            pack:
              chemistry: lfp
              cells: 20
              capacity_Ah: 100
            temperature_sensors:
              - {name: cells, location: cell, gpio: 1}
              - {name: mos, location: mos, gpio: 2}
            daemon:
              socket: %1$s/pibms.sock
              state_directory: %1$s/state
              status_log_interval_s: 0
            simulation:
              seed: 7
              time_scale: max
              initial_soc_pct: 60
              sensors:
                voltage_noise_mV: 1
                current_noise_mA: 50
            """;

    private enum Phase { DISCHARGE, CHARGE, REST }

    private SimBench() {
    }

    /** Runs the suite; {@code progress}, when not null, gets a line every simulated hour. */
    public static BenchReport run(boolean quick, PrintWriter progress) {
        double hours = quick ? QUICK_h : FULL_h;
        try (BenchStack stack = BenchStack.inScratchDirectory("sim bench", CONFIG)) {
            long end_ms = Math.round(hours * 3_600_000);
            long ticks = 0;
            Phase phase = Phase.DISCHARGE;
            long phaseStart_ms = 0;
            long nextLook_ms = LOOK_ms;
            long nextProgress_ms = 3_600_000;
            int charges = 0;
            int discharges = 0;
            Set<FaultId> faults = EnumSet.noneOf(FaultId.class);
            PackModel model = stack.simulator.model();
            model.setExternalCurrent_A(HIGH_DISCHARGE_A);

            long wallStart = System.nanoTime();
            while (stack.time_ms() < end_ms) {
                stack.tick();
                ticks++;
                long now_ms = stack.time_ms();
                if (now_ms < nextLook_ms) {
                    continue;
                }
                nextLook_ms += LOOK_ms;
                PackSnapshot s = stack.snapshots.latest();
                faults.addAll(s.faultIds());
                long inPhase_ms = now_ms - phaseStart_ms;
                Phase next = phase;
                switch (phase) {
                    case DISCHARGE -> {
                        if ((s.socValid() && s.soc_pct() <= EMPTY_pct) || (!s.dischargeMos() && inPhase_ms > LOOK_ms)) {
                            next = Phase.CHARGE;
                            discharges++;
                        } else {
                            // 50 A and 20 A in turns, five minutes each
                            model.setExternalCurrent_A((inPhase_ms / STEP_ms) % 2 == 0 ? HIGH_DISCHARGE_A
                                    : LOW_DISCHARGE_A);
                        }
                    }
                    case CHARGE -> {
                        if ((!s.chargeMos() && inPhase_ms > LOOK_ms) || inPhase_ms >= LONGEST_CHARGE_ms) {
                            next = Phase.REST;
                            charges++;
                        }
                    }
                    case REST -> {
                        if (inPhase_ms >= REST_ms) {
                            next = Phase.DISCHARGE;
                        }
                    }
                }
                if (next != phase) {
                    phase = next;
                    phaseStart_ms = now_ms;
                    model.setExternalCurrent_A(switch (phase) {
                        case DISCHARGE -> HIGH_DISCHARGE_A;
                        case CHARGE -> CHARGE_A;
                        case REST -> 0;
                    });
                }
                if (progress != null && now_ms >= nextProgress_ms) {
                    nextProgress_ms += 3_600_000;
                    progress.printf(Locale.ROOT, "  %4.1f h: %s, SOC %.1f %%, cells %d..%d mV, %.1f s of wall time%n",
                            now_ms / 3_600_000.0, phase.name().toLowerCase(Locale.ROOT), s.soc_pct(),
                            s.cellVoltage_mV(s.minCell()), s.cellVoltage_mV(s.maxCell()),
                            (System.nanoTime() - wallStart) / 1e9);
                    progress.flush();
                }
            }
            double wall_s = (System.nanoTime() - wallStart) / 1e9;
            double simulated_h = stack.time_ms() / 3_600_000.0;

            String setup = String.format(Locale.ROOT, "20S LFP 100 Ah, default settings, the simulator's default cell"
                    + " spreads, 1 mV / 50 mA noise; 100 ms ticks on a free-running simulated clock; load: 50 A / 20 A"
                    + " discharge in 5-minute steps down to 10 %% SOC or a discharge cut-off, 30 A charge until the BMS"
                    + " cuts it off (at most 6 h), 10 min rest; %d discharges and %d charges ended; faults seen: %s",
                    discharges, charges, faults.isEmpty() ? "none"
                            : String.join(", ", faults.stream().map(FaultId::id).toList()));
            BenchReport report = new BenchReport("sim", setup, quick);
            if (quick) {
                report.add("wall time", wall_s, "s"); // the target is for a day; an hour only shows it runs
            } else {
                report.add("wall time", wall_s, "s", TARGET_WALL_s);
            }
            report.add("simulated time", simulated_h, "h");
            report.add("speed-up (simulated / wall time)", simulated_h * 3600 / wall_s, "x");
            report.add("ticks", ticks, "");
            report.add("ticks per second of wall time", ticks / wall_s, "1/s");
            return report;
        }
    }
}
