package org.pibms.core;

import java.util.concurrent.locks.LockSupport;

/** The real clock: {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
public final class SystemClock implements Clock {

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long epochMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public void sleepUntil(long deadline_ns) throws InterruptedException {
        long remaining;
        while ((remaining = deadline_ns - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
