package org.pibms.control;

import org.pibms.core.Clock;
import org.pibms.core.LoopTiming;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Task} on one thread on absolute deadlines: each deadline is the previous one plus
 * the period, so the period never drifts with the time a tick takes. A tick that
 * overruns makes the loop skip the deadlines it missed rather than run late ticks back to back.
 *
 * <p>The loop never dies from a tick: an exception is logged, the task is told to make its
 * outputs safe, and the next tick runs on time.
 */
public final class ControlLoop implements LoopTiming {

    /** The work done each period, always on the loop's thread. */
    public interface Task {

        void tick(long now_ns, long wallClock_ms);

        /** The time from this tick's deadline to the next; the configured period unless the task slows down. */
        default long period_ns(long normal_ns) {
            return normal_ns;
        }

        /** A tick threw; put the outputs into their safe state. */
        void failSafe(RuntimeException cause);

        /** The loop is ending: put the outputs into their safe state for good. */
        void stop(long now_ns, long wallClock_ms);
    }

    /**
     * Tick start lateness for {@code pibms bench jitter}: how long after its deadline each tick
     * began, in real nanoseconds ({@link Clock#lateness_ns}). The caller preallocates it, so the
     * loop's thread fills it without allocating. It keeps the newest {@code capacity} samples;
     * size it for the whole run to read them all.
     */
    public static final class LatenessRing {

        private final long[] samples_ns;
        /** Written only by the loop's thread, after the sample it covers: a reader sees whole samples. */
        private volatile long count;

        public LatenessRing(int capacity) {
            this.samples_ns = new long[capacity];
        }

        void add(long lateness_ns) {
            samples_ns[(int) (count % samples_ns.length)] = lateness_ns;
            count++;
        }

        /** Ticks recorded so far, including any whose samples were overwritten. */
        public long count() {
            return count;
        }

        /** A copy of the samples kept, oldest first. */
        public long[] samples() {
            long recorded = count;
            int kept = (int) Math.min(recorded, samples_ns.length);
            long[] copy = new long[kept];
            for (int i = 0; i < kept; i++) {
                copy[i] = samples_ns[(int) ((recorded - kept + i) % samples_ns.length)];
            }
            return copy;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(ControlLoop.class);
    private static final long REPORT_INTERVAL_ns = 60_000_000_000L;

    private final Clock clock;
    private final long period_ns;
    private final Task task;

    /** True until a stop is asked for; never set back, so a stop that comes early is not lost. */
    private volatile boolean running = true;
    private Thread thread;

    private volatile long ticks;
    private volatile long overruns;
    private volatile long tickTimeTotal_ns;
    private volatile long longestTick_ns;
    private volatile long lastTick_ns;
    private long failures;
    private long lastOverrunReport_ns = Long.MIN_VALUE;
    private long lastFailureReport_ns = Long.MIN_VALUE;
    /** Null unless a benchmark installed one: a normal tick only reads this field. */
    private volatile LatenessRing lateness;

    public ControlLoop(Clock clock, int period_ms, Task task) {
        this.clock = clock;
        this.period_ns = period_ms * 1_000_000L;
        this.task = task;
    }

    public synchronized void start() {
        start(() -> { });
    }

    /** Starts the loop on its own thread, which first runs {@code threadSetup} (its scheduling, say). */
    public synchronized void start(Runnable threadSetup) {
        if (thread != null) {
            throw new IllegalStateException("the control loop runs already");
        }
        thread = new Thread(() -> {
            threadSetup.run();
            run();
        }, "pibms-control");
        thread.start();
    }

    /** Asks the loop to end after the current tick; safe from any thread, including the loop's own. */
    public void requestStop() {
        running = false;
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }

    /**
     * Stops the loop and waits at most {@code timeout_ms} for its task to make the outputs safe.
     *
     * @return false if the loop is still running: a tick is stuck (in a driver, say)
     */
    public boolean stop(long timeout_ms) throws InterruptedException {
        requestStop();
        Thread t = thread;
        if (t != null) {
            t.join(timeout_ms);
            return !t.isAlive();
        }
        return true;
    }

    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Blocks until the loop has ended by itself or by {@link #requestStop()}. */
    public void awaitTermination() throws InterruptedException {
        Thread t = thread;
        if (t != null) {
            t.join();
        }
    }

    /**
     * For the jitter benchmark: from the next tick on, each tick's start lateness goes into
     * {@code ring}; null stops the recording. Safe from any thread.
     */
    public void recordLateness(LatenessRing ring) {
        lateness = ring;
    }

    /** Runs the loop on the calling thread until {@link #requestStop()}. */
    public void run() {
        long deadline_ns = clock.nanoTime();
        while (running) {
            try {
                clock.sleepUntil(deadline_ns);
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
                continue;
            }
            LatenessRing ring = lateness;
            if (ring != null) {
                // first, before the tick's own work: this is when the tick starts
                ring.add(clock.lateness_ns(deadline_ns));
            }
            long now_ns = clock.nanoTime();
            runTick(now_ns);
            ticks++;
            long period = task.period_ns(period_ns);
            deadline_ns += period;
            long after_ns = clock.nanoTime();
            recordDuration(after_ns - now_ns);
            if (deadline_ns <= after_ns) {
                long skipped = (after_ns - deadline_ns) / period + 1;
                overruns += skipped;
                reportOverrun(after_ns, skipped);
                deadline_ns += skipped * period;
            }
        }
        Thread.interrupted();
        task.stop(clock.nanoTime(), clock.epochMillis());
    }

    /** Only the loop's thread writes these; readers see each value whole (volatile long). */
    private void recordDuration(long duration_ns) {
        lastTick_ns = duration_ns;
        tickTimeTotal_ns += duration_ns;
        if (duration_ns > longestTick_ns) {
            longestTick_ns = duration_ns;
        }
    }

    @Override
    public long ticks() {
        return ticks;
    }

    @Override
    public long overruns() {
        return overruns;
    }

    @Override
    public long tickTimeTotal_ns() {
        return tickTimeTotal_ns;
    }

    @Override
    public long longestTick_ns() {
        return longestTick_ns;
    }

    @Override
    public long lastTick_ns() {
        return lastTick_ns;
    }

    private void runTick(long now_ns) {
        try {
            task.tick(now_ns, clock.epochMillis());
        } catch (RuntimeException e) {
            failures++;
            if (now_ns - lastFailureReport_ns >= REPORT_INTERVAL_ns || failures == 1) {
                lastFailureReport_ns = now_ns;
                log.error("control tick failed ({} failures so far); outputs set safe", failures, e);
            }
            try {
                task.failSafe(e);
            } catch (RuntimeException second) {
                log.error("could not make the outputs safe after a failed tick", second);
            }
        }
    }

    private void reportOverrun(long now_ns, long skipped) {
        if (now_ns - lastOverrunReport_ns >= REPORT_INTERVAL_ns) {
            lastOverrunReport_ns = now_ns;
            log.warn("control tick overran its {} ms period: skipped {} deadline(s), {} in all",
                    period_ns / 1_000_000, skipped, overruns);
        }
    }
}
