package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.pibms.core.FaultId;
import org.pibms.core.Measurement;
import org.pibms.core.settings.ProtectionSettings;
import org.pibms.core.settings.VoltageLimit;

/** One transition per test, from a healthy pack: 3300 mV in every cell. */
class ProtectionTest {

    private static final long MS = 1_000_000L;

    private final Protection protection = new Protection(new ProtectionSettings(
            new VoltageLimit(3650, 3400, 1000), new VoltageLimit(2700, 3000, 500)));
    private final Measurement m = new Measurement(8, 0);

    @Test
    void aHealthyPackHasNoFault() {
        assertThat(evaluate(0, 3300, 3300)).isZero();
    }

    @Test
    void overvoltageTripsOnlyAfterItsDelay() {
        assertThat(evaluate(0, 3650, 3300)).isZero();
        assertThat(evaluate(999, 3660, 3300)).isZero();
        assertThat(evaluate(1000, 3660, 3300)).isEqualTo(FaultId.CELL_OVERVOLTAGE.bit());
    }

    @Test
    void aDipBelowTheTripLevelRestartsTheDelay() {
        evaluate(0, 3660, 3300);
        evaluate(700, 3640, 3300);
        assertThat(evaluate(1200, 3660, 3300)).isZero();
        assertThat(evaluate(2199, 3660, 3300)).isZero();
        assertThat(evaluate(2200, 3660, 3300)).isEqualTo(FaultId.CELL_OVERVOLTAGE.bit());
    }

    @Test
    void overvoltageClearsOnlyAtItsRecoveryLevel() {
        evaluate(0, 3700, 3300);
        evaluate(1000, 3700, 3300);
        assertThat(evaluate(2000, 3500, 3300)).isEqualTo(FaultId.CELL_OVERVOLTAGE.bit());
        assertThat(evaluate(3000, 3401, 3300)).isEqualTo(FaultId.CELL_OVERVOLTAGE.bit());
        assertThat(evaluate(4000, 3400, 3300)).isZero();
    }

    @Test
    void undervoltageTripsAfterItsDelayAndClearsAtItsRecoveryLevel() {
        assertThat(evaluate(0, 3300, 2700)).isZero();
        assertThat(evaluate(500, 3300, 2650)).isEqualTo(FaultId.CELL_UNDERVOLTAGE.bit());
        assertThat(evaluate(600, 3300, 2999)).isEqualTo(FaultId.CELL_UNDERVOLTAGE.bit());
        assertThat(evaluate(700, 3300, 3000)).isZero();
    }

    @Test
    void aZeroDelayTripsOnTheFirstReading() {
        Protection immediate = new Protection(new ProtectionSettings(
                new VoltageLimit(3650, 3400, 0), new VoltageLimit(2700, 3000, 0)));
        cells(3300, 2600);
        m.invalidate(0);
        m.setCellVoltagesValid(true);

        assertThat(immediate.evaluate(m)).isEqualTo(FaultId.CELL_UNDERVOLTAGE.bit());
    }

    @Test
    void lostCellReadingsTripAfterOneSecond() {
        evaluate(0, 3300, 3300);
        assertThat(invalid(100)).isZero();
        assertThat(invalid(1099)).isZero();
        assertThat(invalid(1100)).isEqualTo(FaultId.AFE_COMMUNICATION_LOST.bit());
        assertThat(evaluate(1200, 3300, 3300)).isZero();
    }

    @Test
    void cellFaultsHoldWhileTheReadingsAreLost() {
        evaluate(0, 3700, 3300);
        evaluate(1000, 3700, 3300);
        invalid(1100);
        assertThat(invalid(2100)).isEqualTo(FaultId.CELL_OVERVOLTAGE.bit() | FaultId.AFE_COMMUNICATION_LOST.bit());
        assertThat(evaluate(2200, 3700, 3300)).isEqualTo(FaultId.CELL_OVERVOLTAGE.bit());
    }

    /** Cell 3 at {@code high}, cell 6 at {@code low}, the rest at 3300 mV. */
    private long evaluate(long at_ms, int high, int low) {
        cells(high, low);
        m.invalidate(at_ms * MS);
        m.setCellVoltagesValid(true);
        return protection.evaluate(m);
    }

    private long invalid(long at_ms) {
        m.invalidate(at_ms * MS);
        return protection.evaluate(m);
    }

    private void cells(int high, int low) {
        for (int i = 0; i < m.cellCount(); i++) {
            m.setCellVoltage_mV(i, 3300);
        }
        m.setCellVoltage_mV(2, high);
        m.setCellVoltage_mV(5, low);
    }
}
