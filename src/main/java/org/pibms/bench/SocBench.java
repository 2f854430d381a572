package org.pibms.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.pibms.control.SocEstimator;
import org.pibms.core.Chemistry;
import org.pibms.core.Clock;
import org.pibms.core.Measurement;
import org.pibms.core.SocCalibration;
import org.pibms.core.SocState;
import org.pibms.core.settings.PackSettings;
import org.pibms.core.settings.SensorLocation;
import org.pibms.core.settings.SimulationSettings;
import org.pibms.core.settings.SocSettings;
import org.pibms.core.settings.TemperatureSensorSettings;
import org.pibms.sim.PackModel;

/**
 * {@code pibms bench soc}: the SOC estimator against the simulated pack's truth over a matrix of
 * week-long home-storage scenarios (docs/soc.md describes the scenarios and the results).
 *
 * <p>The estimator is the daemon's own; it is fed once a second through a sensor model (cell
 * noise, per-channel offsets and 1 mV steps; current offset, gain error, noise and 10 mA steps)
 * instead of through the chip emulators, so a week takes seconds. The truth is the pack's
 * usable SOC: the emptiest cell's charge over that charge plus the fullest cell's room.
 */
public final class SocBench {

    static final int CELLS = 16;
    public static final int NAMEPLATE_mAh = 100_000;
    /** An aged pack's cells hold 5 % less than the nameplate the estimator starts from. */
    public static final int AGED_CAPACITY_mAh = 95_000;
    static final int SENSOR_MAX_mA = 200_000;
    static final int STEP_ms = 1000;
    private static final double C_A = NAMEPLATE_mAh / 1000.0;
    private static final long DAY_s = 86_400;
    /**
     * The errors "after the first calibration" count from the first one that left the estimate
     * this certain: a full charge, an empty knee or a rested voltage on a steep part of the curve,
     * not a flat-plateau reading taken only because the estimate had become even less certain.
     */
    static final double FIRM_CALIBRATION_pct = 3;
    /** The day (from 0) with little sun. */
    static final int CLOUDY_DAY = 3;

    /**
     * One run: the cells' mean capacity, a chemistry, a charging habit, the estimator's starting
     * error and the sensor's errors.
     */
    public record Scenario(int cellCapacity_mAh, Chemistry chemistry, int fullChargeEveryDays,
            double initialError_pct, double offset_pctOfFullScale, double gainError_pct, double ambient_C, int days) {

        /** Cells at their rating, as in the matrix. */
        public Scenario(Chemistry chemistry, int fullChargeEveryDays, double initialError_pct,
                double offset_pctOfFullScale, double gainError_pct, double ambient_C, int days) {
            this(NAMEPLATE_mAh, chemistry, fullChargeEveryDays, initialError_pct, offset_pctOfFullScale, gainError_pct,
                    ambient_C, days);
        }

        /** The cells hold less than the nameplate the estimator is given. */
        public boolean aged() {
            return cellCapacity_mAh < NAMEPLATE_mAh;
        }

        public String name() {
            return String.format(Locale.ROOT, "%s %s%s init%+.0f%% offset%+.1f%%FS gain%+.0f%% %.0fC",
                    chemistry.id().toUpperCase(Locale.ROOT), aged() ? "aged " : "",
                    fullChargeEveryDays == 0 ? "no-full  " : "full/" + fullChargeEveryDays + "d  ",
                    initialError_pct, offset_pctOfFullScale, gainError_pct, ambient_C);
        }
    }

    /** Errors in SOC percentage points, against the truth. */
    public record Result(Scenario scenario, double firstCalibration_h, Errors afterCalibration, Errors overall,
            Errors displayedAfterCalibration, double learnedCapacity_Ah, double trueCapacity_Ah, double cycles,
            int calibrations) {

        /** The targets, for the scenarios they apply to; true where they do not apply. */
        public boolean meetsTargets() {
            if (!targeted()) {
                return true;
            }
            boolean nmc = scenario.chemistry() == Chemistry.NMC;
            double maxRms = nmc ? 2 : 3;
            double maxMax = nmc ? 4 : 6;
            return !Double.isNaN(firstCalibration_h) && afterCalibration.rms_pct() <= maxRms
                    && afterCalibration.max_pct() <= maxMax;
        }

        /**
         * The matrix: NMC always, LFP only with a full charge at least every 3 days. The
         * aged pack is an addition of ours without a target: no estimator can know that the
         * nameplate is wrong before its first capacity learning.
         */
        public boolean targeted() {
            return !scenario.aged() && (scenario.chemistry() == Chemistry.NMC
                    || (scenario.fullChargeEveryDays() > 0 && scenario.fullChargeEveryDays() <= 3));
        }
    }

    public record Errors(double max_pct, double rms_pct) {
    }

    private SocBench() {
    }

    /**
     * The matrix of the issue (2 chemistries × 2 charging habits × 2 temperatures × ±30 % × 2
     * sensor error sets), then an aged pack with a full charge every 3 days in both temperatures
     * with both sensor error sets.
     */
    public static List<Scenario> matrix() {
        List<Scenario> scenarios = new ArrayList<>();
        for (Chemistry chemistry : Chemistry.values()) {
            for (int full : new int[] {3, 0}) {
                for (double ambient : new double[] {35, 5}) {
                    for (double initial : new double[] {30, -30}) {
                        for (int sign : new int[] {1, -1}) {
                            scenarios.add(new Scenario(chemistry, full, initial, 0.5 * sign, 1.0 * sign, ambient, 7));
                        }
                    }
                }
            }
        }
        for (Chemistry chemistry : Chemistry.values()) {
            for (double ambient : new double[] {35, 5}) {
                for (int sign : new int[] {1, -1}) {
                    scenarios.add(new Scenario(AGED_CAPACITY_mAh, chemistry, 3, 30, 0.5 * sign, 1.0 * sign, ambient, 7));
                }
            }
        }
        return scenarios;
    }

    /** Runs one scenario. */
    public static Result run(Scenario scenario, long seed) {
        return new Run(scenario, seed).execute();
    }

    /** The estimator settings used: the chemistry's defaults, zeroing on the idle windows (which carry no current). */
    static SocSettings estimatorSettings(Chemistry chemistry) {
        SocSettings d = SocSettings.defaultsFor(chemistry, NAMEPLATE_mAh, SENSOR_MAX_mA);
        return new SocSettings(d.ocv(), d.ocvUncertainty_mV(), d.trustedBands(), d.rest(), d.full(), d.empty(),
                d.displayRate_pctPerMin(), d.learning(),
                new SocSettings.AutoZero(d.autoZero().window_ms(), 2000, d.autoZero().maxOffset_mA()),
                d.saveInterval_ms());
    }

    /** One week of one scenario. */
    private static final class Run {

        private final Scenario scenario;
        private final SplittableRandom random;
        private final BenchClock clock = new BenchClock();
        private final PackModel model;
        private final SocEstimator estimator;
        private final Measurement m = new Measurement(CELLS, 1);
        private final double[] channelOffset_mV = new double[CELLS];
        private final double cutoff_mV;
        private final double chargeVoltage_mV;
        private final double offset_mA;
        private final double gain;
        private final double r0Sum_ohm;
        private double charger_A;
        private boolean charging;
        private double load_A;

        Run(Scenario scenario, long seed) {
            this.scenario = scenario;
            this.random = new SplittableRandom(seed);
            boolean lfp = scenario.chemistry() == Chemistry.LFP;
            PackSettings pack = new PackSettings(scenario.chemistry(), CELLS, scenario.cellCapacity_mAh());
            double r0 = SimulationSettings.typicalR0_mOhm(scenario.chemistry(), scenario.cellCapacity_mAh());
            SimulationSettings sim = new SimulationSettings(seed, 1, 60, (int) Math.round(scenario.ambient_C() * 10),
                    new SimulationSettings.SimulatedCells(1, 1.5, 5, 2, r0, 0.6 * r0, 60, lfp ? 10 : 0), 1.0,
                    new SimulationSettings.SimulatedSensors(0, 0, 0, 0), new SimulationSettings.Load(4700, 47, 10_000));
            List<TemperatureSensorSettings> sensors = List.of(new TemperatureSensorSettings("cells", SensorLocation.CELL,
                    new TemperatureSensorSettings.LtcGpio(1, 1), 0));
            this.model = PackModel.create(pack, sim, sensors, 33, clock);
            model.setMosfets(true, true);
            for (int i = 0; i < CELLS; i++) {
                channelOffset_mV[i] = 2 * random.nextGaussian();
            }
            this.estimator = new SocEstimator(estimatorSettings(scenario.chemistry()), NAMEPLATE_mAh, new int[] {0});
            this.cutoff_mV = lfp ? 2950 : 3350;
            this.chargeVoltage_mV = (lfp ? 3480 : 4180) * CELLS;
            this.offset_mA = scenario.offset_pctOfFullScale() / 100 * SENSOR_MAX_mA;
            this.gain = 1 + scenario.gainError_pct() / 100;
            this.r0Sum_ohm = CELLS * r0 / 1000;
        }

        Result execute() {
            settleTo(60);
            double truth = truth_pct();
            double start_pct = Math.max(0, Math.min(100, truth + scenario.initialError_pct()));
            estimator.restore(new SocState(0, start_pct / 100 * NAMEPLATE_mAh * 3600.0, start_pct, start_pct, start_pct,
                    NAMEPLATE_mAh, 0, 2, 0, 0, SocCalibration.NONE, 0, null), 0);

            long steps = scenario.days() * DAY_s * 1000 / STEP_ms;
            double firstCalibration_h = Double.NaN;
            int calibrations = 0;
            Accumulator after = new Accumulator();
            Accumulator overall = new Accumulator();
            Accumulator displayedAfter = new Accumulator();
            for (long step = 0; step < steps; step++) {
                long time_ms = step * STEP_ms;
                drive(time_ms);
                clock.advance(STEP_ms);
                model.advance();
                measure(time_ms);
                estimator.update(m, time_ms, false);
                SocCalibration event = estimator.event();
                if (event != null && event != SocCalibration.START_OCV) {
                    calibrations++;
                    if (Double.isNaN(firstCalibration_h) && estimator.uncertainty_pct() <= FIRM_CALIBRATION_pct) {
                        firstCalibration_h = time_ms / 3_600_000.0;
                    }
                }
                double t = truth_pct();
                double error = estimator.internalSoc_pct() - t;
                overall.add(error);
                if (!Double.isNaN(firstCalibration_h)) {
                    after.add(error);
                    displayedAfter.add(estimator.soc_pct() - t);
                }
            }
            return new Result(scenario, firstCalibration_h, after.errors(), overall.errors(), displayedAfter.errors(),
                    estimator.capacity_mAh() / 1000, usableCapacity_Ah(), estimator.cycles(), calibrations);
        }

        /** Discharges or charges the model (MOS on, no load) until its usable SOC is {@code soc_pct}, then rests it. */
        private void settleTo(double soc_pct) {
            while (truth_pct() > soc_pct) {
                model.setExternalCurrent_A(-C_A);
                clock.advance(10_000);
                model.advance();
            }
            while (truth_pct() < soc_pct) {
                model.setExternalCurrent_A(C_A);
                clock.advance(10_000);
                model.advance();
            }
            model.setExternalCurrent_A(0);
            clock.advance(4 * 3_600_000L);
            model.advance();
        }

        /**
         * The home: a load in the evening and at night (stopped by the inverter's low-voltage
         * cut-off), idle in the morning and afternoon, solar charging from 08:00 (to full with a
         * CV phase on full-charge days, to 85 % otherwise, and only to 40 % on the cloudy day, so
         * that its night runs down to the cut-off).
         */
        private void drive(long time_ms) {
            long secondOfDay = (time_ms / 1000) % DAY_s;
            long day = (time_ms / 1000) / DAY_s;
            double hour = secondOfDay / 3600.0;
            boolean fullDay = scenario.fullChargeEveryDays() > 0
                    && day % scenario.fullChargeEveryDays() == scenario.fullChargeEveryDays() - 1;
            if (secondOfDay % 60 == 0) {
                load_A = C_A * (0.035 + 0.015 * random.nextDouble());
            }
            double current_A;
            if (hour < 6 || hour >= 17) {
                charging = false;
                current_A = minCell_mV() > cutoff_mV ? -load_A : 0;
            } else if (hour < 8) {
                current_A = 0;
            } else if (hour < 15) {
                if (secondOfDay == 8 * 3600) {
                    charging = true;
                    charger_A = 0.15 * C_A;
                }
                current_A = charging ? charge(fullDay, day == CLOUDY_DAY) : 0;
            } else {
                charging = false;
                current_A = 0;
            }
            model.setExternalCurrent_A(current_A);
        }

        /** CC at 0.15 C up to the charge voltage, then CV until the current falls to C/30. */
        private double charge(boolean fullDay, boolean cloudy) {
            if (!fullDay && truth_pct() >= (cloudy ? 40 : 85)) {
                charging = false;
                return 0;
            }
            double pack_mV = model.packVoltage_mV();
            double target_mV = fullDay ? chargeVoltage_mV : Double.MAX_VALUE;
            charger_A = Math.min(0.15 * C_A, charger_A + (target_mV - pack_mV) / 1000 / r0Sum_ohm);
            if (fullDay && charger_A < C_A / 30) {
                charging = false;
                return 0;
            }
            return Math.max(0, charger_A);
        }

        private void measure(long time_ms) {
            m.invalidate(time_ms * 1_000_000);
            for (int i = 0; i < CELLS; i++) {
                double reading = model.cellVoltage_mV(i) + channelOffset_mV[i] + random.nextGaussian();
                m.setCellVoltage_mV(i, (int) Math.round(reading));
            }
            m.setCellVoltagesValid(true);
            double current_mA = model.current_A() * 1000 * gain + offset_mA + 20 * random.nextGaussian();
            m.setCurrent_mA((int) (Math.round(current_mA / 10) * 10));
            m.setPackVoltage_mV((int) Math.round(model.packVoltage_mV()));
            m.setTemperature_dC(0, (int) Math.round(model.sensorTemperature_C(0) * 10));
        }

        private double minCell_mV() {
            double min = Double.MAX_VALUE;
            for (int i = 0; i < CELLS; i++) {
                min = Math.min(min, model.cellVoltage_mV(i));
            }
            return min;
        }

        /** The emptiest cell's charge over that plus the fullest cell's room. */
        private double truth_pct() {
            double[] leftAndRoom = leftAndRoom_As();
            double usable = leftAndRoom[0] + leftAndRoom[1];
            return usable <= 0 ? 0 : 100 * leftAndRoom[0] / usable;
        }

        private double usableCapacity_Ah() {
            double[] leftAndRoom = leftAndRoom_As();
            return (leftAndRoom[0] + leftAndRoom[1]) / 3600;
        }

        /** The charge the emptiest cell has left and the room the fullest cell has, never below 0. */
        private double[] leftAndRoom_As() {
            double left = Double.MAX_VALUE;
            double room = Double.MAX_VALUE;
            for (int i = 0; i < CELLS; i++) {
                double charge = model.cellCharge_As(i);
                left = Math.min(left, charge);
                room = Math.min(room, model.cellCapacity_As(i) - charge);
            }
            return new double[] {Math.max(0, left), Math.max(0, room)};
        }
    }

    private static final class Accumulator {
        private double max;
        private double sumSquares;
        private long count;

        void add(double error) {
            max = Math.max(max, Math.abs(error));
            sumSquares += error * error;
            count++;
        }

        Errors errors() {
            return count == 0 ? new Errors(Double.NaN, Double.NaN) : new Errors(max, Math.sqrt(sumSquares / count));
        }
    }

    /** Simulated time that moves only when the bench says so. */
    private static final class BenchClock implements Clock {
        private long now_ns;

        void advance(long ms) {
            now_ns += ms * 1_000_000;
        }

        @Override
        public long nanoTime() {
            return now_ns;
        }

        @Override
        public long epochMillis() {
            return now_ns / 1_000_000;
        }

        @Override
        public void sleepUntil(long deadline_ns) {
            now_ns = Math.max(now_ns, deadline_ns);
        }
    }
}
