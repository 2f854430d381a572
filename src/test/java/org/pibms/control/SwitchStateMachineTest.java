package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.pibms.control.SwitchStateMachine.Discharge;

/** One test per transition of the switch state machine (docs/protection.md, "Switching"). */
class SwitchStateMachineTest {

    private static final int PACK_mV = 52_000;
    private static final int MARGIN_mV = 2000;
    private static final int TIMEOUT_ms = 3000;
    private static final long ms = 1_000_000L;

    private final SwitchStateMachine withPrecharge = new SwitchStateMachine(true, TIMEOUT_ms, MARGIN_mV);
    private final SwitchStateMachine withoutPrecharge = new SwitchStateMachine(false, TIMEOUT_ms, MARGIN_mV);

    @Test
    void chargeFollowsWhetherChargingIsAllowed() {
        withoutPrecharge.step(0, true, false, PACK_mV, 0);
        assertThat(withoutPrecharge.chargeMos()).isTrue();
        withoutPrecharge.step(100 * ms, false, false, PACK_mV, 0);
        assertThat(withoutPrecharge.chargeMos()).isFalse();
    }

    @Test
    void withoutAPrechargeOutputDischargeClosesAtOnce() {
        withoutPrecharge.step(0, false, true, -1, -1);
        assertThat(withoutPrecharge.discharge()).isEqualTo(Discharge.ON);
        assertThat(withoutPrecharge.dischargeMos()).isTrue();
        assertThat(withoutPrecharge.precharge()).isFalse();
    }

    @Test
    void offToPrechargingWhenTheLoadIsFarFromThePack() {
        withPrecharge.step(0, false, true, PACK_mV, 0);
        assertThat(withPrecharge.discharge()).isEqualTo(Discharge.PRECHARGING);
        assertThat(withPrecharge.precharge()).isTrue();
        assertThat(withPrecharge.dischargeMos()).isFalse();
    }

    @Test
    void offToOnWhenTheLoadIsAlreadyWithinTheMargin() {
        withPrecharge.step(0, false, true, PACK_mV, PACK_mV - MARGIN_mV);
        assertThat(withPrecharge.discharge()).isEqualTo(Discharge.ON);
        assertThat(withPrecharge.precharge()).isFalse();
    }

    @Test
    void prechargingToOnWhenTheLoadReachesTheMargin() {
        withPrecharge.step(0, false, true, PACK_mV, 0);
        withPrecharge.step(100 * ms, false, true, PACK_mV, PACK_mV - MARGIN_mV - 1);
        assertThat(withPrecharge.discharge()).isEqualTo(Discharge.PRECHARGING);
        withPrecharge.step(200 * ms, false, true, PACK_mV, PACK_mV - MARGIN_mV);
        assertThat(withPrecharge.discharge()).isEqualTo(Discharge.ON);
        assertThat(withPrecharge.dischargeMos()).isTrue();
        assertThat(withPrecharge.precharge()).as("the pre-charge opens as the MOS closes").isFalse();
    }

    @Test
    void prechargingToOffWhenTheTimeoutEndsWithoutTheLoadCharged() {
        withPrecharge.step(0, false, true, PACK_mV, 0);
        withPrecharge.step((TIMEOUT_ms - 1) * ms, false, true, PACK_mV, 1000);
        assertThat(withPrecharge.discharge()).isEqualTo(Discharge.PRECHARGING);
        assertThat(withPrecharge.prechargeTimedOut()).isFalse();

        withPrecharge.step(TIMEOUT_ms * ms, false, true, PACK_mV, 1000);
        assertThat(withPrecharge.discharge()).isEqualTo(Discharge.OFF);
        assertThat(withPrecharge.precharge()).isFalse();
        assertThat(withPrecharge.prechargeTimedOut()).isTrue();

        withPrecharge.step((TIMEOUT_ms + 100) * ms, false, false, PACK_mV, 1000);
        assertThat(withPrecharge.prechargeTimedOut()).as("reported in one step only").isFalse();
    }

    @Test
    void anUnknownLoadVoltageNeverCountsAsCharged() {
        withPrecharge.step(0, false, true, PACK_mV, -1);
        withPrecharge.step(TIMEOUT_ms * ms, false, true, PACK_mV, -1);
        assertThat(withPrecharge.prechargeTimedOut()).isTrue();
    }

    @Test
    void prechargingToOffWhenDischargingIsNoLongerAllowed() {
        withPrecharge.step(0, false, true, PACK_mV, 0);
        withPrecharge.step(100 * ms, false, false, PACK_mV, 20_000);
        assertThat(withPrecharge.discharge()).isEqualTo(Discharge.OFF);
        assertThat(withPrecharge.precharge()).isFalse();
        assertThat(withPrecharge.prechargeTimedOut()).isFalse();
    }

    @Test
    void onToOffWhenDischargingIsNoLongerAllowed() {
        withoutPrecharge.step(0, true, true, PACK_mV, PACK_mV);
        withoutPrecharge.step(100 * ms, true, false, PACK_mV, PACK_mV);
        assertThat(withoutPrecharge.dischargeMos()).isFalse();
        assertThat(withoutPrecharge.chargeMos()).as("the charge path is separate").isTrue();
    }

    @Test
    void onStaysOnWhileAllowedWhateverTheLoadVoltage() {
        withPrecharge.step(0, false, true, PACK_mV, PACK_mV);
        withPrecharge.step(100 * ms, false, true, PACK_mV, 0);
        assertThat(withPrecharge.discharge()).isEqualTo(Discharge.ON);
    }

    @Test
    void aNewPrechargeStartsItsOwnTimeout() {
        withPrecharge.step(0, false, true, PACK_mV, 0);
        withPrecharge.step(1000 * ms, false, false, PACK_mV, 0);
        withPrecharge.step(2000 * ms, false, true, PACK_mV, 0);
        withPrecharge.step((2000 + TIMEOUT_ms - 1) * ms, false, true, PACK_mV, 0);
        assertThat(withPrecharge.prechargeTimedOut()).isFalse();
        assertThat(withPrecharge.discharge()).isEqualTo(Discharge.PRECHARGING);
    }

    @Test
    void openAllOpensEverythingAndTheNextAllowedStepStartsOver() {
        withPrecharge.step(0, true, true, PACK_mV, PACK_mV);
        withPrecharge.openAll();
        assertThat(withPrecharge.chargeMos()).isFalse();
        assertThat(withPrecharge.dischargeMos()).isFalse();
        withPrecharge.step(100 * ms, true, true, PACK_mV, 0);
        assertThat(withPrecharge.discharge()).isEqualTo(Discharge.PRECHARGING);
    }
}
