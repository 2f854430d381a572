package org.pibms.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pibms.core.FaultId;
import org.pibms.core.Severity;

/**
 * The balancing scenario end to end, through the real LTC6813 driver and the chip
 * emulator: 16S NMC 20 Ah, cells 60 mV apart at 90 % SOC, charged through a CV phase, must
 * settle at a cell delta of 10 mV or less.
 */
class BalanceBenchTest {

    @Test
    void a60mVSpreadAt90PercentConvergesTo10mVThroughTheCvPhase() {
        BalanceBench.Result r = BalanceBench.run(BalanceBench.Scenario.standard(), null);
        String report = String.join("\n", BalanceBench.report(r));

        assertThat(r.converged()).as(report).isTrue();
        assertThat(r.finalDelta_mV()).as(report).isLessThanOrEqualTo(10);
        // the highest cell has to lose about 1.4 Ah at 100 mA: 14 h and a tail; a day would be a failure
        assertThat(r.converge_h()).as(report).isBetween(12.0, 20.0);
        assertThat(r.cv_h()).as("the CC phase at 0.2 C from 90 %").isBetween(0.05, 1.0);

        List<Double> bled = r.balanced_mAh();
        double lowest = bled.get(0);
        assertThat(lowest).as("cell 1 started lowest and never needed to bleed").isLessThan(10);
        for (int cell = 8; cell < 16; cell++) {
            assertThat(bled.get(cell)).as("cell %d started high", cell + 1).isGreaterThan(lowest + 500);
        }
        assertThat(bled.get(15)).as("cell 16 started highest").isEqualTo(bled.stream().mapToDouble(d -> d).max()
                .orElseThrow());
        assertThat(r.bled_Wh()).as("every mAh bled at about 4.15 V").isCloseTo(r.bled_Ah() * 4.15,
                org.assertj.core.data.Percentage.withPercentage(3));
        assertThat(r.bled_Wh()).isGreaterThan(20);

        assertThat(r.faults()).as("nothing worse than the overvoltage warning of a full NMC cell")
                .allMatch(f -> f.severity() == Severity.WARNING);
        assertThat(r.maxBalance_C()).as("the balancer never had to stop for heat").isLessThan(60);
    }
}
