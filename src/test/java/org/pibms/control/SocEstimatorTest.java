package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.pibms.core.Chemistry;
import org.pibms.core.Measurement;
import org.pibms.core.OcvCurve;
import org.pibms.core.SocCalibration;
import org.pibms.core.SocState;
import org.pibms.core.settings.SocSettings;

/** Each calibration rule fires where it should and not where it should not; counting, learning, restoring. */
class SocEstimatorTest {

    private static final int CELLS = 8;
    private static final int CAPACITY_mAh = 100_000;
    private static final OcvCurve NMC = OcvCurve.defaultFor(Chemistry.NMC);
    private static final OcvCurve LFP = OcvCurve.defaultFor(Chemistry.LFP);

    private SocSettings settings = SocSettings.defaultsFor(Chemistry.NMC, CAPACITY_mAh, 300_000);
    private SocEstimator soc;
    private final Measurement m = new Measurement(CELLS, 1);
    private long time_ms;
    private boolean mosOff;

    private void start(double soc_pct, Chemistry chemistry) {
        if (chemistry == Chemistry.LFP) {
            settings = SocSettings.defaultsFor(Chemistry.LFP, CAPACITY_mAh, 300_000);
        }
        soc = new SocEstimator(settings, CAPACITY_mAh, new int[] {0});
        cells(settings.ocv().voltage_mV(soc_pct, 250));
        step(0, 0);
    }

    private void cells(double voltage_mV) {
        for (int i = 0; i < CELLS; i++) {
            m.setCellVoltage_mV(i, (int) Math.round(voltage_mV));
        }
    }

    /** One sample {@code dt_ms} after the last, with {@code current_mA} and the cells as set. */
    private void step(long dt_ms, int current_mA) {
        time_ms += dt_ms;
        int[] cells = new int[CELLS];
        for (int i = 0; i < CELLS; i++) {
            cells[i] = m.cellVoltage_mV(i);
        }
        m.invalidate(time_ms * 1_000_000);
        for (int i = 0; i < CELLS; i++) {
            m.setCellVoltage_mV(i, cells[i]);
        }
        m.setCellVoltagesValid(true);
        m.setCurrent_mA(current_mA);
        m.setTemperature_dC(0, temperature_dC);
        soc.update(m, time_ms, mosOff);
    }

    private int temperature_dC = 250;

    private void run(long duration_ms, long step_ms, int current_mA) {
        for (long t = 0; t < duration_ms; t += step_ms) {
            step(step_ms, current_mA);
        }
    }

    private boolean calibrated(SocCalibration kind, long duration_ms, int current_mA) {
        for (long t = 0; t < duration_ms; t += 1000) {
            step(1000, current_mA);
            if (soc.event() == kind) {
                return true;
            }
        }
        return false;
    }

    // ---- counting ----

    @Test
    void startsFromTheCellVoltagesWithoutASavedState() {
        start(62, Chemistry.NMC);

        assertThat(soc.internalSoc_pct()).isCloseTo(62, within(0.2));
        assertThat(soc.soc_pct()).isEqualTo(soc.internalSoc_pct());
        assertThat(soc.lastCalibration()).isEqualTo(SocCalibration.START_OCV);
    }

    @Test
    void countsChargeWithTheMeasuredTimeBetweenSamples() {
        start(50, Chemistry.NMC);
        step(0, -50_000);
        double before = soc.charge_mAs();

        step(100, -50_000);
        step(137, -50_000); // a late tick counts for its real length
        step(63, -50_000);

        assertThat(before - soc.charge_mAs()).isCloseTo(50_000 * 0.3, within(1e-6));
    }

    @Test
    void smallCurrentsAreStillCounted() {
        start(50, Chemistry.NMC);
        step(0, -12);
        double before = soc.charge_mAs();

        run(540_000, 1000, -12); // the BMS's own drain, for less than a rest time

        assertThat(before - soc.charge_mAs()).isCloseTo(12 * 540, within(1e-6));
        assertThat(soc.discharged_mAh()).isCloseTo(12 * 540 / 3600.0, within(1e-9));
    }

    @Test
    void aGapInTheCurrentReadingsIsNotGuessed() {
        start(50, Chemistry.NMC);
        double before = soc.charge_mAs();

        step(SocEstimator.MAX_GAP_ms + 1, -50_000);

        assertThat(soc.charge_mAs()).isEqualTo(before);
        assertThat(soc.uncertainty_pct()).isEqualTo(SocEstimator.UNKNOWN_pct);
    }

    @Test
    void timeGoingBackwardsIsIgnored() {
        start(50, Chemistry.NMC);
        double before = soc.charge_mAs();

        time_ms -= 5000;
        step(0, -50_000);

        assertThat(soc.charge_mAs()).isEqualTo(before);
    }

    @Test
    void countsTheCycles() {
        start(90, Chemistry.NMC);
        step(0, -50_000);

        run(3_600_000, 1000, -50_000); // 50 Ah out of 100 Ah

        assertThat(soc.cycles()).isCloseTo(0.5, within(1e-9));
    }

    // ---- offset ----

    @Test
    void zeroesTheSensorWhileBothMosAreOpen() {
        start(50, Chemistry.NMC);
        mosOff = true;
        run(31_000, 100, 150);

        assertThat(soc.offset_mA()).isCloseTo(150, within(1e-9));
        mosOff = false;
        double before = soc.charge_mAs();
        run(10_000, 100, 150); // the offset alone: nothing flows
        assertThat(soc.charge_mAs()).isCloseTo(before, within(1e-6));
    }

    @Test
    void aReadingTooLargeForAnOffsetIsNotZeroed() {
        start(50, Chemistry.NMC);
        mosOff = true;

        run(60_000, 100, settings.autoZero().maxOffset_mA() + 1);

        assertThat(soc.offset_mA()).isZero();
    }

    @Test
    void withoutARestConditionSmallReadingsAreNotZeroed() {
        start(50, Chemistry.NMC);

        run(60_000, 100, 150);

        assertThat(soc.offset_mA()).isZero();
    }

    // ---- rested voltage ----

    @Test
    void aRestedVoltageCorrectsTheEstimate() {
        start(50, Chemistry.NMC);
        cells(NMC.voltage_mV(30, 250));

        boolean fired = calibrated(SocCalibration.OCV_REST, 20 * 60_000, 0);

        assertThat(fired).isTrue();
        assertThat(time_ms).isBetween(10 * 60_000L, 11 * 60_000L);
        assertThat(soc.internalSoc_pct()).isCloseTo(30, within(1.0));
    }

    @Test
    void aRestTooShortDoesNotCalibrate() {
        start(50, Chemistry.NMC);
        cells(NMC.voltage_mV(30, 250));

        assertThat(calibrated(SocCalibration.OCV_REST, 9 * 60_000, 0)).isFalse();
        step(1000, 5000); // the rest ends
        assertThat(calibrated(SocCalibration.OCV_REST, 9 * 60_000, 0)).isFalse();
    }

    @Test
    void aColdRestMustLastLonger() {
        temperature_dC = 50;
        start(50, Chemistry.NMC);
        cells(NMC.voltage_mV(30, 50));

        assertThat(calibrated(SocCalibration.OCV_REST, 29 * 60_000, 0)).isFalse();
        assertThat(calibrated(SocCalibration.OCV_REST, 2 * 60_000, 0)).isTrue();
    }

    @Test
    void cellsStillRelaxingDelayTheReading() {
        start(50, Chemistry.NMC);
        double voltage = NMC.voltage_mV(30, 250);
        boolean fired = false;
        for (int minute = 0; minute < 12 && !fired; minute++) {
            cells(voltage + 12 - minute); // still rising back by 1 mV a minute
            fired = calibrated(SocCalibration.OCV_REST, 60_000, 0);
        }
        assertThat(fired).isFalse();
    }

    @Test
    void lfpPlateauVoltagesDoNotCorrectATrustedEstimate() {
        start(50, Chemistry.LFP);
        cells(LFP.voltage_mV(60, 250));

        assertThat(calibrated(SocCalibration.OCV_REST, 30 * 60_000, 0)).isFalse();
    }

    @Test
    void lfpVoltagesNearTheKneeDoCorrect() {
        start(50, Chemistry.LFP);
        cells(LFP.voltage_mV(8, 250));

        assertThat(calibrated(SocCalibration.OCV_REST, 20 * 60_000, 0)).isTrue();
        assertThat(soc.internalSoc_pct()).isCloseTo(8, within(1.5));
    }

    @Test
    void aLostEstimateTakesEvenAPlateauVoltage() {
        start(50, Chemistry.LFP);
        step(SocEstimator.MAX_GAP_ms + 1, 0); // readings lost: the estimate is unknown
        cells(LFP.voltage_mV(65, 250));

        assertThat(calibrated(SocCalibration.OCV_REST, 20 * 60_000, 0)).isTrue();
        assertThat(soc.uncertainty_pct()).isLessThan(SocEstimator.UNKNOWN_pct);
    }

    // ---- full and empty ----

    @Test
    void fullChargeSyncsAfterTheHoldTime() {
        start(80, Chemistry.NMC);
        cells(settings.full().cell_mV() + 5);

        assertThat(calibrated(SocCalibration.FULL_CHARGE, 59_000, 3000)).isFalse();
        assertThat(calibrated(SocCalibration.FULL_CHARGE, 2000, 3000)).isTrue();
        assertThat(soc.internalSoc_pct()).isEqualTo(100);
        assertThat(soc.maxCellSoc_pct()).isEqualTo(100);
    }

    @Test
    void fullChargeWaitsForTheTailCurrent() {
        start(80, Chemistry.NMC);
        cells(settings.full().cell_mV() + 5);

        assertThat(calibrated(SocCalibration.FULL_CHARGE, 5 * 60_000, settings.full().tailCurrent_mA() + 1)).isFalse();
    }

    @Test
    void fullChargeNeedsTheVoltage() {
        start(80, Chemistry.NMC);
        cells(settings.full().cell_mV() - 1);

        assertThat(calibrated(SocCalibration.FULL_CHARGE, 5 * 60_000, 1000)).isFalse();
    }

    @Test
    void emptyKneeSyncsFromTheLowestCell() {
        start(30, Chemistry.NMC);
        cells(NMC.voltage_mV(30, 250));
        m.setCellVoltage_mV(3, settings.empty().cell_mV() - 20);

        assertThat(calibrated(SocCalibration.EMPTY_KNEE, 20_000, -5000)).isTrue();
        assertThat(soc.minCellSoc_pct()).isCloseTo(NMC.soc_pct(settings.empty().cell_mV() - 20, 250), within(0.01));
        assertThat(soc.internalSoc_pct()).isLessThan(6);
    }

    @Test
    void emptyKneeIgnoresAHeavyLoad() {
        start(30, Chemistry.NMC);
        cells(settings.empty().cell_mV() - 20);

        assertThat(calibrated(SocCalibration.EMPTY_KNEE, 60_000, -settings.empty().maxCurrent_mA() - 1)).isFalse();
    }

    // ---- display ----

    @Test
    void theShownSocFollowsACorrectionAtTheConfiguredRate() {
        start(50, Chemistry.NMC);
        cells(settings.full().cell_mV() + 5);
        assertThat(calibrated(SocCalibration.FULL_CHARGE, 120_000, 0)).isTrue();
        double shown = soc.soc_pct();
        assertThat(soc.internalSoc_pct()).isEqualTo(100);

        run(60_000, 1000, 0);

        assertThat(soc.soc_pct() - shown).isCloseTo(settings.displayRate_pctPerMin(), within(1e-6));
    }

    // ---- capacity ----

    @Test
    void learnsTheCapacityBetweenTwoCalibrationsFarApart() {
        start(98, Chemistry.NMC);
        cells(settings.full().cell_mV() + 5);
        assertThat(calibrated(SocCalibration.FULL_CHARGE, 120_000, 0)).isTrue();

        run(3_600_000, 1000, -45_000); // 45 Ah out
        cells(NMC.voltage_mV(50, 250)); // the cells say 50 %: they hold 90 Ah
        assertThat(calibrated(SocCalibration.OCV_REST, 20 * 60_000, 0)).isTrue();

        assertThat(soc.capacity_mAh()).isCloseTo(90_000, within(1500.0));
        assertThat(soc.soh_pct()).isCloseTo(90, within(1.5));
    }

    @Test
    void doesNotLearnFromCalibrationsTooClose() {
        start(98, Chemistry.NMC);
        cells(settings.full().cell_mV() + 5);
        assertThat(calibrated(SocCalibration.FULL_CHARGE, 120_000, 0)).isTrue();

        run(3_600_000, 1000, -30_000);
        cells(NMC.voltage_mV(65, 250));
        assertThat(calibrated(SocCalibration.OCV_REST, 20 * 60_000, 0)).isTrue();

        assertThat(soc.capacity_mAh()).isEqualTo(CAPACITY_mAh);
    }

    @Test
    void doesNotLearnInTheCold() {
        start(98, Chemistry.NMC);
        cells(settings.full().cell_mV() + 5);
        assertThat(calibrated(SocCalibration.FULL_CHARGE, 120_000, 0)).isTrue();

        temperature_dC = 50;
        run(3_600_000, 1000, -45_000);
        cells(NMC.voltage_mV(50, 50));
        assertThat(calibrated(SocCalibration.OCV_REST, 40 * 60_000, 0)).isTrue();

        assertThat(soc.capacity_mAh()).isEqualTo(CAPACITY_mAh);
    }

    // ---- persistence ----

    @Test
    void restoresASavedState() {
        soc = new SocEstimator(settings, CAPACITY_mAh, new int[] {0});
        soc.restore(new SocState(0, 72_000_000, 41, 39, 43, 95_000, 2, 1.5, 33, 12_000,
                SocCalibration.FULL_CHARGE, 5, new SocState.Anchor(100, -1000, 200, 260)), 60_000);
        cells(NMC.voltage_mV(80, 250));
        step(0, -10_000);

        assertThat(soc.charge_mAs()).isEqualTo(72_000_000);
        assertThat(soc.soc_pct()).isEqualTo(41);
        assertThat(soc.capacity_mAh()).isEqualTo(95_000);
        assertThat(soc.capacityLearnings()).isEqualTo(2);
        assertThat(soc.offset_mA()).isEqualTo(33);
        assertThat(soc.cycles()).isCloseTo(0.12, within(1e-12));
        assertThat(soc.anchored()).isTrue();
        assertThat(soc.countedSinceAnchor_mAs()).isEqualTo(-1000);
    }

    @Test
    void aLongDowntimeAtRestCalibratesAtOnce() {
        soc = new SocEstimator(settings, CAPACITY_mAh, new int[] {0});
        soc.restore(new SocState(0, 180_000_000, 50, 50, 50, CAPACITY_mAh, 0, 1, 0, 0, SocCalibration.FULL_CHARGE, 5,
                null), 3_600_000);
        cells(NMC.voltage_mV(30, 250));
        step(0, 0);

        assertThat(soc.event()).isEqualTo(SocCalibration.OCV_REST);
        assertThat(soc.internalSoc_pct()).isCloseTo(30, within(1.0));
    }

    @Test
    void aShortDowntimeDoesNot() {
        soc = new SocEstimator(settings, CAPACITY_mAh, new int[] {0});
        soc.restore(new SocState(0, 180_000_000, 50, 50, 50, CAPACITY_mAh, 0, 1, 0, 0, SocCalibration.FULL_CHARGE, 5,
                null), 60_000);
        cells(NMC.voltage_mV(30, 250));
        step(0, 0);

        assertThat(soc.event()).isNull();
        assertThat(soc.internalSoc_pct()).isEqualTo(50);
    }

    @Test
    void aDowntimeEndingUnderLoadDoesNot() {
        soc = new SocEstimator(settings, CAPACITY_mAh, new int[] {0});
        soc.restore(new SocState(0, 180_000_000, 50, 50, 50, CAPACITY_mAh, 0, 1, 0, 0, SocCalibration.FULL_CHARGE, 5,
                null), 3_600_000);
        cells(NMC.voltage_mV(30, 250));
        step(0, -20_000);

        assertThat(soc.event()).isNull();
    }

    @Test
    void blendIsTheUsableShare() {
        assertThat(SocEstimator.blend(20, 80)).isCloseTo(50, within(1e-9));
        assertThat(SocEstimator.blend(0, 90)).isZero();
        assertThat(SocEstimator.blend(10, 100)).isEqualTo(100);
        assertThat(SocEstimator.blend(40, 40)).isCloseTo(40, within(1e-9));
    }
}
