package org.pibms;

import org.pibms.core.Clock;

/** A clock that moves only when told to, or when someone sleeps on it. */
public final class ManualClock implements Clock {

    private long now_ns;

    public ManualClock(long start_ns) {
        this.now_ns = start_ns;
    }

    public void advance(long ns) {
        now_ns += ns;
    }

    @Override
    public long nanoTime() {
        return now_ns;
    }

    @Override
    public long epochMillis() {
        return 1_700_000_000_000L + now_ns / 1_000_000;
    }

    @Override
    public void sleepUntil(long deadline_ns) {
        now_ns = Math.max(now_ns, deadline_ns);
    }
}
