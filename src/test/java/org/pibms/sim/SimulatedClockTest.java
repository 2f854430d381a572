package org.pibms.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.pibms.ManualClock;

class SimulatedClockTest {

    private static final long S = 1_000_000_000L;

    private final ManualClock real = new ManualClock(1000 * S);

    @Test
    void simulatedTimeRunsAtTheScale() throws Exception {
        SimulatedClock clock = new SimulatedClock(real, 10);
        assertThat(clock.nanoTime()).isZero();

        real.advance(2 * S);
        assertThat(clock.nanoTime()).isEqualTo(20 * S);

        clock.sleepUntil(50 * S); // 3 more real seconds
        assertThat(real.nanoTime()).isEqualTo(1005 * S);
        assertThat(clock.nanoTime()).isEqualTo(50 * S);
        assertThat(clock.epochMillis()).isEqualTo(real.epochMillis() - 5000 + 50_000);
    }

    @Test
    void changingTheScaleKeepsTimeContinuous() throws Exception {
        SimulatedClock clock = new SimulatedClock(real, 2);
        real.advance(10 * S);
        clock.setTimeScale(100);
        assertThat(clock.nanoTime()).isEqualTo(20 * S);

        real.advance(S);
        assertThat(clock.nanoTime()).isEqualTo(120 * S);

        clock.setTimeScale(Double.POSITIVE_INFINITY);
        real.advance(1000 * S);
        assertThat(clock.nanoTime()).isEqualTo(120 * S); // free-running: only sleeping moves it
        clock.sleepUntil(3600 * S);
        assertThat(clock.nanoTime()).isEqualTo(3600 * S);

        clock.setTimeScale(1);
        real.advance(S);
        assertThat(clock.nanoTime()).isEqualTo(3601 * S);
    }

    @Test
    void aScaleMustBePositive() {
        SimulatedClock clock = new SimulatedClock(real, 1);
        assertThatThrownBy(() -> clock.setTimeScale(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> clock.setTimeScale(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scalesAreDescribedForPeople() {
        assertThat(SimulatedClock.describe(1)).isEqualTo("1x real time");
        assertThat(SimulatedClock.describe(60)).isEqualTo("60x real time");
        assertThat(SimulatedClock.describe(0.5)).isEqualTo("0.5x real time");
        assertThat(SimulatedClock.describe(Double.POSITIVE_INFINITY)).isEqualTo("maximum speed");
    }
}
