package org.pibms.core;

/**
 * What the state-of-charge estimator keeps across a restart.
 *
 * @param savedAt_ms            wall-clock time of the save, to tell how long the daemon was down
 * @param charge_mAs            the pack's usable charge, as estimated
 * @param displayed_pct         the SOC shown to users, which follows corrections at a bounded rate
 * @param minCellSoc_pct        SOC of the emptiest cell
 * @param maxCellSoc_pct        SOC of the fullest cell
 * @param capacity_mAh          the usable capacity as learned (the nameplate until a learning)
 * @param capacityLearnings     how many learnings the capacity stands on
 * @param uncertainty_pct       one standard deviation of the estimate, in SOC per cent
 * @param offset_mA             the current sensor's zero offset as auto-zeroed
 * @param discharged_mAh        all charge ever taken out, for the equivalent full cycles
 * @param lastCalibration       the kind of the last calibration
 * @param lastCalibrationAt_ms  its wall-clock time, 0 when none
 * @param anchor                where a capacity learning started, or null when none is under way
 */
public record SocState(
        long savedAt_ms,
        double charge_mAs,
        double displayed_pct,
        double minCellSoc_pct,
        double maxCellSoc_pct,
        double capacity_mAh,
        int capacityLearnings,
        double uncertainty_pct,
        double offset_mA,
        double discharged_mAh,
        SocCalibration lastCalibration,
        long lastCalibrationAt_ms,
        Anchor anchor) {

    /**
     * The start of a capacity learning: the SOC set by a calibration, the charge counted since,
     * and the coldest and warmest cell temperatures seen since.
     */
    public record Anchor(double soc_pct, double countedSince_mAs, int minTemperature_dC, int maxTemperature_dC) {
    }
}
