package org.pibms.core.settings;

/**
 * @param period_ms          control tick period, 10–1000 ms
 * @param realtimePriority   SCHED_FIFO priority of the control thread, 1–49, or 0 for normal scheduling
 */
public record ControlSettings(int period_ms, int realtimePriority) {
}
