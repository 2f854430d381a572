package org.pibms.daemon;

import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a link's refusals (writes, connections) at most once a minute, with a count of those left
 * out, so a client that keeps trying cannot fill the journal.
 */
final class RefusalLog {

    static final long INTERVAL_ms = 60_000;

    private final Logger log;
    private final String link;
    private final LongSupplier now_ns;
    private long next_ms = Long.MIN_VALUE;
    private int notLogged;

    /** @param link how log lines name the link, e.g. {@code port /dev/ttyUSB0} */
    RefusalLog(Logger log, String link, LongSupplier now_ns) {
        this.log = log;
        this.link = link;
        this.now_ns = now_ns;
    }

    void report(String refusal) {
        long now_ms = now_ns.getAsLong() / 1_000_000;
        if (now_ms < next_ms) {
            notLogged++;
            return;
        }
        log.warn("{}: {}{}", link, refusal, notLogged == 0 ? ""
                : " (and " + notLogged + " more refusals in the last minute)");
        notLogged = 0;
        next_ms = now_ms + INTERVAL_ms;
    }
}
