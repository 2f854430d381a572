package org.pibms.core;

/** How the control loop keeps time, for the metrics: counts and durations since the daemon started. */
public interface LoopTiming {

    long ticks();

    /** Deadlines skipped because a tick ran past its period. */
    long overruns();

    /** The time all ticks took together, each from its start to its end. */
    long tickTimeTotal_ns();

    /** The longest tick since the start. */
    long longestTick_ns();

    /** The latest tick's duration. */
    long lastTick_ns();
}
