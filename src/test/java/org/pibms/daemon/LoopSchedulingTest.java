package org.pibms.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.CommandResult;
import org.pibms.core.Origin;
import org.pibms.core.SimulationCommand;
import org.pibms.core.settings.Settings;

/**
 * The control thread's scheduling: SCHED_FIFO where the system allows it, read back from
 * /proc/thread-self/stat. Granting it takes root or RLIMIT_RTPRIO; CI runs as root, so there the
 * real-time path runs for real.
 */
class LoopSchedulingTest {

    private static final int SCHED_OTHER = 0;
    private static final int SCHED_FIFO = 1;

    @TempDir
    Path dir;

    /** Policy and real-time priority of the calling thread. */
    private static int[] policyAndPriority() throws IOException {
        return policyAndPriority(Path.of("/proc/thread-self/stat"));
    }

    /** Fields 41 and 40 of a thread's stat line, counted from 1 as proc(5) does. */
    private static int[] policyAndPriority(Path stat) throws IOException {
        String line = Files.readString(stat);
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return new int[] {Integer.parseInt(fields[41 - 3]), Integer.parseInt(fields[40 - 3])};
    }

    private static <T> T onNewThread(ThrowingSupplier<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                result.set(body.get());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        thread.start();
        thread.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    private static boolean root() {
        return System.getProperty("user.name").equals("root");
    }

    @Test
    void asRootAnotherThreadBecomesSchedFifoAtThePriorityAndTheCallerDoesNot() throws Exception {
        Assumptions.assumeTrue(root(), "SCHED_FIFO needs root or RLIMIT_RTPRIO");
        int[] before = policyAndPriority();
        CompletableFuture<Integer> threadId = new CompletableFuture<>();
        CountDownLatch applied = new CountDownLatch(1);

        CompletableFuture<int[]> after = CompletableFuture.supplyAsync(() -> {
            try {
                threadId.complete(RealtimeScheduling.currentThreadId());
                applied.await();
                return policyAndPriority();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> new Thread(runnable).start());
        assertThat(RealtimeScheduling.apply(threadId.get(), 12)).isEmpty();
        applied.countDown();

        assertThat(after.get()).containsExactly(SCHED_FIFO, 12);
        assertThat(policyAndPriority()).as("the calling thread").containsExactly(before);
        assertThat(before[0]).isEqualTo(SCHED_OTHER);
    }

    @Test
    void theThreadIdIsTheOneProcListsForTheThread() throws Exception {
        int threadId = onNewThread(RealtimeScheduling::currentThreadId);
        assertThat(threadId).isPositive().isNotEqualTo(RealtimeScheduling.currentThreadId());
        assertThat(RealtimeScheduling.currentThreadId()).isEqualTo(
                Integer.parseInt(Files.readString(Path.of("/proc/thread-self/stat")).split(" ")[0]));
    }

    @Test
    void withoutThePermissionTheReasonNamesLimitRtprio() throws Exception {
        Assumptions.assumeFalse(root(), "root is always permitted");
        Optional<String> refused = onNewThread(() -> RealtimeScheduling.apply(RealtimeScheduling.currentThreadId(), 10));
        // a user with RLIMIT_RTPRIO of 10 or more would be permitted: then there is no reason
        refused.ifPresent(reason -> assertThat(reason).contains("LimitRTPRIO=10"));
    }

    @Test
    void aFailedCallSaysWhy() {
        assertThat(RealtimeScheduling.apply(999_999_999, 10)).hasValue("thread 999999999 does not exist");
    }

    @Test
    void aPriorityOutsideOneTo49IsAProgrammingError() throws Exception {
        int self = RealtimeScheduling.currentThreadId();
        assertThatThrownBy(() -> RealtimeScheduling.apply(self, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RealtimeScheduling.apply(self, 50))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..49");
    }

    @Test
    void priorityZeroOrASimulationAtMaximumSpeedKeepNormalScheduling() throws Exception {
        for (Settings settings : new Settings[] {
            TestConfigs.load(dir, TestConfigs.simulatedYaml(16, dir, "1", "", "control:\n  realtime_priority: 0\n")),
            TestConfigs.simulated(16, dir, "max")}) {
            LoopScheduling scheduling = new LoopScheduling(settings);
            int[] after = onNewThread(() -> {
                scheduling.onLoopThreadStart();
                return policyAndPriority();
            });
            assertThat(after).containsExactly(SCHED_OTHER, 0);
            assertThat(scheduling.realtime()).isFalse();
            assertThat(scheduling.guard(command -> CommandResult.accepted("applied"))
                    .apply(new SimulationCommand.SetTimeScale(Double.POSITIVE_INFINITY)).accepted()).isTrue();
        }
    }

    @Test
    void aRealtimeDaemonRunsItsLoopUnderSchedFifoAndRefusesMaximumSpeed() throws Exception {
        Assumptions.assumeTrue(root(), "SCHED_FIFO needs root or RLIMIT_RTPRIO");
        Settings settings = TestConfigs.simulated(16, dir, "1");
        try (Daemon daemon = Daemon.start(settings)) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!daemon.realtimeLoop() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(daemon.realtimeLoop()).isTrue();
            assertThat(controlThreadPolicy()).containsExactly(SCHED_FIFO, 10);

            CommandResult max = daemon.commands()
                    .submit(new SimulationCommand.SetTimeScale(Double.POSITIVE_INFINITY), Origin.INTERNAL).get();
            assertThat(max.accepted()).isFalse();
            assertThat(max.message()).contains("real-time control thread");
            CommandResult fast = daemon.commands()
                    .submit(new SimulationCommand.SetTimeScale(100), Origin.INTERNAL).get();
            assertThat(fast.accepted()).as(fast.message()).isTrue();
        }
    }

    /** Policy and priority of this JVM's thread named pibms-control, from /proc/self/task. */
    private static int[] controlThreadPolicy() throws IOException {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                if (Files.readString(task.resolve("comm")).trim().equals("pibms-control")) {
                    return policyAndPriority(task.resolve("stat"));
                }
            }
        }
        throw new AssertionError("no thread named pibms-control");
    }
}
