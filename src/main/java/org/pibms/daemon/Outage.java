package org.pibms.daemon;

import org.slf4j.Logger;

/**
 * The bookkeeping of a link that is reopened after a loss (a serial port, a CAN bus): a pause of
 * 1, 2, 4 … 30 s between attempts, one log line when an outage starts and one when it ends, never
 * one per attempt.
 */
final class Outage {

    static final long LAST_RETRY_ms = 30_000;

    private final Logger log;
    private final String link;
    private final long firstRetry_ms;
    private final boolean serious;
    private long retry_ms;
    private String cause;
    private int attempts;

    /**
     * @param link    how log lines name the link, e.g. {@code port /dev/ttyUSB0}
     * @param serious log the start of an outage as an error rather than a warning
     */
    Outage(Logger log, String link, long firstRetry_ms, boolean serious) {
        this.log = log;
        this.link = link;
        this.firstRetry_ms = firstRetry_ms;
        this.serious = serious;
        this.retry_ms = firstRetry_ms;
    }

    /** The link is open: says so, as back after an outage or with {@code firstTime}. */
    void opened(String firstTime) {
        if (cause != null) {
            log.info("{}: open again after {} failed attempt{}", link, attempts, attempts == 1 ? "" : "s");
        } else {
            log.info("{}: {}", link, firstTime);
        }
        cause = null;
        attempts = 0;
        retry_ms = firstRetry_ms;
    }

    /** Opening or serving failed in a way the link can recover from. */
    void failed(String why) {
        attempts++;
        if (cause == null) {
            cause = why;
            String line = "{}: {}; trying again every {}-{} s until it works (logged once)";
            if (serious) {
                log.error(line, link, why, firstRetry_ms / 1000, LAST_RETRY_ms / 1000);
            } else {
                log.warn(line, link, why, firstRetry_ms / 1000, LAST_RETRY_ms / 1000);
            }
        }
    }

    /** A bug: it must not end the link for good, and the pauses keep a repeating one quiet. */
    void crashed(RuntimeException e) {
        attempts++;
        if (cause == null) {
            cause = e.toString();
            log.error("{}: unexpected failure; reopening", link, e);
        }
    }

    /** Waits before the next attempt, each wait twice the last up to 30 s; false when interrupted. */
    boolean pause() {
        try {
            Thread.sleep(retry_ms);
        } catch (InterruptedException e) {
            return false;
        }
        retry_ms = Math.min(LAST_RETRY_ms, retry_ms * 2);
        return true;
    }
}
