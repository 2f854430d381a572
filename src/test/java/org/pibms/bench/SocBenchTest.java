package org.pibms.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.pibms.core.Chemistry;

/**
 * The accuracy the benchmark prints, held for a few scenarios of its matrix (docs/soc.md lists
 * the whole matrix).
 */
class SocBenchTest {

    @Test
    void nmcAtRoomTemperatureMeetsItsTargetsWithEitherSensorError() {
        for (int sign : new int[] {1, -1}) {
            SocBench.Result r = SocBench.run(new SocBench.Scenario(Chemistry.NMC, 0, 30 * sign, 0.5 * sign, 1.0 * sign,
                    35, 7), 1);

            assertThat(r.firstCalibration_h()).isLessThan(7);
            assertThat(r.afterCalibration().rms_pct()).isLessThanOrEqualTo(2);
            assertThat(r.afterCalibration().max_pct()).isLessThanOrEqualTo(4);
            assertThat(r.learnedCapacity_Ah()).isCloseTo(r.trueCapacity_Ah(), within(2.0));
        }
    }

    @Test
    void lfpWithAFullChargeEveryThreeDaysMeetsItsTargets() {
        SocBench.Result r = SocBench.run(new SocBench.Scenario(Chemistry.LFP, 3, -30, 0.5, 1.0, 35, 7), 1);

        assertThat(r.firstCalibration_h()).isBetween(48.0, 72.0);
        assertThat(r.afterCalibration().rms_pct()).isLessThanOrEqualTo(3);
        assertThat(r.afterCalibration().max_pct()).isLessThanOrEqualTo(6);
    }

    @Test
    void nmcInTheColdMeetsItsTargetsWithoutLearningTheCapacity() {
        SocBench.Result r = SocBench.run(new SocBench.Scenario(Chemistry.NMC, 3, -30, -0.5, -1.0, 5, 7), 1);

        assertThat(r.afterCalibration().rms_pct()).isLessThanOrEqualTo(2);
        assertThat(r.afterCalibration().max_pct()).isLessThanOrEqualTo(4);
        assertThat(r.learnedCapacity_Ah()).isEqualTo(SocBench.NAMEPLATE_mAh / 1000.0);
    }

    @Test
    void anAgedLfpPackLearnsItsCapacityFromTheKnee() {
        SocBench.Result r = SocBench.run(new SocBench.Scenario(SocBench.AGED_CAPACITY_mAh, Chemistry.LFP, 3, 30, -0.5,
                -1.0, 35, 7), 1);

        assertThat(r.targeted()).isFalse();
        assertThat(r.learnedCapacity_Ah()).isCloseTo(r.trueCapacity_Ah(), within(2.0));
        assertThat(r.afterCalibration().max_pct()).as("the nameplate's error before the knee").isGreaterThan(6);
    }

    @Test
    void lfpWithoutAFullChargeOrAKneeHasNoCalibration() {
        SocBench.Result r = SocBench.run(new SocBench.Scenario(Chemistry.LFP, 0, 30, 0.5, 1.0, 35, 3), 1);

        assertThat(r.firstCalibration_h()).isNaN();
        assertThat(r.overall().max_pct()).isGreaterThan(20);
    }
}
