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
            loop.stop();
            assertThat(loop.isRunning()).isFalse();
            assertThat(stopped).isTrue();
        }
    }
}
