package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.pibms.core.Chemistry;
import org.pibms.core.Measurement;
import org.pibms.core.OcvCurve;

class SocEstimatorTest {

    private static final long MS = 1_000_000L;

    private final OcvCurve nmc = OcvCurve.defaultFor(Chemistry.NMC);
    private final SocEstimator soc = new SocEstimator(nmc, 100_000);
    private final Measurement m = new Measurement(10, 1);
    private long now_ns;

    @Test
    void startsFromTheOpenCircuitVoltageOfTheAverageCell() {
        cellsAt((int) Math.round(nmc.voltage_mV(30, 250)));
        step(0);

        assertThat(soc.initialised()).isTrue();
        assertThat(soc.soc_pct()).isCloseTo(30, within(0.1));
    }

    @Test
    void waitsForAValidCellReading() {
        m.invalidate(0);
        m.setCurrent_mA(-1000);
        soc.update(m);

        assertThat(soc.initialised()).isFalse();
    }

    @Test
    void countsAmpereHours() {
        cellsAt((int) Math.round(nmc.voltage_mV(20, 250)));
        double start = stepAndSoc(30_000);

        for (int i = 0; i < 36_000; i++) { // one hour of 100 ms ticks at 30 A
            now_ns += 100 * MS;
            step(30_000);
        }

        assertThat(soc.soc_pct() - start).isCloseTo(30, within(1e-6));
    }

    @Test
    void countsEvenTheSmallestCurrentsWithoutRoundingThemAway() {
        cellsAt((int) Math.round(nmc.voltage_mV(50, 250)));
        step(-1);
        long start = soc.charge_nAs();

        // 1 mA over 333 ns steps is 0.333 nAs each: only the carried remainder counts it
        for (int i = 0; i < 3_000_000; i++) {
            now_ns += 333;
            step(-1);
        }

        assertThat(start - soc.charge_nAs()).isEqualTo(999_000); // 1 mA × 0.999 s
    }

    @Test
    void usesTheMeasuredTimeBetweenSamples() {
        cellsAt((int) Math.round(nmc.voltage_mV(50, 250)));
        step(10_000);
        long start = soc.charge_nAs();
        now_ns += 90 * MS;
        step(10_000);
        now_ns += 130 * MS;
        step(10_000);

        assertThat(soc.charge_nAs() - start).isEqualTo(10_000L * 220 * 1000); // 10 A × 220 ms in nAs
    }

    @Test
    void aGapWithoutCurrentIsNotGuessed() {
        cellsAt((int) Math.round(nmc.voltage_mV(50, 250)));
        step(10_000);
        long start = soc.charge_nAs();
        now_ns += 100 * MS;
        m.invalidate(now_ns);
        m.setCellVoltagesValid(true);
        soc.update(m); // current read failed
        now_ns += 100 * MS;
        step(10_000);
        now_ns += 100 * MS;
        step(10_000);

        assertThat(soc.charge_nAs() - start).isEqualTo(10_000L * 100 * 1000); // only the last interval
    }

    @Test
    void staysBetweenEmptyAndFull() {
        cellsAt((int) Math.round(nmc.voltage_mV(99, 250)));
        step(100_000);
        for (int i = 0; i < 1000; i++) {
            now_ns += 100 * MS;
            step(100_000);
        }
        assertThat(soc.soc_pct()).isEqualTo(100);

        for (int i = 0; i < 100_000; i++) {
            now_ns += 100 * MS;
            step(-100_000);
        }
        assertThat(soc.soc_pct()).isZero();
    }

    private void cellsAt(int voltage_mV) {
        for (int i = 0; i < m.cellCount(); i++) {
            m.setCellVoltage_mV(i, voltage_mV);
        }
    }

    private void step(int current_mA) {
        m.invalidate(now_ns);
        m.setCellVoltagesValid(true);
        m.setTemperature_dC(0, 250);
        m.setCurrent_mA(current_mA);
        soc.update(m);
    }

    private double stepAndSoc(int current_mA) {
        step(current_mA);
        return soc.soc_pct();
    }
}
