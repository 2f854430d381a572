package org.pibms.daemon;

import java.io.IOException;
import org.pibms.core.CommandSink;
import org.pibms.core.LoopTiming;
import org.pibms.core.SnapshotSource;
import org.pibms.core.settings.Settings;
import org.pibms.core.settings.WebSettings;
import org.pibms.web.WebServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the web app on its own thread: a port that is taken is tried again with back-off, as a
 * serial port is, because the pack's protection never depends on the app.
 */
final class WebService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebService.class);
    private static final long JOIN_ms = 2000;

    private final Thread thread;
    private volatile WebServer server;
    private volatile boolean closed;

    WebService(WebSettings web, Settings settings, SnapshotSource snapshots, CommandSink commands, LoopTiming loop) {
        String where = "http://" + (web.address().contains(":") ? "[" + web.address() + "]" : web.address()) + ":"
                + web.port() + "/";
        this.thread = new Thread(() -> new Outage(log, "web app", PortService.FIRST_RETRY_ms, false).keepServing(
                () -> open(web, settings, snapshots, commands, loop, where),
                "serving " + where + (web.password().isPresent() ? "" : " read-only (no web.password configured)"),
                opened -> {
                    try {
                        opened.awaitClosed();
                    } catch (InterruptedException stopping) {
                        Thread.currentThread().interrupt();
                    }
                }, opened -> server = opened, () -> closed), "pibms-web-start");
        thread.setDaemon(true);
    }

    private static WebServer open(WebSettings web, Settings settings, SnapshotSource snapshots, CommandSink commands,
            LoopTiming loop, String where) throws IOException {
        try {
            return WebServer.open(web, settings, snapshots, commands, loop);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + where + ": " + e.getMessage(), e);
        }
    }

    void start() {
        thread.start();
    }

    @Override
    public void close() {
        closed = true;
        Outage.stop(server, thread, JOIN_ms);
    }
}
