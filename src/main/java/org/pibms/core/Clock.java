package org.pibms.core;

/**
 * Time for the control loop. The real clock follows the system; the simulated one lets the
 * whole daemon run faster than real time. Logic never reads a clock itself: the loop reads it
 * once per tick and passes the time in.
 */
public interface Clock {

    /** Monotonic time in nanoseconds, for periods and delays. */
    long nanoTime();

    /** Wall-clock time in milliseconds since the epoch, for timestamps. */
    long epochMillis();

    /** Blocks until {@link #nanoTime()} reaches {@code deadline_ns}; returns at once if it has. */
    void sleepUntil(long deadline_ns) throws InterruptedException;

    /**
     * How far past {@code deadline_ns} (a time on this clock) the real present is: for a thread that
     * has just slept until that deadline, how late it woke. On the real clock this is simply
     * {@code nanoTime() - deadline_ns}; a simulated clock, whose time stands still while the thread
     * is late, answers in real time too. For measuring jitter, never for logic.
     */
    default long lateness_ns(long deadline_ns) {
        return nanoTime() - deadline_ns;
    }
}
