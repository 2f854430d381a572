package org.pibms.daemon;

import java.util.function.LongSupplier;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;
import org.pibms.core.SnapshotSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the daemon is: READY=1 once the first good measurement is published, and
 * WATCHDOG=1 every quarter of WatchdogSec, but only when the control loop has ticked since the
 * last one. A loop stuck in a driver therefore stops feeding the watchdog, and systemd kills
 * and restarts the daemon; the JVM merely being alive is not enough.
 *
 * <p>It runs on a thread of its own, so a slow save to the SD card never delays a ping.
 */
final class ServiceWatchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceWatchdog.class);
    private static final long READY_POLL_ms = 10;

    private final SystemdNotifier notifier;
    private final SnapshotSource snapshots;
    private final LongSupplier ticks;
    /** A quarter of WatchdogSec; 0 without a watchdog. */
    private final long ping_ms;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param ticks the control loop's tick count, which only the loop advances
     */
    ServiceWatchdog(SystemdNotifier notifier, SnapshotSource snapshots, LongSupplier ticks) {
        this.notifier = notifier;
        this.snapshots = snapshots;
        this.ticks = ticks;
        this.ping_ms = notifier.watchdog_us() == 0 ? 0 : Math.max(1, notifier.watchdog_us() / 4000);
        this.thread = new Thread(this::run, "pibms-systemd");
        this.thread.setDaemon(true);
    }

    /**
     * The longest control tick must be less than half of WatchdogSec: the watchdog is fed only
     * when a tick has ended since the previous check, and checks come every quarter.
     *
     * @return why the daemon must not start, or null when the periods fit
     */
    static String checkPeriod(long watchdog_us, int longestTick_ms) {
        if (watchdog_us > 0 && longestTick_ms * 2_000L >= watchdog_us) {
            return "systemd's watchdog (WatchdogSec=" + watchdog_us / 1_000_000.0 + " s) must be more than twice the"
                    + " longest control tick (" + longestTick_ms + " ms, control.period_ms or low_power.period_ms):"
                    + " raise WatchdogSec with `systemctl edit pibms` or shorten the tick";
        }
        return null;
    }

    void start() {
        thread.start();
    }

    private void run() {
        boolean ready = false;
        long lastTicks = ticks.getAsLong();
        long nextPing_ms = monotonic_ms() + ping_ms;
        boolean stallReported = false;
        while (running) {
            long now_ms = monotonic_ms();
            if (!ready) {
                PackSnapshot snapshot = snapshots.latest();
                if (snapshot.state() != PackState.STARTING) {
                    ready = true;
                    notifier.send("READY=1\nSTATUS=" + StatusLine.format(snapshot));
                    log.info("told systemd the daemon is ready (first good measurement)");
                }
            }
            if (ping_ms == 0 && ready) {
                return; // no watchdog: READY=1 was all there was to say
            }
            if (ping_ms > 0 && now_ms >= nextPing_ms) {
                nextPing_ms = now_ms + ping_ms;
                long count = ticks.getAsLong();
                if (count != lastTicks) {
                    lastTicks = count;
                    notifier.send(ready ? "WATCHDOG=1\nSTATUS=" + StatusLine.format(snapshots.latest()) : "WATCHDOG=1");
                    if (stallReported) {
                        log.warn("the control loop ticks again: feeding systemd's watchdog again");
                        stallReported = false;
                    }
                } else if (!stallReported) {
                    log.error("the control loop has not ticked for {} ms: systemd's watchdog is no longer fed", ping_ms);
                    stallReported = true;
                }
            }
            try {
                Thread.sleep(ready ? Math.max(1, nextPing_ms - monotonic_ms()) : READY_POLL_ms);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long monotonic_ms() {
        return System.nanoTime() / 1_000_000;
    }

    /** Says STOPPING=1 and stops pinging. */
    void stopping() {
        running = false;
        thread.interrupt();
        notifier.send("STOPPING=1\nSTATUS=stopping");
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        notifier.close();
    }
}
