package org.pibms.daemon;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
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

    /** Opens a link. */
    interface Opening<L> {
        L open() throws IOException;
    }

    /** Uses an open link until it fails (an exception) or the service closes. */
    interface Serving<L> {
        void serve(L link) throws IOException;
    }

    /**
     * Opens, serves until the link fails, and opens again after a pause, until {@code closed}.
     *
     * @param current told the open link, and null once it is closed, so that a close from another
     *                thread can unblock a read
     */
    <L extends AutoCloseable> void keepServing(Opening<L> opening, String firstTime, Serving<L> serving,
            Consumer<L> current, BooleanSupplier closed) {
        while (!closed.getAsBoolean()) {
            try (L link = opening.open()) {
                current.accept(link);
                if (closed.getAsBoolean()) {
                    return;
                }
                opened(firstTime);
                serving.serve(link);
            } catch (RuntimeException e) {
                crashed(e);
            } catch (Exception e) {
                if (closed.getAsBoolean()) {
                    return;
                }
                failed(e.getMessage());
            } finally {
                current.accept(null);
            }
            if (closed.getAsBoolean() || !pause()) {
                return;
            }
        }
    }

    /**
     * Ends a service run by {@link #keepServing} on its own thread: closing the open link unblocks a
     * read, the interrupt ends a pause, and the thread gets a moment to finish.
     */
    static void stop(AutoCloseable link, Thread thread, long join_ms) {
        if (link != null) {
            try {
                link.close();
            } catch (Exception e) {
                // the link is being given up either way
            }
        }
        thread.interrupt();
        try {
            thread.join(join_ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The link is open: says so, as back after an outage or with {@code firstTime}. */
    private void opened(String firstTime) {
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
    private void failed(String why) {
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
    private void crashed(RuntimeException e) {
        attempts++;
        if (cause == null) {
            cause = e.toString();
            log.error("{}: unexpected failure; reopening", link, e);
        }
    }

    /** Waits before the next attempt, each wait twice the last up to 30 s; false when interrupted. */
    private boolean pause() {
        try {
            Thread.sleep(retry_ms);
        } catch (InterruptedException e) {
            return false;
        }
        retry_ms = Math.min(LAST_RETRY_ms, retry_ms * 2);
        return true;
    }
}
