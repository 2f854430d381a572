package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pibms.ManualClock;
import org.pibms.core.SystemClock;
import org.pibms.sim.SimulatedClock;

class ControlLoopTest {

    private static final long MS = 1_000_000L;

    /** Records tick times; can make a tick take time or throw. */
    private static final class Recorder implements ControlLoop.Task {
        final List<Long> ticks = new ArrayList<>();
        final List<RuntimeException> failSafes = new ArrayList<>();
        ManualClock clock;
        ControlLoop loop;
        int stopAfter;
        int slowTick = -1;
        long slowBy_ns;
        int failingTick = -1;
        long stoppedAt_ns = -1;
        /** After ticks slowFrom+1 .. slowUntil the task asks for a 1 s period, as the low-power mode does. */
        int slowFrom = Integer.MAX_VALUE;
        int slowUntil = Integer.MAX_VALUE;

        @Override
        public long period_ns(long normal_ns) {
            return ticks.size() > slowFrom && ticks.size() <= slowUntil ? 1000 * MS : normal_ns;
        }

        @Override
        public void tick(long now_ns, long wallClock_ms) {
            int index = ticks.size();
            ticks.add(now_ns);
            if (index == slowTick) {
                clock.advance(slowBy_ns);
            }
            if (ticks.size() == stopAfter) {
                loop.requestStop();
            }
            if (index == failingTick) {
                throw new IllegalStateException("tick " + index + " broke");
            }
        }

        @Override
        public void failSafe(RuntimeException cause) {
            failSafes.add(cause);
        }

        @Override
        public void stop(long now_ns, long wallClock_ms) {
            stoppedAt_ns = now_ns;
        }
    }

    private Recorder run(ManualClock clock, int period_ms, Recorder recorder) {
        recorder.clock = clock;
        recorder.loop = new ControlLoop(clock, period_ms, recorder);
        recorder.loop.run();
        return recorder;
    }

    @Test
    void ticksStartOnAbsoluteDeadlines() {
        ManualClock clock = new ManualClock(5 * MS);
        Recorder recorder = new Recorder();
        recorder.stopAfter = 1000;

        run(clock, 100, recorder);

        assertThat(recorder.ticks).hasSize(1000);
        for (int k = 0; k < 1000; k++) {
            assertThat(recorder.ticks.get(k)).isEqualTo(5 * MS + k * 100 * MS);
        }
        assertThat(recorder.loop.overruns()).isZero();
        assertThat(recorder.stoppedAt_ns).isEqualTo(5 * MS + 999 * 100 * MS);
    }

    @Test
    void theTaskCanSlowThePeriodDownAndSpeedItUpAgain() {
        ManualClock clock = new ManualClock(0);
        Recorder recorder = new Recorder();
        recorder.stopAfter = 6;
        recorder.slowFrom = 1; // after ticks 2 and 3 the next deadline is 1 s away
        recorder.slowUntil = 3;

        run(clock, 100, recorder);

        assertThat(recorder.ticks).containsExactly(0L, 100 * MS, 1100 * MS, 2100 * MS, 2200 * MS, 2300 * MS);
        assertThat(recorder.loop.overruns()).isZero();
    }

    @Test
    void theTimeATickTakesDoesNotShiftTheSchedule() {
        ManualClock clock = new ManualClock(0);
        Recorder recorder = new Recorder();
        recorder.stopAfter = 10;
        recorder.slowTick = 1;
        recorder.slowBy_ns = 40 * MS; // well inside the period

        run(clock, 100, recorder);

        assertThat(recorder.ticks).containsExactly(0L, 100 * MS, 200 * MS, 300 * MS, 400 * MS, 500 * MS, 600 * MS,
                700 * MS, 800 * MS, 900 * MS);
    }

    @Test
    void anOverrunSkipsTheMissedDeadlinesInsteadOfRunningLate() {
        ManualClock clock = new ManualClock(0);
        Recorder recorder = new Recorder();
        recorder.stopAfter = 6;
        recorder.slowTick = 3; // the tick at 300 ms ends at 550 ms
        recorder.slowBy_ns = 250 * MS;

        run(clock, 100, recorder);

        assertThat(recorder.ticks).containsExactly(0L, 100 * MS, 200 * MS, 300 * MS, 600 * MS, 700 * MS);
        assertThat(recorder.loop.overruns()).isEqualTo(2);
    }

    @Test
    void aFailingTickMakesTheOutputsSafeAndTheLoopGoesOn() {
        ManualClock clock = new ManualClock(0);
        Recorder recorder = new Recorder();
        recorder.stopAfter = 5;
        recorder.failingTick = 2;

        run(clock, 10, recorder);

        assertThat(recorder.failSafes).singleElement()
                .satisfies(e -> assertThat(e).hasMessage("tick 2 broke"));
        assertThat(recorder.ticks).containsExactly(0L, 10 * MS, 20 * MS, 30 * MS, 40 * MS);
        assertThat(recorder.stoppedAt_ns).isEqualTo(40 * MS);
    }

    @Test
    void onAFreeRunningSimulatedClockThePeriodIsExact() {
        SimulatedClock clock = new SimulatedClock(new SystemClock(), Double.POSITIVE_INFINITY);
        long start = clock.nanoTime();
        List<Long> ticks = new ArrayList<>();
        ControlLoop[] loop = new ControlLoop[1];
        loop[0] = new ControlLoop(clock, 250, new ControlLoop.Task() {
            @Override
            public void tick(long now_ns, long wallClock_ms) {
                ticks.add(now_ns);
                if (ticks.size() == 4 * 3600) {
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

        loop[0].run(); // an hour of 250 ms ticks, as fast as the CPU goes

        assertThat(ticks).hasSize(14_400);
        for (int k = 0; k < ticks.size(); k++) {
            assertThat(ticks.get(k) - start).isEqualTo(k * 250 * MS);
        }
    }

    @Test
    void aStartedLoopStopsWhenAsked() throws Exception {
        SimulatedClock clock = new SimulatedClock(new SystemClock(), 1);
        Recorder recorder = new Recorder();
        recorder.stopAfter = Integer.MAX_VALUE;
        ControlLoop loop = new ControlLoop(clock, 10, recorder);
        recorder.loop = loop;

        loop.start();
        while (recorder.loop.ticks() < 3) {
            Thread.sleep(5);
        }
        assertThat(loop.stop(5000)).isTrue();

        assertThat(loop.isRunning()).isFalse();
        assertThat(recorder.stoppedAt_ns).isPositive();
    }
}
