package org.pibms.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OcvCurveTest {

    private final OcvCurve lfp = OcvCurve.defaultFor(Chemistry.LFP);
    private final OcvCurve nmc = OcvCurve.defaultFor(Chemistry.NMC);

    @Test
    void tablePointsAreReturnedExactly() {
        assertThat(lfp.voltage_mV(0, 250)).isEqualTo(2833);
        assertThat(lfp.voltage_mV(50, 250)).isEqualTo(3265);
        assertThat(lfp.voltage_mV(100, 250)).isEqualTo(3392);
        assertThat(nmc.voltage_mV(50, 250)).isEqualTo(3838);
        assertThat(nmc.voltage_mV(100, 250)).isEqualTo(4198);
    }

    @Test
    void betweenPointsTheCurveIsLinear() {
        // NMC 45 % = 3819 mV, 50 % = 3838 mV
        assertThat(nmc.voltage_mV(47.5, 250)).isCloseTo(3828.5, within(1e-9));
    }

    @Test
    void outsideTheTableTheEndsHold() {
        assertThat(lfp.voltage_mV(-10, 250)).isEqualTo(2833);
        assertThat(lfp.voltage_mV(120, 250)).isEqualTo(3392);
        assertThat(lfp.soc_pct(2000, 250)).isZero();
        assertThat(lfp.soc_pct(3600, 250)).isEqualTo(100);
    }

    @Test
    void inverseRoundTripsEverywhere() {
        for (double soc = 0; soc <= 100; soc += 0.5) {
            assertThat(nmc.soc_pct(nmc.voltage_mV(soc, 250), 250)).isCloseTo(soc, within(1e-9));
            assertThat(lfp.soc_pct(lfp.voltage_mV(soc, 250), 250)).isCloseTo(soc, within(1e-9));
        }
    }

    @Test
    void temperatureColumnsAreInterpolated() {
        OcvCurve curve = OcvCurve.of(new double[] {0, 100}, new int[] {0, 400},
                new int[][] {{3000, 4000}, {3100, 4100}});

        assertThat(curve.voltage_mV(50, 0)).isEqualTo(3500);
        assertThat(curve.voltage_mV(50, 200)).isEqualTo(3550);
        assertThat(curve.voltage_mV(50, 400)).isEqualTo(3600);
        assertThat(curve.voltage_mV(50, -100)).isEqualTo(3500);
        assertThat(curve.voltage_mV(50, 900)).isEqualTo(3600);
        assertThat(curve.soc_pct(3550, 200)).isCloseTo(50, within(1e-9));
    }

    @Test
    void aTableThatIsNotStrictlyRisingIsRefused() {
        assertThatThrownBy(() -> OcvCurve.of(new double[] {0, 50, 100}, new int[] {250},
                new int[][] {{3000, 3300, 3300}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must rise strictly with SOC (at 100.0 %)");
        assertThatThrownBy(() -> OcvCurve.of(new double[] {0, 60, 50, 100}, new int[] {250},
                new int[][] {{3000, 3100, 3200, 3300}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SOC points must rise strictly");
        assertThatThrownBy(() -> OcvCurve.of(new double[] {10, 100}, new int[] {250}, new int[][] {{3000, 3300}}))
                .hasMessageContaining("from 0 to 100");
    }
}
