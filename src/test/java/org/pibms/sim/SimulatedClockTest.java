package org.pibms.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.pibms.ManualClock;

class SimulatedClockTest {

    private static final long S = 1_000_000_000L;

    private final ManualClock real = new ManualClock(1000 * S);

    @Test
    void timeMovesOnlyBySleeping() throws Exception {
        SimulatedClock clock = new SimulatedClock(real, 10);
        real.advance(2 * S); // the CPU was busy: no simulated time passes
        assertThat(clock.nanoTime()).isZero();

        clock.sleepUntil(50 * S);
        assertThat(clock.nanoTime()).isEqualTo(50 * S);
        assertThat(clock.epochMillis()).isEqualTo(real.epochMillis() - 5000 + 50_000);
    }

    @Test
    void sleepsKeepPaceWithRealTimeTimesTheScaleWithoutDrift() throws Exception {
        SimulatedClock clock = new SimulatedClock(real, 10);

        clock.sleepUntil(50 * S);
        assertThat(real.nanoTime()).as("50 simulated s at 10x").isEqualTo(1005 * S);
        real.advance(S / 2); // computing between sleeps
        clock.sleepUntil(60 * S);
        assertThat(real.nanoTime()).as("the deadline is absolute: computing time is made up").isEqualTo(1006 * S);
    }

    @Test
    void changingTheScaleKeepsTimeContinuous() throws Exception {
        SimulatedClock clock = new SimulatedClock(real, 2);
        clock.sleepUntil(20 * S);
        assertThat(real.nanoTime()).isEqualTo(1010 * S);

        clock.setTimeScale(100);
        clock.sleepUntil(120 * S);
        assertThat(real.nanoTime()).isEqualTo(1011 * S);

        clock.setTimeScale(Double.POSITIVE_INFINITY);
        clock.sleepUntil(3600 * S);
        assertThat(clock.nanoTime()).isEqualTo(3600 * S);
        assertThat(real.nanoTime()).as("free-running: no real waiting").isEqualTo(1011 * S);

        clock.setTimeScale(1);
        clock.sleepUntil(3601 * S);
        assertThat(real.nanoTime()).isEqualTo(1012 * S);
    }

    @Test
    void aDeadlineInThePastReturnsAtOnce() throws Exception {
        SimulatedClock clock = new SimulatedClock(real, 1);
        clock.sleepUntil(10 * S);
        clock.sleepUntil(5 * S);
        assertThat(clock.nanoTime()).isEqualTo(10 * S);
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
