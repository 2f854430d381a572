package org.pibms.control;

import org.pibms.core.FaultId;
import org.pibms.core.Measurement;
import org.pibms.core.SocCalibration;
import org.pibms.core.settings.Settings;

/**
 * {@code pibms replay}: the daemon's SOC estimator and protection table run over recorded
 * measurements, one row at a time, as fast as they come. No I/O: the caller reads the rows into
 * {@link #measurement()} and writes the results.
 *
 * <p>The estimator needs to know when no current can flow (both MOS open). A recording made by
 * pibms says so in its {@code charge_mos} and {@code discharge_mos} columns, and the replay then
 * computes exactly what the daemon did. Without them, the MOS are taken as the protection table
 * would have set them.
 */
public final class Replay {

    private static final long CHARGE_BLOCKING = FaultId.chargeBlockingMask();
    private static final long DISCHARGE_BLOCKING = FaultId.dischargeBlockingMask();

    private final Measurement measurement;
    private final Protection protection;
    private final SocEstimator soc;
    private long faults;

    public Replay(Settings settings) {
        this.measurement = new Measurement(settings.pack().cellCount(), settings.temperatureSensors().size());
        this.protection = Protection.forSettings(settings);
        this.soc = new SocEstimator(settings.soc(), settings.pack().capacity_mAh(),
                PackController.cellSensors(settings));
    }

    /** The row buffer: fill it, then call {@link #step}. */
    public Measurement measurement() {
        return measurement;
    }

    /**
     * Runs one row.
     *
     * @param mosKnown whether the row says how the MOS were; if not, the protection decides
     */
    public void step(long time_ms, boolean mosKnown, boolean chargeMos, boolean dischargeMos) {
        faults = protection.evaluate(measurement);
        boolean charge = mosKnown ? chargeMos : (faults & CHARGE_BLOCKING) == 0;
        boolean discharge = mosKnown ? dischargeMos : (faults & DISCHARGE_BLOCKING) == 0;
        soc.update(measurement, time_ms, !charge && !discharge);
        protection.setSoc((int) Math.round(soc.soc_pct() * 10), soc.initialised());
    }

    public boolean socValid() {
        return soc.initialised();
    }

    /** The SOC the daemon would have shown. */
    public double soc_pct() {
        return soc.soc_pct();
    }

    public double soh_pct() {
        return soc.soh_pct();
    }

    /** The calibration this row made, or null. */
    public SocCalibration calibration() {
        return soc.event();
    }

    /** The faults active after this row. */
    public long faults() {
        return faults;
    }
}
