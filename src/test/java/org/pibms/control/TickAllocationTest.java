package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.core.Origin;
import org.pibms.TestConfigs;
import org.pibms.core.SimulationCommand;
import org.pibms.daemon.TickBench;

/**
 * The control tick allocates nothing in steady state, so the garbage collector never has a
 * reason to stop the loop. Measured with the thread allocation counter over the whole loop:
 * scheduling, reading the simulated pack, protection, SOC, switching and publishing.
 *
 * <p>Steady state begins once the JIT has settled: while HotSpot is still compiling and
 * deoptimising the loop's methods, the VM itself allocates a few hundred bytes now and then on
 * the loop's thread. (Run with {@code -Xint}, where nothing is compiled, the same 100 000 ticks
 * allocate 0 bytes from the first tick.) The warm-up therefore runs in rounds until one round
 * sees neither a compilation nor an allocated byte.
 */
class TickAllocationTest {

    private static final int ROUND_TICKS = 25_000;
    private static final int MAX_WARM_UP_ROUNDS = 40;
    private static final int MEASURED_TICKS = 100_000;

    @TempDir
    Path dir;

    @Test
    void aSteadyStateTickAllocatesNothing() {
        // 20 cells with sensor noise and a 2 A load: even 40 warm-up rounds draw only 61 of the 90 Ah left;
        // every feature the tick runs, as `pibms bench tick` configures them
        SimulatedPack pack = new SimulatedPack(TestConfigs.load(dir, TestConfigs.simulatedYaml(20, dir, "max", "",
                TickBench.EVERY_FEATURE)
                .replace("initial_soc_pct: 50", "initial_soc_pct: 90")
                .replace("voltage_noise_mV: 0", "voltage_noise_mV: 2")
                .replace("current_noise_mA: 0", "current_noise_mA: 50")), null);
        pack.commands.submit(new SimulationCommand.SetExternalCurrent(-2_000), Origin.INTERNAL);
        Measuring task = new Measuring(pack.controller);
        ControlLoop loop = new ControlLoop(pack.clock, 100, task);
        task.loop = loop;

        loop.run();

        assertThat(task.failure).as("a tick failed").isNull();
        System.out.printf("warm-up %d rounds of %d ticks; allocated over %d steady ticks: %d bytes%n",
                task.warmUpRounds, ROUND_TICKS, MEASURED_TICKS, task.allocated);
        assertThat(task.warmUpRounds).as("rounds until the JIT settled").isLessThan(MAX_WARM_UP_ROUNDS);
        assertThat(task.allocated).as("bytes allocated by %d steady-state ticks", MEASURED_TICKS).isZero();
        assertThat(pack.snapshots.latest().faults()).isEmpty();
        assertThat(pack.snapshots.latest().balanced_mAh()).as("the balancer really bled").anyMatch(mAh -> mAh > 1);
        assertThat(pack.snapshots.latest().current_mA()).isNotZero();
    }

    /** Wraps the controller and reads the counters between ticks; allocates nothing itself. */
    private static final class Measuring implements ControlLoop.Task {
        private final PackController controller;
        private final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        /** Null when the JVM runs without a JIT ({@code -Xint}). */
        private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        RuntimeException failure;
        ControlLoop loop;
        int ticksInRound;
        int warmUpRounds;
        boolean measuring;
        long roundBytes;
        long roundCompileTime_ms;
        long allocated;

        Measuring(PackController controller) {
            this.controller = controller;
        }

        @Override
        public void tick(long now_ns, long wallClock_ms) {
            if (ticksInRound == 0) {
                roundCompileTime_ms = compileTime_ms();
                roundBytes = threads.getCurrentThreadAllocatedBytes();
            }
            controller.tick(now_ns, wallClock_ms);
            ticksInRound++;
            if (!measuring && ticksInRound == ROUND_TICKS) {
                warmUpRounds++;
                boolean quiet = threads.getCurrentThreadAllocatedBytes() == roundBytes
                        && compileTime_ms() == roundCompileTime_ms;
                measuring = quiet || warmUpRounds == MAX_WARM_UP_ROUNDS;
                ticksInRound = 0;
            } else if (measuring && ticksInRound == MEASURED_TICKS) {
                allocated = threads.getCurrentThreadAllocatedBytes() - roundBytes;
                loop.requestStop();
            }
        }

        private long compileTime_ms() {
            return compiler == null ? 0 : compiler.getTotalCompilationTime();
        }

        @Override
        public void failSafe(RuntimeException cause) {
            failure = cause;
            loop.requestStop();
        }

        @Override
        public void stop(long now_ns, long wallClock_ms) {
        }
    }
}
