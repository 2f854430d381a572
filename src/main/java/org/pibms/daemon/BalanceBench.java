package org.pibms.daemon;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.pibms.config.ConfigException;
import org.pibms.config.ConfigLoader;
import org.pibms.control.SnapshotBuffer;
import org.pibms.core.Chemistry;
import org.pibms.core.Clock;
import org.pibms.core.FaultId;
import org.pibms.core.OcvCurve;
import org.pibms.core.PackSnapshot;
import org.pibms.core.settings.Settings;
import org.pibms.core.settings.SimulationSettings;
import org.pibms.sim.PackModel;

/**
 * {@code pibms bench balance}: the passive balancer end to end. A simulated 16S pack whose cells
 * start with open-circuit voltages 60 mV apart is charged at constant current and then held at
 * a constant pack voltage (a charger's CV phase, kept as a float), while the daemon's own
 * controller, its real LTC6813 driver and the register-level chip emulator bleed the high cells.
 * The bench measures how long the BMS-measured cell delta takes to settle at or below 10 mV and
 * the energy burnt in the balance resistors.
 *
 * <p>The stack is the daemon's, as every bench builds it ({@link BenchStack}), from a config
 * file's text, with simulated time starting from a fixed date so that a run repeats exactly. The
 * balancing, open-wire and protection settings are the defaults for the pack.
 *
 * <p>The chemistry is NMC: an LFP cell's curve is so flat at 90 % (3304 to 3309 mV from 80 to
 * 90 %) that a 60 mV spread there would put cells on different sides of the full knee rather
 * than describe an imbalance of a few per cent. On the NMC curve 60 mV around the 90 % voltage
 * (4089 mV) is 85.5 to 93.3 % SOC, a 7.8 % spread, spread evenly over the cells (cell 1 lowest,
 * 4 mV apart), so that the cells need anything from no bleeding to the most.
 *
 * <p>The capacity is 20 Ah: the highest cell has to lose about 7.8 % of it, 1.5 Ah, which the
 * default 100 mA bleed takes about 15 hours to do. That fits well within a simulated day (and a
 * test's few seconds), while the CC phase at 0.2 C still takes a realistic part of an hour.
 *
 * <p>The delta is judged minute by minute: the highest minus the lowest of the cells' readings
 * averaged over the minute (one reading a second). A single reading's max − min over 16 cells
 * carries the measurement noise too: with 1 mV of noise per reading it spreads about 3 mV above
 * the cells' true delta, so one reading in a few hundred would break a settled 8 mV pack's 10 mV
 * target. The raw readings' range over the last minute is reported next to it.
 */
public final class BalanceBench {

    /** Simulated time starts at this date (2023-11-14), whatever the real one. */
    private static final long EPOCH_ms = 1_700_000_000_000L;
    /** The BMS's status is sampled this often. */
    private static final long SAMPLE_ms = 1000;
    /** The delta is judged on readings averaged over this long. */
    private static final long MINUTE_ms = 60_000;

    /**
     * One run.
     *
     * @param cells          cells in series
     * @param capacity_Ah    every cell's capacity
     * @param centreSoc_pct  the SOC whose open-circuit voltage the spread is centred on
     * @param spread_mV      the open-circuit voltages of the cells span this, evenly: cell 1 lowest,
     *                       each next cell {@code spread_mV / (cells - 1)} higher
     * @param chargeRate_C   the CC current, in C
     * @param cvCell_mV      the CV voltage per cell; the charger holds the pack at {@code cells} times it
     * @param target_mV      the cell delta to reach
     * @param settle_min     the delta must stay at or below the target, with no cell bleeding, this
     *                       many minutes in a row
     * @param cap_h          the run gives up after this long
     * @param seed           seeds the measurement noise
     */
    public record Scenario(int cells, double capacity_Ah, double centreSoc_pct, int spread_mV, double chargeRate_C,
            int cvCell_mV, int target_mV, double settle_min, double cap_h, long seed) {

        /** The scenario: 16S NMC 20 Ah, 60 mV at 90 %, CC 0.2 C to 4.15 V per cell, then CV. */
        public static Scenario standard() {
            return new Scenario(16, 20, 90, 60, 0.2, 4150, 10, 30, 48, 1);
        }

        /** This scenario with other measurement noise. */
        public Scenario withSeed(long seed) {
            return new Scenario(cells, capacity_Ah, centreSoc_pct, spread_mV, chargeRate_C, cvCell_mV, target_mV,
                    settle_min, cap_h, seed);
        }

        public double chargeCurrent_A() {
            return chargeRate_C * capacity_Ah;
        }

        public String describe() {
            return String.format(Locale.ROOT, "%dS NMC %s Ah, cell OCVs %d mV apart around the %s %% SOC voltage"
                    + " (%d to %d mV, cell 1 lowest, evenly spread); charged at %.1f A (%s C) to %.2f V (%.3f V/cell),"
                    + " then held there; target: cell delta <= %d mV (readings averaged over a minute) with no cell"
                    + " bleeding for %s min", cells, plain(capacity_Ah), spread_mV, plain(centreSoc_pct),
                    Math.round(initialOcv_mV(0)), Math.round(initialOcv_mV(cells - 1)), chargeCurrent_A(),
                    plain(chargeRate_C), cells * cvCell_mV / 1000.0, cvCell_mV / 1000.0, target_mV, plain(settle_min));
        }

        /** The open-circuit voltage cell {@code cell} (index 0 = cell 1) starts at. */
        public double initialOcv_mV(int cell) {
            double centre = OcvCurve.defaultFor(Chemistry.NMC).voltage_mV(centreSoc_pct, AMBIENT_dC);
            return centre - spread_mV / 2.0 + (double) spread_mV * cell / (cells - 1);
        }

        /** The SOC cell {@code cell} starts at: where the NMC curve has its open-circuit voltage. */
        public double initialSoc_pct(int cell) {
            return OcvCurve.defaultFor(Chemistry.NMC).soc_pct(initialOcv_mV(cell), AMBIENT_dC);
        }
    }

    /**
     * What a run found.
     *
     * @param converged            the delta settled at or below the target within the cap
     * @param converge_h           simulated hours from the start of charging to the start of the
     *                             quiet minutes that settled it (NaN when it did not)
     * @param cv_h                 simulated hours until the charger reached its CV voltage
     * @param bled_Wh              the energy burnt in the balance resistors: the charge the BMS
     *                             counted each cell bleeding, times the cell's reading, each second
     * @param balanced_mAh         per cell, cell 1 first: the charge it bled, as the BMS counted it
     * @param initialDelta_mV      the first BMS reading's delta
     * @param finalDelta_mV        the last minute's delta, the readings averaged
     * @param finalRawMin_mV       the smallest single reading's delta in the last minute
     * @param finalRawMax_mV       the largest
     * @param finalTrueSpread_pct  the cells' true SOC spread (highest − lowest) at the end
     * @param maxCell_mV           the highest cell reading of the run
     * @param maxBalance_C         the balance-resistor sensor's highest reading
     * @param faults               every fault, warning and alarm the BMS raised during the run
     * @param ticks                control ticks run
     * @param simulated_h          simulated hours run
     * @param wall_s               real seconds the run took
     */
    public record Result(Scenario scenario, boolean converged, double converge_h, double cv_h, double bled_Wh,
            List<Double> balanced_mAh, int initialDelta_mV, double finalDelta_mV, int finalRawMin_mV,
            int finalRawMax_mV, double finalTrueSpread_pct, int maxCell_mV, double maxBalance_C, Set<FaultId> faults,
            long ticks, double simulated_h, double wall_s) {

        public Result {
            balanced_mAh = List.copyOf(balanced_mAh);
            faults = Collections.unmodifiableSet(faults.isEmpty() ? EnumSet.noneOf(FaultId.class)
                    : EnumSet.copyOf(faults));
        }

        /** All the charge bled, in Ah. */
        public double bled_Ah() {
            return balanced_mAh.stream().mapToDouble(Double::doubleValue).sum() / 1000;
        }
    }

    private static final int AMBIENT_dC = 250;

    private BalanceBench() {
    }

    /**
     * The config the bench runs: the pack with a cell and a balance-resistor sensor, no
     * spread between the cells (their SOCs are set one by one), 1 mV of voltage noise, and the
     * defaults for everything else, balancing included.
     */
    public static String configYaml(Scenario scenario) {
        return """
                pack:
                  chemistry: nmc
                  cells: %d
                  capacity_Ah: %s
                temperature_sensors:
                  - name: cells
                    location: cell
                    gpio: 1
                  - name: balance
                    location: balance
                    gpio: 2
                daemon:
                  status_log_interval_s: 0
                simulation:
                  seed: %d
                  time_scale: max
                  initial_soc_pct: %s
                  ambient_C: %s
                  cells:
                    soc_spread_pct: 0
                    capacity_spread_pct: 0
                    resistance_spread_pct: 0
                    self_discharge_pct_per_month: 0
                  sensors:
                    voltage_noise_mV: 1
                """.formatted(scenario.cells(), plain(scenario.capacity_Ah()), scenario.seed(),
                plain(scenario.centreSoc_pct()), plain(AMBIENT_dC / 10.0));
    }

    /** The settings {@link #configYaml} describes. */
    public static Settings settings(Scenario scenario) {
        try {
            return ConfigLoader.parse("balance bench", configYaml(scenario), Path.of("."));
        } catch (ConfigException e) {
            throw new IllegalStateException("the bench's own config is rejected:\n" + e.getMessage(), e);
        }
    }

    /** Runs the scenario; {@code progress}, when not null, gets a line every simulated hour. */
    public static Result run(Scenario scenario, PrintWriter progress) {
        return new Run(scenario, progress).execute();
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** Simulated time starts from a fixed date, so that a run repeats exactly. */
    private static final class FixedClock implements Clock {
        @Override
        public long nanoTime() {
            return 0;
        }

        @Override
        public long epochMillis() {
            return EPOCH_ms;
        }

        @Override
        public void sleepUntil(long deadline_ns) {
            // never called at the maximum speed
        }
    }

    private static final class Run {

        private final Scenario scenario;
        private final PrintWriter progress;
        private final Settings settings;
        private final BenchStack stack;
        private final PackModel model;
        private final SnapshotBuffer snapshots;
        private final double cv_mV;
        private final double packResistance_Ohm;
        private final int balanceSensor;
        private final int cells;
        private double charger_A;

        // what the samples of the current minute add up to
        private final long[] minuteSum_mV;
        private int minuteSamples;
        private int minuteRawMin_mV = Integer.MAX_VALUE;
        private int minuteRawMax_mV = Integer.MIN_VALUE;
        private boolean minuteBled;

        Run(Scenario scenario, PrintWriter progress) {
            this.scenario = scenario;
            this.progress = progress;
            this.cells = scenario.cells();
            this.settings = settings(scenario);
            this.stack = new BenchStack(settings, new FixedClock(), model -> {
                for (int i = 0; i < cells; i++) {
                    model.setCellSoc(i, scenario.initialSoc_pct(i));
                }
            }, null);
            this.model = stack.simulator.model();
            this.snapshots = stack.snapshots;
            this.cv_mV = (double) cells * scenario.cvCell_mV();
            SimulationSettings sim = settings.simulation().orElseThrow();
            this.packResistance_Ohm = cells * sim.cells().r0_mOhm() / 1000 + sim.mosResistance_mOhm() / 1000;
            this.balanceSensor = settings.temperatureSensorNames().indexOf("balance");
            this.minuteSum_mV = new long[cells];
        }

        Result execute() {
            long wallStart = System.nanoTime();
            long cap_ms = Math.round(scenario.cap_h() * 3_600_000);
            int settleMinutes = (int) Math.ceil(scenario.settle_min());
            long ticks = 0;
            long time_ms = 0;
            long nextSample_ms = 0;
            long minuteEnd_ms = MINUTE_ms;
            long nextProgress_ms = 3_600_000;
            long quietSince_ms = -1;
            int quietMinutes = 0;
            long converged_ms = -1;
            long cv_ms = -1;
            double bled_Wh = 0;
            double[] lastBalanced_mAh = new double[cells];
            int initialDelta = Integer.MIN_VALUE;
            double minuteDelta_mV = Double.NaN;
            int lastRawMin = Integer.MIN_VALUE;
            int lastRawMax = Integer.MIN_VALUE;
            int maxCell = Integer.MIN_VALUE;
            int maxBalance_dC = Integer.MIN_VALUE;
            Set<FaultId> faults = EnumSet.noneOf(FaultId.class);
            PackSnapshot s = null;
            while (time_ms < cap_ms) {
                stack.advanceToNextTick();
                time_ms = stack.time_ms();
                if (charge() && cv_ms < 0) {
                    cv_ms = time_ms;
                }
                stack.tickNow();
                ticks++;
                if (time_ms < nextSample_ms) {
                    continue;
                }
                nextSample_ms += SAMPLE_ms;
                s = snapshots.latest();
                if (s.cellVoltagesValid()) {
                    int delta = s.cellDelta_mV();
                    if (initialDelta == Integer.MIN_VALUE) {
                        initialDelta = delta;
                    }
                    maxCell = Math.max(maxCell, s.cellVoltage_mV(s.maxCell()));
                    List<Double> balanced = s.balanced_mAh();
                    for (int i = 0; i < cells; i++) {
                        double now = balanced.get(i);
                        bled_Wh += (now - lastBalanced_mAh[i]) / 1000 * s.cellVoltage_mV(i) / 1000;
                        lastBalanced_mAh[i] = now;
                        minuteSum_mV[i] += s.cellVoltage_mV(i);
                    }
                    minuteSamples++;
                    minuteRawMin_mV = Math.min(minuteRawMin_mV, delta);
                    minuteRawMax_mV = Math.max(minuteRawMax_mV, delta);
                }
                minuteBled |= s.balancingMask() != 0;
                if (balanceSensor >= 0 && s.temperatureValid(balanceSensor)) {
                    maxBalance_dC = Math.max(maxBalance_dC, s.temperature_dC(balanceSensor));
                }
                faults.addAll(s.faultIds());
                if (time_ms < minuteEnd_ms) {
                    continue;
                }
                // a minute is over: its averaged delta, and whether it was quiet
                minuteDelta_mV = minuteDelta_mV();
                lastRawMin = minuteRawMin_mV;
                lastRawMax = minuteRawMax_mV;
                boolean quiet = minuteDelta_mV <= scenario.target_mV() && !minuteBled;
                if (!quiet) {
                    quietMinutes = 0;
                } else if (quietMinutes++ == 0) {
                    quietSince_ms = minuteEnd_ms - MINUTE_ms;
                }
                clearMinute();
                minuteEnd_ms += MINUTE_ms;
                if (progress != null && time_ms >= nextProgress_ms) {
                    nextProgress_ms += 3_600_000;
                    progress.printf(Locale.ROOT, "  %5.1f h: delta %5.1f mV (readings %d..%d), %2d bleeding (%s),"
                            + " charger %.2f A, bled %6.2f Wh, true SOC spread %.2f %%%n", time_ms / 3_600_000.0,
                            minuteDelta_mV, lastRawMin, lastRawMax, Long.bitCount(s.balancingMask()),
                            s.balancing().activity().id(), model.current_A(), bled_Wh, trueSpread_pct());
                    progress.flush();
                }
                if (quietMinutes >= settleMinutes) {
                    converged_ms = quietSince_ms;
                    break;
                }
            }
            List<Double> balanced = s == null ? Collections.nCopies(cells, 0.0) : s.balanced_mAh();
            return new Result(scenario, converged_ms >= 0, converged_ms >= 0 ? converged_ms / 3_600_000.0 : Double.NaN,
                    cv_ms >= 0 ? cv_ms / 3_600_000.0 : Double.NaN, bled_Wh, balanced, initialDelta, minuteDelta_mV,
                    lastRawMin, lastRawMax, trueSpread_pct(), maxCell,
                    maxBalance_dC == Integer.MIN_VALUE ? Double.NaN : maxBalance_dC / 10.0, faults, ticks,
                    time_ms / 3_600_000.0, (System.nanoTime() - wallStart) / 1e9);
        }

        /** The highest minus the lowest of the cells' readings averaged over the minute. */
        private double minuteDelta_mV() {
            if (minuteSamples == 0) {
                return Double.NaN;
            }
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (long sum : minuteSum_mV) {
                min = Math.min(min, sum);
                max = Math.max(max, sum);
            }
            return (double) (max - min) / minuteSamples;
        }

        private void clearMinute() {
            Arrays.fill(minuteSum_mV, 0);
            minuteSamples = 0;
            minuteRawMin_mV = Integer.MAX_VALUE;
            minuteRawMax_mV = Integer.MIN_VALUE;
            minuteBled = false;
        }

        /**
         * The charger: constant current until the pack reaches the CV voltage, then whatever
         * current holds it there, found each tick by stepping the current by the voltage error
         * over the pack's ohmic resistance. A charger cannot discharge, so it never goes below 0.
         *
         * @return true once the pack has reached the CV voltage
         */
        private boolean charge() {
            model.advance();
            double pack_mV = model.packVoltage_mV();
            double max_A = scenario.chargeCurrent_A();
            charger_A = Math.max(0, Math.min(max_A, charger_A + (cv_mV - pack_mV) / 1000 / packResistance_Ohm));
            model.setExternalCurrent_A(charger_A);
            return pack_mV >= cv_mV - 1;
        }

        private double trueSpread_pct() {
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (int i = 0; i < cells; i++) {
                min = Math.min(min, model.cellSoc_pct(i));
                max = Math.max(max, model.cellSoc_pct(i));
            }
            return max - min;
        }
    }

    /** The result as the lines {@code pibms bench balance} prints. */
    public static List<String> report(Result r) {
        Scenario sc = r.scenario();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "converged:          %s", r.converged()
                ? String.format(Locale.ROOT, "yes, after %.2f simulated hours", r.converge_h())
                : String.format(Locale.ROOT, "NO, not within %s simulated hours", plain(sc.cap_h()))));
        lines.add(String.format(Locale.ROOT, "CV reached after:   %.2f h", r.cv_h()));
        lines.add(String.format(Locale.ROOT, "cell delta:         %d mV at the start; %.1f mV in the last minute"
                + " (single readings %d to %d mV)", r.initialDelta_mV(), r.finalDelta_mV(), r.finalRawMin_mV(),
                r.finalRawMax_mV()));
        lines.add(String.format(Locale.ROOT, "true SOC spread:    %.2f %% at the start, %.2f %% at the end",
                sc.initialSoc_pct(sc.cells() - 1) - sc.initialSoc_pct(0), r.finalTrueSpread_pct()));
        lines.add(String.format(Locale.ROOT, "energy bled:        %.2f Wh (%.3f Ah in all)", r.bled_Wh(), r.bled_Ah()));
        StringBuilder perCell = new StringBuilder("bled per cell:     ");
        for (double mAh : r.balanced_mAh()) {
            perCell.append(String.format(Locale.ROOT, " %.0f", mAh));
        }
        lines.add(perCell.append(" mAh (cell 1 first)").toString());
        lines.add(String.format(Locale.ROOT, "highest cell:       %d mV", r.maxCell_mV()));
        lines.add(String.format(Locale.ROOT, "balance resistors:  %.1f °C at most", r.maxBalance_C()));
        lines.add("faults raised:      " + (r.faults().isEmpty() ? "none"
                : String.join(", ", r.faults().stream().map(FaultId::id).toList())));
        lines.add(String.format(Locale.ROOT, "run:                %d ticks, %.1f simulated hours in %.1f s",
                r.ticks(), r.simulated_h(), r.wall_s()));
        return lines;
    }
}
