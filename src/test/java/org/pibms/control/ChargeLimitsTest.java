package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pibms.core.Chemistry;
import org.pibms.core.FaultId;
import org.pibms.core.settings.ChargeLimitSettings;
import org.pibms.core.settings.ProtectionSettings;

/** The limit curves: cell tapers, temperature windows, MOS derating, SOC, faults, holds and ramps, float. */
class ChargeLimitsTest {

    /** 16S LFP, 100 A charge and 150 A discharge at most, defaults otherwise. */
    private static final ChargeLimitSettings SETTINGS = ChargeLimitSettings.defaultsFor(Chemistry.LFP, 100_000,
            150_000);
    private static final ProtectionSettings LIMITS = ProtectionSettings.defaultsFor(new ProtectionSettings.Pack(
            Chemistry.LFP, 16, 280_000, 300_000));

    private ChargeLimits limits;
    private ChargeLimits.Inputs in;
    private long now_ms;

    @BeforeEach
    void healthyPackAtRest() {
        limits = new ChargeLimits(16, SETTINGS);
        in = new ChargeLimits.Inputs();
        in.cellsKnown = true;
        in.highestCell_mV = 3320;
        in.lowestCell_mV = 3300;
        in.packKnown = true;
        in.pack_mV = 52_900;
        in.cellTemperaturesKnown = true;
        in.highestCellTemperature_dC = 250;
        in.lowestCellTemperature_dC = 240;
        in.socKnown = true;
        in.soc_permille = 600;
        in.chargeMos = true;
        in.dischargeMos = true;
        // past the start-up hold and ramp
        run(120_000);
    }

    /** Ticks every 100 ms for this long. */
    private void run(long ms) {
        long end = now_ms + ms;
        while (now_ms < end) {
            now_ms += 100;
            limits.update(now_ms, in, LIMITS);
        }
    }

    @Test
    void aHealthyPackGetsTheConfiguredMaximaAndTheBulkVoltage() {
        assertThat(limits.ccl_mA()).isEqualTo(100_000);
        assertThat(limits.dcl_mA()).isEqualTo(150_000);
        assertThat(limits.cvl_mV()).isEqualTo(16 * 3450);
        assertThat(limits.phase()).isEqualTo(ChargeLimits.Phase.BULK);
    }

    @Test
    void chargeTapersOnTheHighestCellAndIsZeroAtTheTaperEnd() {
        in.highestCell_mV = 3400;
        run(100);
        assertThat(limits.ccl_mA()).isEqualTo(100_000);
        in.highestCell_mV = 3450;
        run(100);
        assertThat(limits.ccl_mA()).isEqualTo(50_000);
        in.highestCell_mV = 3475;
        run(100);
        assertThat(limits.ccl_mA()).isEqualTo(25_000);
        in.highestCell_mV = 3500;
        run(100);
        assertThat(limits.ccl_mA()).isZero();
        assertThat(limits.dcl_mA()).as("discharge untouched").isEqualTo(150_000);
    }

    @Test
    void dischargeTapersOnTheLowestCell() {
        in.lowestCell_mV = 3000;
        run(100);
        assertThat(limits.dcl_mA()).isEqualTo(75_000);
        in.lowestCell_mV = 2900;
        run(100);
        assertThat(limits.dcl_mA()).isZero();
        assertThat(limits.ccl_mA()).isEqualTo(100_000);
    }

    @Test
    void theChargeWindowClosesAtTheProtectionLevelsWithATaperInside() {
        // charge under-temperature trips at 0 °C: full from 5 °C, half at 2.5 °C, none at 0 °C
        in.lowestCellTemperature_dC = 25;
        run(100);
        assertThat(limits.ccl_mA()).isEqualTo(50_000);
        assertThat(limits.dcl_mA()).as("discharging is allowed down to -20 °C").isEqualTo(150_000);
        in.lowestCellTemperature_dC = 0;
        run(100);
        assertThat(limits.ccl_mA()).isZero();
        in.lowestCellTemperature_dC = 240;
        // charge over-temperature trips at 50 °C: half at 47.5 °C
        in.highestCellTemperature_dC = 475;
        run(100);
        assertThat(limits.ccl_mA()).isZero().as("held after it was zero");
        run(SETTINGS.recoveryHold_ms());
        run(60_000);
        assertThat(limits.ccl_mA()).isEqualTo(50_000);
    }

    @Test
    void unknownCellTemperaturesAllowNothing() {
        in.cellTemperaturesKnown = false;
        run(100);
        assertThat(limits.ccl_mA()).isZero();
        assertThat(limits.dcl_mA()).isZero();
    }

    @Test
    void aHotMosDeratesBothDirections() {
        int trip = LIMITS.limit(FaultId.MOS_OVERTEMPERATURE).trip();
        in.mosTemperatureKnown = true;
        in.mosTemperature_dC = trip - SETTINGS.mosDerate_dC() / 2;
        run(100);
        assertThat(limits.ccl_mA()).isEqualTo(50_000);
        assertThat(limits.dcl_mA()).isEqualTo(75_000);
    }

    @Test
    void aLowSocReducesDischargeToAFloor() {
        in.soc_permille = 50;
        run(100);
        assertThat(limits.dcl_mA()).isEqualTo((int) (150_000 * (0.2 + 0.8 * 0.5)));
        in.soc_permille = 0;
        run(100);
        assertThat(limits.dcl_mA()).isEqualTo((int) (150_000 * 0.2));
        assertThat(limits.ccl_mA()).isEqualTo(100_000);
    }

    @Test
    void aFaultZeroesItsDirectionAndRecoveryHoldsThenRamps() {
        in.faults = FaultId.CELL_OVERVOLTAGE.bit();
        run(100);
        assertThat(limits.ccl_mA()).isZero();
        assertThat(limits.dcl_mA()).isEqualTo(150_000);

        in.faults = 0;
        run(SETTINGS.recoveryHold_ms() - 200);
        assertThat(limits.ccl_mA()).as("still held").isZero();
        run(200);
        run(1000);
        assertThat(limits.ccl_mA()).as("one second into the 5 A/s ramp").isBetween(4_500, 5_500);
        run(10_000);
        assertThat(limits.ccl_mA()).isBetween(54_500, 55_500);
        run(10_000);
        assertThat(limits.ccl_mA()).isEqualTo(100_000);

        in.faults = FaultId.CELL_UNDERVOLTAGE.bit();
        run(100);
        assertThat(limits.dcl_mA()).isZero();
        assertThat(limits.ccl_mA()).isEqualTo(100_000);
    }

    @Test
    void anOpenMosIsALimitOfZero() {
        in.dischargeMos = false;
        run(100);
        assertThat(limits.dcl_mA()).isZero();
        in.chargeMos = false;
        run(100);
        assertThat(limits.ccl_mA()).isZero();
    }

    @Test
    void absorptionAtTheBulkVoltageEndsInFloatUntilTheSocDropsBelowRebulk() {
        in.pack_mV = 16 * 3450 - 16 * 3;
        in.soc_permille = 990;
        run(SETTINGS.absorption_ms() - 1000);
        assertThat(limits.phase()).isEqualTo(ChargeLimits.Phase.BULK);
        run(1100);
        assertThat(limits.phase()).isEqualTo(ChargeLimits.Phase.FLOAT);
        assertThat(limits.cvl_mV()).isEqualTo(16 * 3375);

        in.pack_mV = 52_000;
        in.soc_permille = 950;
        run(1000);
        assertThat(limits.phase()).as("above re-bulk").isEqualTo(ChargeLimits.Phase.FLOAT);
        in.soc_permille = 899;
        run(100);
        assertThat(limits.phase()).isEqualTo(ChargeLimits.Phase.BULK);
        assertThat(limits.cvl_mV()).isEqualTo(16 * 3450);
    }

    @Test
    void leavingTheBulkVoltageRestartsAbsorption() {
        in.pack_mV = 16 * 3450;
        run(SETTINGS.absorption_ms() / 2);
        in.pack_mV = 16 * 3400;
        run(100);
        in.pack_mV = 16 * 3450;
        run(SETTINGS.absorption_ms() / 2 + 1000);
        assertThat(limits.phase()).isEqualTo(ChargeLimits.Phase.BULK);
    }
}
