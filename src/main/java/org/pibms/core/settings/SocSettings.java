package org.pibms.core.settings;

import java.util.List;
import org.pibms.core.Chemistry;
import org.pibms.core.OcvCurve;

/**
 * How the state of charge is counted and calibrated (docs/soc.md).
 *
 * @param ocv                  the open-circuit voltage of one cell against SOC, per temperature
 * @param ocvUncertainty_mV    how far a rested cell may sit from the table: hysteresis, AFE error, table mismatch
 * @param trustedBands         the SOC ranges in which a rested voltage may correct a trusted estimate
 * @param displayRate_pctPerMin how fast the shown SOC may move towards a correction, beyond the counted change
 * @param saveInterval_ms      how often the estimator's state is written to the state directory
 */
public record SocSettings(
        OcvCurve ocv,
        int ocvUncertainty_mV,
        List<Band> trustedBands,
        Rest rest,
        FullCharge full,
        EmptyKnee empty,
        double displayRate_pctPerMin,
        CapacityLearning learning,
        AutoZero autoZero,
        int saveInterval_ms) {

    public SocSettings {
        trustedBands = List.copyOf(trustedBands);
    }

    /** An SOC range, both ends included. */
    public record Band(double from_pct, double to_pct) {
        public boolean contains(double soc_pct) {
            return soc_pct >= from_pct && soc_pct <= to_pct;
        }
    }

    /**
     * A rest: the current below {@code current_mA} for {@code time_ms} ({@code coldTime_ms} below
     * {@code coldBelow_dC}), and then the lowest and highest cell moving less than
     * {@code maxDrift_mV} over {@code driftWindow_ms}.
     */
    public record Rest(int current_mA, int time_ms, int coldTime_ms, int coldBelow_dC, int maxDrift_mV,
            int driftWindow_ms) {
    }

    /** Full: the highest cell at or above {@code cell_mV} while 0 ≤ current ≤ the tail current, for the hold time. */
    public record FullCharge(int cell_mV, int tailCurrent_mA, int hold_ms) {
    }

    /**
     * Empty: the lowest cell, corrected by {@code cellResistance_uOhm} × current, at or below
     * {@code cell_mV} while discharging by at most {@code maxCurrent_mA} (or resting), for the hold time.
     */
    public record EmptyKnee(int cell_mV, int maxCurrent_mA, int hold_ms, int cellResistance_uOhm) {
    }

    /**
     * Learn the capacity from two calibrations at least {@code minDelta_pct} apart, with every cell
     * temperature in between inside the window; each learning moves the capacity by
     * {@code smoothing} of the way to the new value.
     */
    public record CapacityLearning(double minDelta_pct, int minTemperature_dC, int maxTemperature_dC,
            double smoothing) {
    }

    /**
     * The current sensor is zeroed from readings averaged over {@code window_ms} while the current
     * is known to be zero: both MOS off, or, when {@code restBelow_mA} is above 0, every reading
     * below it (only for systems whose idle current really is zero). An offset beyond
     * {@code maxOffset_mA} is not applied: that is a broken sensor, not drift.
     */
    public record AutoZero(int window_ms, int restBelow_mA, int maxOffset_mA) {
    }

    /** The defaults for a pack (docs/soc.md gives the sources). */
    public static SocSettings defaultsFor(Chemistry chemistry, int capacity_mAh, int currentSensorMax_mA) {
        boolean lfp = chemistry == Chemistry.LFP;
        return new SocSettings(
                OcvCurve.defaultFor(chemistry),
                lfp ? 10 : 5,
                lfp ? List.of(new Band(0, 15), new Band(95, 100)) : List.of(new Band(0, 100)),
                new Rest(Math.max(10, capacity_mAh / 50), 600_000, 1_800_000, 100, 1, 300_000),
                new FullCharge(lfp ? 3450 : 4150, Math.max(10, capacity_mAh / 20), 60_000),
                new EmptyKnee(lfp ? 3100 : 3500, Math.max(10, capacity_mAh / 5), 10_000, 0),
                2.0,
                new CapacityLearning(40, 100, 400, 0.3),
                new AutoZero(30_000, 0, Math.max(10, currentSensorMax_mA / 50)),
                300_000);
    }
}
