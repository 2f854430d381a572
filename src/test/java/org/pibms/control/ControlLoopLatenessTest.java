package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.pibms.ManualClock;
import org.pibms.core.Clock;
import org.pibms.sim.SimulatedClock;

/** The lateness recording the jitter bench relies on: what it records, and in which time. */
class ControlLoopLatenessTest {

    private static final long MS = 1_000_000L;

    @Test
    void eachTickStartsLatenessIsRecordedOldestFirstAndOnlyWhileARingIsInstalled() {
        ManualClock clock = new ManualClock(0);
        int[] sleeps = {0};
        // wakes every other sleeper 3 ms past its deadline, as a busy machine might
        Clock late = new Clock() {
            @Override
            public long nanoTime() {
                return clock.nanoTime();
            }

            @Override
            public long epochMillis() {
                return clock.epochMillis();
            }

            @Override
            public void sleepUntil(long deadline_ns) {
                clock.sleepUntil(deadline_ns);
                if (sleeps[0]++ % 2 == 1) {
                    clock.advance(3 * MS);
                }
            }
        };
        ControlLoop.LatenessRing ring = new ControlLoop.LatenessRing(4);
        ControlLoop[] loop = new ControlLoop[1];
        int[] ticks = {0};
        loop[0] = new ControlLoop(late, 10, new ControlLoop.Task() {
            @Override
            public void tick(long now_ns, long wallClock_ms) {
                ticks[0]++;
                if (ticks[0] == 2) {
                    loop[0].recordLateness(ring);
                }
                if (ticks[0] == 8) {
                    loop[0].recordLateness(null);
                }
                if (ticks[0] == 10) {
                    loop[0].requestStop();
                }
            }

            @Override
            public void failSafe(RuntimeException cause) {
            }

            @Override
            public void stop(long now_ns, long wallClock_ms) {
            }
        });

        loop[0].run();

        // ticks 3..8 were recorded (6 of them); the ring of 4 kept the newest: ticks 5..8
        assertThat(ring.count()).isEqualTo(6);
        assertThat(ring.samples()).containsExactly(0, 3 * MS, 0, 3 * MS);
    }

    @Test
    void aSimulatedClockMeasuresLatenessInRealTimeAgainstTheDeadlinesRealMoment() throws InterruptedException {
        ManualClock real = new ManualClock(1_000 * MS);
        SimulatedClock simulated = new SimulatedClock(real, 1);

        simulated.sleepUntil(10 * MS);
        real.advance(2 * MS);

        // simulated time stood still at the deadline; the real clock knows the thread is 2 ms late
        assertThat(simulated.nanoTime()).isEqualTo(10 * MS);
        assertThat(simulated.lateness_ns(10 * MS)).isEqualTo(2 * MS);

        simulated.setTimeScale(Double.POSITIVE_INFINITY);
        assertThat(simulated.lateness_ns(20 * MS)).isZero();
    }
}
