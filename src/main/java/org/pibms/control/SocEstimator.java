package org.pibms.control;

import org.pibms.core.Measurement;
import org.pibms.core.OcvCurve;
import org.pibms.core.SocCalibration;
import org.pibms.core.SocState;
import org.pibms.core.settings.SocSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State of charge and health: the charge is counted, and calibration events set it from the
 * cells where the cells can tell (docs/soc.md).
 *
 * <p>The pack's usable charge is counted in mAs with the measured time between samples and
 * the auto-zeroed sensor offset taken off. Three events calibrate it: a rested open-circuit
 * voltage (weighted by how much that voltage can tell at that point of the curve, and only in
 * the trusted bands unless the estimate is known to be worse), the full charge (highest cell at
 * the full voltage with only the tail current flowing) and the empty knee (lowest cell down the
 * steep end of its curve). The estimate jumps; the displayed SOC follows it at a bounded rate.
 * Two calibrations far enough apart teach the capacity, and with it the SOH.
 *
 * <p>"Usable" is meant literally: the pack is full when its fullest cell is, and empty when its
 * emptiest cell is, so the pack SOC is the emptiest cell's charge over the sum of that and the
 * fullest cell's room. The emptiest and fullest cells' SOC are counted beside it, for limits.
 *
 * <p>Time comes in whole milliseconds, so a replay of recorded milliseconds computes exactly
 * what the live estimator did. Runs on the control thread; allocates nothing except when it
 * logs an event.
 */
public final class SocEstimator {

    private static final Logger log = LoggerFactory.getLogger(SocEstimator.class);
    /** Without a cell temperature the OCV table and the rest time are read at 25 °C. */
    private static final int DEFAULT_TEMPERATURE_dC = 250;
    private static final int NO_TEMPERATURE = Integer.MIN_VALUE;
    /** Longer than this between two valid current readings and the charge in between is unknown. */
    static final long MAX_GAP_ms = 10_000;
    /** The uncertainty of an estimate that nothing can vouch for. */
    static final double UNKNOWN_pct = 100;
    /**
     * Outside the trusted bands a rested voltage is used only once the estimate is this uncertain:
     * a plateau reading's hysteresis would otherwise pull a merely drifting estimate the wrong way.
     */
    static final double LOST_pct = 50;
    /** After a full-charge sync, the estimate is this good: the voltage says full, the tail says nearly so. */
    private static final double FULL_UNCERTAINTY_pct = 1;
    /** The smallest uncertainty any one voltage reading is given. */
    private static final double MIN_READING_UNCERTAINTY_pct = 0.5;
    /** A calibration this uncertain may correct the estimate, but not start or end a capacity learning. */
    private static final double MAX_ANCHOR_UNCERTAINTY_pct = 3;
    /** A full or empty sync fires again only after this much charge has moved away from it. */
    private static final double REARM_pct = 3;
    /** Share of the counted charge the sensor's gain may be off by. */
    private static final double GAIN_UNCERTAINTY = 0.01;
    /** Learned capacities outside this share of the nameplate are refused as a measurement error. */
    private static final double MIN_CAPACITY_SHARE = 0.5;
    private static final double MAX_CAPACITY_SHARE = 1.2;
    /** Time constant of the filter that takes the noise off the lowest and highest cell voltage. */
    private static final double CELL_FILTER_ms = 10_000;
    private static final double MS_PER_MINUTE = 60_000;
    private static final double MAS_PER_MAH = 3600;

    private final SocSettings settings;
    private final OcvCurve ocv;
    private final double nominal_mAs;
    private final int[] cellSensors;
    /** The SOC the empty-knee voltage stands for, from which the knee sync re-arms. */
    private final double emptySoc_pct;
    /** Growth of the uncertainty per second of counting, as an offset current before and after a zeroing. */
    private final double unzeroedOffset_mA;
    private final double zeroedOffset_mA;

    private boolean initialised;
    private double charge_mAs;
    private double capacity_mAs;
    private int capacityLearnings;
    private double displayed_pct;
    private double minCell_pct;
    private double maxCell_pct;
    private double uncertainty_pct = UNKNOWN_pct;
    private double offset_mA;
    private boolean zeroed;
    private double discharged_mAs;
    private SocCalibration lastCalibration = SocCalibration.NONE;
    private SocCalibration event;

    private boolean anchored;
    private double anchorSoc_pct;
    private double countedSinceAnchor_mAs;
    private int anchorMinTemperature_dC;
    private int anchorMaxTemperature_dC;

    private boolean havePrevious;
    private long previous_ms;
    /** The last valid current, offset taken off. */
    private double previousCurrent_mA;
    private long lastUpdate_ms;
    private boolean started;

    /** When the cell filter last took a reading; -1 before the first. */
    private long filtered_ms = -1;
    private double filteredMin_mV;
    private double filteredMax_mV;

    private long restSince_ms = -1;
    private boolean restUsed;
    private long driftReference_ms = -1;
    private double driftReferenceMin_mV;
    private double driftReferenceMax_mV;

    private long fullSince_ms = -1;
    private boolean fullArmed = true;
    private long emptySince_ms = -1;
    private boolean emptyArmed = true;

    private long zeroSince_ms = -1;
    private long zeroSum_mA;
    private int zeroCount;
    private boolean offsetRefusedLogged;

    private SocState restored;
    private boolean downtimeRest;
    private boolean gapLogged;
    private boolean backwardsLogged;

    /**
     * @param cellSensors the indexes of the temperature sensors on the cells; their average is the cell temperature
     */
    public SocEstimator(SocSettings settings, int nominalCapacity_mAh, int[] cellSensors) {
        this.settings = settings;
        this.ocv = settings.ocv();
        this.nominal_mAs = nominalCapacity_mAh * MAS_PER_MAH;
        this.capacity_mAs = nominal_mAs;
        this.cellSensors = cellSensors.clone();
        this.emptySoc_pct = ocv.soc_pct(settings.empty().cell_mV(), DEFAULT_TEMPERATURE_dC);
        this.unzeroedOffset_mA = settings.autoZero().maxOffset_mA() / 10.0;
        this.zeroedOffset_mA = settings.autoZero().maxOffset_mA() / 50.0;
    }

    /**
     * Starts from a saved state instead of the cell voltages. When the daemon was down for at
     * least a rest time and the pack is still at rest when it first reads it, the downtime counts
     * as the rest and the rested voltage calibrates at once.
     */
    public void restore(SocState state, long downtime_ms) {
        restored = state;
        downtimeRest = downtime_ms >= settings.rest().time_ms();
    }

    /**
     * One tick.
     *
     * @param time_ms          the time of the measurement, in whole milliseconds
     * @param currentKnownZero true while no current can flow (both MOS open): the reading is the sensor's offset
     */
    public void update(Measurement m, long time_ms, boolean currentKnownZero) {
        event = null;
        if (started && time_ms < lastUpdate_ms) {
            if (!backwardsLogged) {
                backwardsLogged = true;
                log.warn("SOC: time went back from {} ms to {} ms; that sample is ignored", lastUpdate_ms, time_ms);
            }
            return;
        }
        long sinceLast_ms = started ? time_ms - lastUpdate_ms : 0;
        started = true;
        lastUpdate_ms = time_ms;
        int measured_dC = cellTemperature_dC(m);
        int temperature_dC = measured_dC == NO_TEMPERATURE ? DEFAULT_TEMPERATURE_dC : measured_dC;
        if (!initialised && !m.cellVoltagesValid()) {
            return;
        }
        filterCells(m, time_ms);
        if (!initialised) {
            start(temperature_dC);
        }
        count(m, time_ms, currentKnownZero);
        autoZero(m, time_ms, currentKnownZero);
        if (anchored && measured_dC != NO_TEMPERATURE) {
            anchorMinTemperature_dC = Math.min(anchorMinTemperature_dC, measured_dC);
            anchorMaxTemperature_dC = Math.max(anchorMaxTemperature_dC, measured_dC);
        }
        if (m.cellVoltagesValid() && m.currentValid()) {
            double current_mA = currentKnownZero ? 0 : m.current_mA() - offset_mA;
            if (downtimeRest) {
                downtimeRest = false;
                if (Math.abs(current_mA) < settings.rest().current_mA()) {
                    restUsed = true;
                    calibrateFromRest(temperature_dC, "after the downtime");
                }
            }
            detectRest(current_mA, time_ms, temperature_dC);
            detectFull(m, current_mA, time_ms, temperature_dC);
            detectEmpty(m, current_mA, time_ms, temperature_dC);
        }
        rearm();
        followDisplay(sinceLast_ms);
    }

    // ---- start ----

    private void start(int temperature_dC) {
        initialised = true;
        if (restored != null) {
            SocState s = restored;
            restored = null;
            capacity_mAs = s.capacity_mAh() * MAS_PER_MAH;
            capacityLearnings = s.capacityLearnings();
            charge_mAs = clamp(s.charge_mAs(), 0, capacity_mAs);
            displayed_pct = clamp(s.displayed_pct(), 0, 100);
            minCell_pct = clamp(s.minCellSoc_pct(), 0, 100);
            maxCell_pct = clamp(s.maxCellSoc_pct(), 0, 100);
            uncertainty_pct = clamp(s.uncertainty_pct(), 0, UNKNOWN_pct);
            offset_mA = s.offset_mA();
            zeroed = s.offset_mA() != 0;
            discharged_mAs = s.discharged_mAh() * MAS_PER_MAH;
            lastCalibration = s.lastCalibration();
            SocState.Anchor anchor = s.anchor();
            anchored = anchor != null;
            if (anchored) {
                anchorSoc_pct = anchor.soc_pct();
                countedSinceAnchor_mAs = anchor.countedSince_mAs();
                anchorMinTemperature_dC = anchor.minTemperature_dC();
                anchorMaxTemperature_dC = anchor.maxTemperature_dC();
            }
            log.info("SOC: restored {} % (shown {} %, ±{} %), capacity {} Ah, offset {} mA, last calibration {}",
                    round1(internalSoc_pct()), round1(displayed_pct), round1(uncertainty_pct),
                    round1(capacity_mAs / MAS_PER_MAH / 1000), round1(offset_mA), lastCalibration.id());
            return;
        }
        downtimeRest = false;
        double min = ocv.soc_pct(filteredMin_mV, temperature_dC);
        double max = ocv.soc_pct(filteredMax_mV, temperature_dC);
        minCell_pct = min;
        maxCell_pct = max;
        setPack(blend(min, max));
        displayed_pct = internalSoc_pct();
        uncertainty_pct = Math.max(5, Math.max(readingUncertainty(filteredMin_mV, temperature_dC),
                readingUncertainty(filteredMax_mV, temperature_dC)));
        lastCalibration = SocCalibration.START_OCV;
        event = SocCalibration.START_OCV;
        log.info("SOC: no saved state; {} % from the cell voltages (lowest {} mV, highest {} mV), ±{} % until"
                + " a calibration", round1(displayed_pct), Math.round(filteredMin_mV), Math.round(filteredMax_mV),
                round1(uncertainty_pct));
    }

    // ---- counting ----

    private void count(Measurement m, long time_ms, boolean currentKnownZero) {
        if (!m.currentValid()) {
            return;
        }
        double current_mA = currentKnownZero ? 0 : m.current_mA() - offset_mA;
        if (havePrevious) {
            long dt_ms = time_ms - previous_ms;
            if (dt_ms > MAX_GAP_ms) {
                chargeUnknown(dt_ms);
            } else {
                addCharge((previousCurrent_mA + current_mA) / 2 * dt_ms / 1000.0, dt_ms);
            }
        }
        havePrevious = true;
        previous_ms = time_ms;
        previousCurrent_mA = current_mA;
    }

    private void addCharge(double step_mAs, long dt_ms) {
        double step_pct = 100 * step_mAs / capacity_mAs;
        charge_mAs = clamp(charge_mAs + step_mAs, 0, capacity_mAs);
        minCell_pct = clamp(minCell_pct + step_pct, 0, 100);
        maxCell_pct = clamp(maxCell_pct + step_pct, 0, 100);
        displayed_pct = clamp(displayed_pct + step_pct, 0, 100);
        countedSinceAnchor_mAs += step_mAs;
        if (step_mAs < 0) {
            discharged_mAs -= step_mAs;
        }
        double offsetUncertainty_mA = zeroed ? zeroedOffset_mA : unzeroedOffset_mA;
        uncertainty_pct = Math.min(UNKNOWN_pct, uncertainty_pct
                + 100 * (GAIN_UNCERTAINTY * Math.abs(step_mAs) + offsetUncertainty_mA * dt_ms / 1000.0) / capacity_mAs);
    }

    private void chargeUnknown(long gap_ms) {
        if (!gapLogged) {
            gapLogged = true;
            log.warn("SOC: no current reading for {} s; the charge in that time is unknown, so the SOC is"
                    + " taken from the cell voltages at the next rest", gap_ms / 1000);
        }
        uncertainty_pct = UNKNOWN_pct;
        anchored = false;
    }

    // ---- offset ----

    private void autoZero(Measurement m, long time_ms, boolean currentKnownZero) {
        SocSettings.AutoZero az = settings.autoZero();
        boolean zero = m.currentValid() && (currentKnownZero
                || (az.restBelow_mA() > 0 && Math.abs(m.current_mA()) < az.restBelow_mA()));
        if (!zero) {
            zeroSince_ms = -1;
            return;
        }
        if (zeroSince_ms < 0) {
            zeroSince_ms = time_ms;
            zeroSum_mA = 0;
            zeroCount = 0;
        }
        zeroSum_mA += m.current_mA();
        zeroCount++;
        if (time_ms - zeroSince_ms < az.window_ms()) {
            return;
        }
        double average_mA = (double) zeroSum_mA / zeroCount;
        zeroSince_ms = -1;
        if (Math.abs(average_mA) > az.maxOffset_mA()) {
            if (!offsetRefusedLogged) {
                offsetRefusedLogged = true;
                log.warn("SOC: the current sensor reads {} mA while no current flows, more than the {} mA an"
                        + " offset may be; not zeroed (check the sensor)", Math.round(average_mA), az.maxOffset_mA());
            }
            return;
        }
        double before = offset_mA;
        offset_mA = zeroed ? offset_mA + 0.5 * (average_mA - offset_mA) : average_mA;
        if (!zeroed || Math.abs(offset_mA - before) >= 10) {
            log.info("SOC: current sensor zeroed: offset {} -> {} mA", round1(before), round1(offset_mA));
        }
        zeroed = true;
    }

    // ---- calibrations ----

    private void filterCells(Measurement m, long time_ms) {
        if (!m.cellVoltagesValid()) {
            return;
        }
        double min = m.cellVoltage_mV(m.minCell());
        double max = m.cellVoltage_mV(m.maxCell());
        long dt_ms = time_ms - filtered_ms;
        boolean fresh = filtered_ms < 0 || dt_ms > MAX_GAP_ms;
        filtered_ms = time_ms;
        if (fresh) {
            filteredMin_mV = min;
            filteredMax_mV = max;
            return;
        }
        double weight = dt_ms / (CELL_FILTER_ms + dt_ms);
        filteredMin_mV += weight * (min - filteredMin_mV);
        filteredMax_mV += weight * (max - filteredMax_mV);
    }

    private void detectRest(double current_mA, long time_ms, int temperature_dC) {
        SocSettings.Rest rest = settings.rest();
        if (Math.abs(current_mA) >= rest.current_mA()) {
            restSince_ms = -1;
            restUsed = false;
            driftReference_ms = -1;
            return;
        }
        if (restSince_ms < 0) {
            restSince_ms = time_ms;
        }
        if (restUsed) {
            return;
        }
        long needed_ms = temperature_dC < rest.coldBelow_dC() ? rest.coldTime_ms() : rest.time_ms();
        long rested_ms = time_ms - restSince_ms;
        if (driftReference_ms < 0) {
            if (rested_ms >= needed_ms - rest.driftWindow_ms()) {
                driftReference_ms = time_ms;
                driftReferenceMin_mV = filteredMin_mV;
                driftReferenceMax_mV = filteredMax_mV;
            }
            return;
        }
        if (rested_ms < needed_ms || time_ms - driftReference_ms < rest.driftWindow_ms()) {
            return;
        }
        if (Math.abs(filteredMin_mV - driftReferenceMin_mV) <= rest.maxDrift_mV()
                && Math.abs(filteredMax_mV - driftReferenceMax_mV) <= rest.maxDrift_mV()) {
            restUsed = true;
            calibrateFromRest(temperature_dC, "after " + rested_ms / 60_000 + " min at rest");
        } else {
            driftReference_ms = time_ms;
            driftReferenceMin_mV = filteredMin_mV;
            driftReferenceMax_mV = filteredMax_mV;
        }
    }

    /**
     * Weighs the rested reading against the estimate as a Kalman update would: the reading's
     * uncertainty is how far the SOC moves across the voltage uncertainty at that point of the
     * curve, so a flat stretch says little and a steep one much.
     */
    private void calibrateFromRest(int temperature_dC, String when) {
        double min = ocv.soc_pct(filteredMin_mV, temperature_dC);
        double max = ocv.soc_pct(filteredMax_mV, temperature_dC);
        double minUncertainty = readingUncertainty(filteredMin_mV, temperature_dC);
        double maxUncertainty = readingUncertainty(filteredMax_mV, temperature_dC);
        double reading = blend(min, max);
        double readingUncertainty = Math.max(minUncertainty, maxUncertainty);
        boolean trusted = trusted(min) && trusted(max);
        if (!trusted && uncertainty_pct < LOST_pct) {
            log.info("SOC: rested {}, but {} mV and {} mV lie where the curve is too flat to correct a {} %"
                    + " estimate (±{} %)", when, Math.round(filteredMin_mV), Math.round(filteredMax_mV),
                    round1(internalSoc_pct()), round1(uncertainty_pct));
            return;
        }
        double before = internalSoc_pct();
        double variance = uncertainty_pct * uncertainty_pct;
        if (trusted) {
            // a trusted reading far outside both uncertainties shows the estimate was worse than it
            // claimed (a wrong saved state, an uncounted current): widen it to what the reading says
            double innovation = reading - before;
            variance = Math.max(variance, innovation * innovation - readingUncertainty * readingUncertainty);
        }
        double gain = variance / (variance + readingUncertainty * readingUncertainty);
        double after = before + gain * (reading - before);
        minCell_pct += variance / (variance + minUncertainty * minUncertainty) * (min - minCell_pct);
        maxCell_pct += variance / (variance + maxUncertainty * maxUncertainty) * (max - maxCell_pct);
        uncertainty_pct = Math.sqrt((1 - gain) * variance);
        log.info("SOC: rested-voltage calibration {}: {} % -> {} % (lowest cell {} mV = {} %, highest {} mV = {} %,"
                + " weight {})", when, round1(before), round1(after), Math.round(filteredMin_mV), round1(min),
                Math.round(filteredMax_mV), round1(max), Math.round(gain * 100) / 100.0);
        calibrated(SocCalibration.OCV_REST, after, temperature_dC);
    }

    private void detectFull(Measurement m, double current_mA, long time_ms, int temperature_dC) {
        SocSettings.FullCharge full = settings.full();
        boolean atFull = m.cellVoltage_mV(m.maxCell()) >= full.cell_mV()
                && current_mA >= -settings.rest().current_mA() && current_mA <= full.tailCurrent_mA();
        if (!atFull) {
            fullSince_ms = -1;
            return;
        }
        if (fullSince_ms < 0) {
            fullSince_ms = time_ms;
        }
        if (!fullArmed || time_ms - fullSince_ms < full.hold_ms()) {
            return;
        }
        fullArmed = false;
        double before = internalSoc_pct();
        maxCell_pct = 100;
        uncertainty_pct = FULL_UNCERTAINTY_pct;
        log.info("SOC: full-charge calibration: {} % -> 100 % (highest cell {} mV, {} mA for {} s)", round1(before),
                m.cellVoltage_mV(m.maxCell()), Math.round(current_mA), full.hold_ms() / 1000);
        calibrated(SocCalibration.FULL_CHARGE, 100, temperature_dC);
    }

    private void detectEmpty(Measurement m, double current_mA, long time_ms, int temperature_dC) {
        SocSettings.EmptyKnee empty = settings.empty();
        // a discharge current pulls the terminal voltage below the open-circuit one by I·R
        double corrected_mV = m.cellVoltage_mV(m.minCell()) - current_mA * empty.cellResistance_uOhm() / 1e6;
        boolean atEmpty = corrected_mV <= empty.cell_mV() && current_mA <= settings.rest().current_mA()
                && -current_mA <= empty.maxCurrent_mA();
        if (!atEmpty) {
            emptySince_ms = -1;
            return;
        }
        if (emptySince_ms < 0) {
            emptySince_ms = time_ms;
        }
        if (!emptyArmed || time_ms - emptySince_ms < empty.hold_ms()) {
            return;
        }
        emptyArmed = false;
        double min = ocv.soc_pct(corrected_mV, temperature_dC);
        double before = internalSoc_pct();
        minCell_pct = min;
        uncertainty_pct = readingUncertainty(corrected_mV, temperature_dC);
        double after = blend(min, maxCell_pct);
        log.info("SOC: empty-knee calibration: {} % -> {} % (lowest cell {} mV, {} mV at rest, {} mA for {} s)",
                round1(before), round1(after), m.cellVoltage_mV(m.minCell()), Math.round(corrected_mV),
                Math.round(current_mA), empty.hold_ms() / 1000);
        calibrated(SocCalibration.EMPTY_KNEE, after, temperature_dC);
    }

    /** Ends a capacity learning that started at the last anchor, and starts the next one here. */
    private void calibrated(SocCalibration kind, double soc_pct, int temperature_dC) {
        event = kind;
        lastCalibration = kind;
        SocSettings.CapacityLearning learning = settings.learning();
        double delta_pct = soc_pct - anchorSoc_pct;
        if (anchored && uncertainty_pct <= MAX_ANCHOR_UNCERTAINTY_pct && Math.abs(delta_pct) >= learning.minDelta_pct()) {
            learnCapacity(delta_pct);
        }
        setPack(soc_pct);
        minCell_pct = Math.min(minCell_pct, internalSoc_pct());
        maxCell_pct = Math.max(maxCell_pct, internalSoc_pct());
        anchored = uncertainty_pct <= MAX_ANCHOR_UNCERTAINTY_pct;
        anchorSoc_pct = soc_pct;
        countedSinceAnchor_mAs = 0;
        anchorMinTemperature_dC = temperature_dC;
        anchorMaxTemperature_dC = temperature_dC;
    }

    private void learnCapacity(double delta_pct) {
        SocSettings.CapacityLearning learning = settings.learning();
        if (anchorMinTemperature_dC < learning.minTemperature_dC()
                || anchorMaxTemperature_dC > learning.maxTemperature_dC()) {
            log.info("SOC: capacity not learned: the cells were at {} to {} °C, outside {} to {} °C",
                    anchorMinTemperature_dC / 10.0, anchorMaxTemperature_dC / 10.0,
                    learning.minTemperature_dC() / 10.0, learning.maxTemperature_dC() / 10.0);
            return;
        }
        double measured_mAs = countedSinceAnchor_mAs / (delta_pct / 100);
        if (measured_mAs < MIN_CAPACITY_SHARE * nominal_mAs || measured_mAs > MAX_CAPACITY_SHARE * nominal_mAs) {
            log.warn("SOC: capacity not learned: {} Ah counted over {} % is {} Ah, implausible for a {} Ah pack",
                    round1(countedSinceAnchor_mAs / MAS_PER_MAH / 1000), round1(delta_pct),
                    round1(measured_mAs / MAS_PER_MAH / 1000), round1(nominal_mAs / MAS_PER_MAH / 1000));
            return;
        }
        double before = capacity_mAs;
        // the first learnings are averaged, so the nameplate does not linger for many cycles
        double weight = Math.max(learning.smoothing(), 1.0 / (capacityLearnings + 1));
        capacity_mAs += weight * (measured_mAs - capacity_mAs);
        capacityLearnings++;
        log.info("SOC: capacity learned: measured {} Ah over {} %; capacity {} -> {} Ah (SOH {} %)",
                round1(measured_mAs / MAS_PER_MAH / 1000), round1(Math.abs(delta_pct)),
                round1(before / MAS_PER_MAH / 1000), round1(capacity_mAs / MAS_PER_MAH / 1000), round1(soh_pct()));
    }

    private void rearm() {
        double soc = internalSoc_pct();
        if (!fullArmed && soc <= 100 - REARM_pct) {
            fullArmed = true;
        }
        if (!emptyArmed && soc >= emptySoc_pct + REARM_pct) {
            emptyArmed = true;
        }
    }

    /** The shown SOC has followed every counted change already; a correction it follows at the configured rate. */
    private void followDisplay(long dt_ms) {
        double target = internalSoc_pct();
        if (event == SocCalibration.START_OCV) {
            displayed_pct = target;
            return;
        }
        double step = settings.displayRate_pctPerMin() * dt_ms / MS_PER_MINUTE;
        displayed_pct = clamp(displayed_pct + clamp(target - displayed_pct, -step, step), 0, 100);
    }

    // ---- helpers ----

    /** How far the SOC moves across ± the voltage uncertainty at this voltage. */
    private double readingUncertainty(double voltage_mV, int temperature_dC) {
        int u = settings.ocvUncertainty_mV();
        double spread = (ocv.soc_pct(voltage_mV + u, temperature_dC) - ocv.soc_pct(voltage_mV - u, temperature_dC)) / 2;
        return Math.max(MIN_READING_UNCERTAINTY_pct, spread);
    }

    private boolean trusted(double soc_pct) {
        for (SocSettings.Band band : settings.trustedBands()) {
            if (band.contains(soc_pct)) {
                return true;
            }
        }
        return false;
    }

    /** The pack's usable SOC from its emptiest and fullest cell: charge left over charge left plus room. */
    static double blend(double minCell_pct, double maxCell_pct) {
        double room = 100 - Math.max(minCell_pct, maxCell_pct);
        double sum = minCell_pct + room;
        return sum <= 0 ? 0 : 100 * minCell_pct / sum;
    }

    private void setPack(double soc_pct) {
        charge_mAs = clamp(soc_pct, 0, 100) / 100 * capacity_mAs;
    }

    /** The cells' average temperature, or {@link #NO_TEMPERATURE} when no cell sensor has a reading. */
    private int cellTemperature_dC(Measurement m) {
        int sum = 0;
        int count = 0;
        for (int sensor : cellSensors) {
            if (m.temperatureValid(sensor)) {
                sum += m.temperature_dC(sensor);
                count++;
            }
        }
        return count == 0 ? NO_TEMPERATURE : sum / count;
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    // ---- results ----

    public boolean initialised() {
        return initialised;
    }

    /** The SOC to show: the estimate, reached at a bounded rate after a correction. */
    public double soc_pct() {
        return displayed_pct;
    }

    /** The estimate itself, which jumps at a calibration. */
    public double internalSoc_pct() {
        return 100 * charge_mAs / capacity_mAs;
    }

    public double minCellSoc_pct() {
        return minCell_pct;
    }

    public double maxCellSoc_pct() {
        return maxCell_pct;
    }

    public double uncertainty_pct() {
        return uncertainty_pct;
    }

    public double capacity_mAh() {
        return capacity_mAs / MAS_PER_MAH;
    }

    public int capacityLearnings() {
        return capacityLearnings;
    }

    /** Learned capacity against the nameplate, at most 100 %. */
    public double soh_pct() {
        return Math.min(100, 100 * capacity_mAs / nominal_mAs);
    }

    public double offset_mA() {
        return offset_mA;
    }

    /** Equivalent full cycles: all charge taken out over the nameplate capacity. */
    public double cycles() {
        return discharged_mAs / nominal_mAs;
    }

    public double discharged_mAh() {
        return discharged_mAs / MAS_PER_MAH;
    }

    public double charge_mAs() {
        return charge_mAs;
    }

    public SocCalibration lastCalibration() {
        return lastCalibration;
    }

    /** The calibration made by the last update, or null. */
    public SocCalibration event() {
        return event;
    }

    /** The learning under way: where it started and what was counted since; null when none. */
    boolean anchored() {
        return anchored;
    }

    double anchorSoc_pct() {
        return anchorSoc_pct;
    }

    double countedSinceAnchor_mAs() {
        return countedSinceAnchor_mAs;
    }

    int anchorMinTemperature_dC() {
        return anchorMinTemperature_dC;
    }

    int anchorMaxTemperature_dC() {
        return anchorMaxTemperature_dC;
    }
}
