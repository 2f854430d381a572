package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pibms.core.SystemClock;

class ControlLoopStopTest {

    /** A stop asked for before the loop's thread has run a single statement must still end it. */
    @Test
    @Timeout(30)
    void aStopRightAfterTheStartIsNotLost() throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            AtomicBoolean stopped = new AtomicBoolean();
            ControlLoop loop = new ControlLoop(new SystemClock(), 1000, new ControlLoop.Task() {
                @Override
                public void tick(long now_ns, long wallClock_ms) {
                }

                @Override
                public void failSafe(RuntimeException cause) {
                }

                @Override
                public void stop(long now_ns, long wallClock_ms) {
                    stopped.set(true);
                }
            });
            loop.start();
            assertThat(loop.stop(5000)).isTrue();
            assertThat(loop.isRunning()).isFalse();
            assertThat(stopped).isTrue();
        }
    }

    /** A tick stuck in a driver cannot be waited for forever: the stop gives up after its timeout and says so. */
    @Test
    @Timeout(30)
    void aStopGivesUpOnATickThatHangs() throws Exception {
        AtomicBoolean stuck = new AtomicBoolean();
        ControlLoop loop = new ControlLoop(new SystemClock(), 10, new ControlLoop.Task() {
            @Override
            public void tick(long now_ns, long wallClock_ms) {
                stuck.set(true);
                long until = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait(); // deaf to interrupts, like a driver in the kernel
                }
            }

            @Override
            public void failSafe(RuntimeException cause) {
            }

            @Override
            public void stop(long now_ns, long wallClock_ms) {
            }
        });
        loop.start();
        while (!stuck.get()) {
            Thread.sleep(1);
        }
        assertThat(loop.stop(200)).isFalse();
        assertThat(loop.stop(5000)).isTrue();
    }
}
