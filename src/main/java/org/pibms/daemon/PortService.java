package org.pibms.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;
import org.pibms.protocol.StreamServer;
import org.pibms.transport.ByteLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a protocol (ANT, Modbus RTU) on one serial port, on its own thread: reads bytes, lets
 * the protocol find requests in them and answer each from the latest snapshot. A port that cannot
 * be opened or goes away (an unplugged USB adapter) is tried again with a growing pause; the log
 * says so once per outage, not once per try.
 * Nothing here can hold up the control loop: writes reach it only through the command queue.
 */
final class PortService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PortService.class);
    static final long FIRST_RETRY_ms = 1000;
    private static final long JOIN_ms = 2000;

    private final ByteLink.Opener opener;
    private final StreamServer server;
    private final LongSupplier now_ns;
    private final Thread thread;
    private volatile boolean closed;
    private volatile ByteLink link;
    private final RefusalLog refusals;
    private volatile long sent;

    private final long firstRetry_ms;

    /** @param now_ns monotonic nanoseconds ({@link System#nanoTime()}) */
    PortService(ByteLink.Opener opener, StreamServer server, LongSupplier now_ns) {
        this(opener, server, now_ns, FIRST_RETRY_ms);
    }

    /** @param firstRetry_ms the first pause before a retry; it doubles up to {@link Outage#LAST_RETRY_ms} */
    PortService(ByteLink.Opener opener, StreamServer server, LongSupplier now_ns, long firstRetry_ms) {
        this.firstRetry_ms = firstRetry_ms;
        this.opener = opener;
        this.server = server;
        this.now_ns = now_ns;
        this.refusals = new RefusalLog(log, "port " + opener.name(), now_ns);
        this.thread = new Thread(this::run, "pibms-port-" + opener.name().replaceAll(".*/", ""));
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Answers sent so far. */
    long sent() {
        return sent;
    }

    private void run() {
        new Outage(log, "port " + opener.name(), firstRetry_ms, false).keepServing(opener::open,
                "serving " + server.protocol(), this::serve, opened -> link = opened, () -> closed);
    }

    private void serve(ByteLink opened) throws IOException {
        byte[] buffer = new byte[512];
        StreamServer.Replies replies = new StreamServer.Replies() {
            @Override
            public void send(byte[] frame) {
                try {
                    opened.write(frame);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                sent++;
            }

            @Override
            public void refused(String why) {
                refusals.report(why);
            }

            @Override
            public void hangUp(String why) {
                throw new UncheckedIOException(new IOException(why));
            }
        };
        try {
            while (!closed) {
                int count = opened.read(buffer);
                if (count == 0) {
                    server.quiet(now_ns.getAsLong(), replies);
                } else {
                    server.received(buffer, count, now_ns.getAsLong(), replies);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Stops answering and releases the port; waits briefly for the thread. */
    @Override
    public void close() {
        closed = true;
        Outage.stop(link, thread, JOIN_ms);
    }
}
