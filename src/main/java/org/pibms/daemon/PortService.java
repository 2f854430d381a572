package org.pibms.daemon;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import org.pibms.protocol.ant.AntRequest;
import org.pibms.protocol.ant.AntRequestParser;
import org.pibms.protocol.ant.AntServer;
import org.pibms.transport.ByteLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the ANT protocol on one port, on its own thread: reads bytes, finds requests, answers
 * each from the latest snapshot. A port that cannot be opened or goes away (an unplugged USB
 * adapter) is tried again with a growing pause; the log says so once per outage, not once per try.
 * Nothing here can hold up the control loop: writes reach it only through the command queue.
 */
final class PortService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PortService.class);
    static final long FIRST_RETRY_ms = 1000;
    static final long LAST_RETRY_ms = 30_000;
    /** Refusals (wrong password, unsupported writes) are logged once a minute at most. */
    static final long REFUSAL_LOG_ms = 60_000;
    private static final long JOIN_ms = 2000;

    private final ByteLink.Opener opener;
    private final AntServer server;
    private final LongSupplier now_ms;
    private final Thread thread;
    private final ArrayDeque<AntRequest> requests = new ArrayDeque<>();
    private final AntRequestParser parser = new AntRequestParser(requests::add);
    private volatile boolean closed;
    private volatile ByteLink link;
    private long nextRefusalLog_ms = Long.MIN_VALUE;
    private int refusalsNotLogged;
    private volatile long answered;

    private final long firstRetry_ms;

    PortService(ByteLink.Opener opener, AntServer server, LongSupplier now_ms) {
        this(opener, server, now_ms, FIRST_RETRY_ms);
    }

    /** @param firstRetry_ms the first pause before a retry; it doubles up to {@link #LAST_RETRY_ms} */
    PortService(ByteLink.Opener opener, AntServer server, LongSupplier now_ms, long firstRetry_ms) {
        this.firstRetry_ms = firstRetry_ms;
        this.opener = opener;
        this.server = server;
        this.now_ms = now_ms;
        this.thread = new Thread(this::run, "pibms-port-" + opener.name().replaceAll(".*/", ""));
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Requests answered so far. */
    long answered() {
        return answered;
    }

    private void run() {
        long retry_ms = firstRetry_ms;
        String outage = null;
        int attempts = 0;
        while (!closed) {
            try (ByteLink opened = opener.open()) {
                link = opened;
                if (closed) {
                    return;
                }
                if (outage != null) {
                    log.info("port {}: open again after {} failed attempt{}", opener.name(), attempts,
                            attempts == 1 ? "" : "s");
                } else {
                    log.info("port {}: serving the ANT protocol", opener.name());
                }
                outage = null;
                attempts = 0;
                retry_ms = firstRetry_ms;
                serve(opened);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                attempts++;
                if (outage == null) {
                    outage = e.getMessage();
                    log.warn("port {}: {}; trying again every {}-{} s until it works (logged once)", opener.name(),
                            outage, FIRST_RETRY_ms / 1000, LAST_RETRY_ms / 1000);
                }
            } catch (RuntimeException e) {
                // A bug must not end the port for good; the pause below keeps a repeating one quiet.
                attempts++;
                if (outage == null) {
                    outage = e.toString();
                    log.error("port {}: unexpected failure; reopening", opener.name(), e);
                }
            } finally {
                link = null;
            }
            if (!pause(retry_ms)) {
                return;
            }
            retry_ms = Math.min(LAST_RETRY_ms, retry_ms * 2);
        }
    }

    private void serve(ByteLink opened) throws IOException {
        byte[] buffer = new byte[512];
        while (!closed) {
            int count = opened.read(buffer);
            if (count == 0) {
                if (parser.inFrame()) {
                    parser.idle();
                }
            } else {
                parser.accept(buffer, 0, count);
            }
            AntRequest request;
            while ((request = requests.poll()) != null) {
                AntServer.Answer answer = server.answer(request, now_ms.getAsLong());
                if (answer.reply().length > 0) {
                    opened.write(answer.reply());
                }
                answered++;
                if (answer.refusal() != null) {
                    reportRefusal(answer.refusal());
                }
            }
        }
    }

    private void reportRefusal(String refusal) {
        long now = now_ms.getAsLong();
        if (now < nextRefusalLog_ms) {
            refusalsNotLogged++;
            return;
        }
        log.warn("port {}: {}{}", opener.name(), refusal, refusalsNotLogged == 0 ? ""
                : " (and " + refusalsNotLogged + " more refusals in the last minute)");
        refusalsNotLogged = 0;
        nextRefusalLog_ms = now + REFUSAL_LOG_ms;
    }

    private boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Stops answering and releases the port; waits briefly for the thread. */
    @Override
    public void close() {
        closed = true;
        ByteLink current = link;
        if (current != null) {
            current.close();
        }
        thread.interrupt();
        try {
            thread.join(JOIN_ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
