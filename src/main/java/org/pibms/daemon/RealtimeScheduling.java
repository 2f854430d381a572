package org.pibms.daemon;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Puts a thread under Linux's SCHED_FIFO policy, so that the control tick starts on
 * time however busy the other threads and processes are: a real-time thread that wakes preempts
 * every normal one at once. On a 2-core build VM with four busy threads, a normal thread woke up
 * to 4 ms late at p99.9, a SCHED_FIFO one 0.09 ms (cyclictest, docs/performance.md).
 *
 * <p>It takes RLIMIT_RTPRIO at least as high as the priority (the unit sets {@code LimitRTPRIO=})
 * or CAP_SYS_NICE. The kernel's real-time throttling (sched_rt_runtime_us, 95 % of each second by
 * default) keeps a loop that never sleeps from freezing the rest of the system. The JDK has no way
 * to set a scheduling policy, hence a libc call through JNA (already in the jar for Pi4J).
 */
final class RealtimeScheduling {

    /** Highest priority pibms asks for: threaded interrupt handlers run at 50 and must stay above the loop. */
    static final int MAX_PRIORITY = 49;
    private static final int SCHED_FIFO = 1;
    private static final int EPERM = 1;
    private static final int ESRCH = 3;
    private static final int EINVAL = 22;

    private interface CLibrary extends Library {
        /** {@code param} is {@code struct sched_param}: one int, the priority. {@code pid} may be a thread id. */
        int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;
    }

    private RealtimeScheduling() {
    }

    /**
     * The calling thread's Linux thread id, from /proc/thread-self: cheap, unlike the first JNA
     * call, which unpacks and loads JNA's native library (about 0.2 s).
     */
    static int currentThreadId() throws IOException {
        Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
        return Integer.parseInt(self.getFileName().toString());
    }

    /** Makes thread {@code threadId} SCHED_FIFO at {@code priority}; empty on success, else why not. */
    static Optional<String> apply(int threadId, int priority) {
        if (priority < 1 || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("real-time priority " + priority + " is outside 1.." + MAX_PRIORITY);
        }
        try {
            CLibrary libc = Native.load("c", CLibrary.class);
            libc.sched_setscheduler(threadId, SCHED_FIFO, new int[] {priority});
            return Optional.empty();
        } catch (LastErrorException e) {
            return Optional.of(switch (e.getErrorCode()) {
                case EPERM -> "not permitted: it needs LimitRTPRIO=" + priority + " or more (the pibms unit sets it),"
                        + " or root, and no RestrictRealtime=yes";
                case ESRCH -> "thread " + threadId + " does not exist";
                case EINVAL -> "the kernel refused priority " + priority + " for SCHED_FIFO";
                default -> "sched_setscheduler failed with errno " + e.getErrorCode();
            });
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return Optional.of("cannot call the C library: " + e.getMessage());
        }
    }
}
