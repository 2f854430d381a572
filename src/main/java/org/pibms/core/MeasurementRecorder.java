package org.pibms.core;

/**
 * Receives every tick's measurements, for instance to write them to a CSV file that
 * {@code pibms replay} can run the estimator over again.
 */
public interface MeasurementRecorder {

    /** Records nothing. */
    MeasurementRecorder NONE = (time_ms, m, chargeMos, dischargeMos) -> { };

    /**
     * Called on the control thread once a tick: must neither block nor allocate.
     *
     * @param time_ms      the time the estimator used for this tick (wall-clock based, in steps of the monotonic clock)
     * @param chargeMos    the charge MOS as it was while the pack was measured
     * @param dischargeMos the discharge MOS as it was while the pack was measured
     */
    void record(long time_ms, Measurement m, boolean chargeMos, boolean dischargeMos);
}
