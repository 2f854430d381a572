package org.pibms.store;

import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Reports a write that keeps failing (a full disk, a file system remounted read-only) without
 * flooding the journal: the first failure at once, then at most one line a minute while it
 * lasts, and one line when writing works again.
 */
final class FailureReport {

    static final long INTERVAL_ns = 60_000_000_000L;

    private final Logger log;
    private final String what;
    private final LongSupplier nanoTime;
    private boolean failing;
    private long failures;
    private long lastReport_ns;

    /** @param what completes "cannot save …", e.g. "the state to /var/lib/pibms/state" */
    FailureReport(Logger log, String what, LongSupplier nanoTime) {
        this.log = log;
        this.what = what;
        this.nanoTime = nanoTime;
    }

    synchronized void failed(String reason) {
        failures++;
        long now = nanoTime.getAsLong();
        if (!failing) {
            failing = true;
            lastReport_ns = now;
            log.error("cannot save {}: {}; pibms keeps protecting the pack and tries again", what, reason);
        } else if (now - lastReport_ns >= INTERVAL_ns) {
            lastReport_ns = now;
            log.error("still cannot save {}: {} ({} failed attempts so far)", what, reason, failures);
        }
    }

    /** @return true if this ends a run of failures */
    synchronized boolean succeeded() {
        if (!failing) {
            return false;
        }
        log.warn("{} is saved again after {} failed attempts", what, failures);
        failing = false;
        failures = 0;
        return true;
    }
}
