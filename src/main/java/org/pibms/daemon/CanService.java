package org.pibms.daemon;

import java.io.IOException;
import java.util.List;
import java.util.function.LongSupplier;
import org.pibms.core.CanFrame;
import org.pibms.core.SnapshotSource;
import org.pibms.protocol.can.CanNode;
import org.pibms.transport.can.CanLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pibms on a CAN bus, on its own thread: sends what its node has due, hands it every frame heard,
 * and sends its replies. A bus that cannot be opened or fails (an unplugged adapter, an interface
 * down, bus-off) is reopened after 1, 2, 4 … 30 s, logged once per outage. Nothing here can hold up
 * the control loop: it only reads snapshots. A flood of frames costs this thread, and frames are
 * still sent between reads, since a read waits at most one node tick.
 */
final class CanService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CanService.class);
    private static final long JOIN_ms = 2000;

    private final CanLink.Opener opener;
    private final CanNode node;
    private final SnapshotSource snapshots;
    private final LongSupplier now_ms;
    private final long firstRetry_ms;
    private final Thread thread;
    private volatile boolean closed;
    private volatile CanLink link;
    private volatile long sent;
    private volatile long heard;

    CanService(CanLink.Opener opener, CanNode node, SnapshotSource snapshots, LongSupplier now_ms,
            long firstRetry_ms) {
        this.opener = opener;
        this.node = node;
        this.snapshots = snapshots;
        this.now_ms = now_ms;
        this.firstRetry_ms = firstRetry_ms;
        this.thread = new Thread(this::run, "pibms-can-" + opener.name().replaceAll(".*/", ""));
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    long sent() {
        return sent;
    }

    long heard() {
        return heard;
    }

    private void run() {
        // an error, not a warning: an inverter without its limits may be running unguided. Not a
        // reason to refuse to start: the protection does not depend on the bus.
        new Outage(log, "CAN " + opener.name(), firstRetry_ms, true).keepServing(() -> opener.open(node.bitrate()),
                "open at " + node.bitrate() / 1000 + " kbit/s", this::serve, opened -> link = opened, () -> closed);
    }

    private void serve(CanLink opened) throws IOException {
        while (!closed) {
            send(opened, node.due(now_ms.getAsLong(), snapshots.latest()));
            CanFrame frame = opened.receive();
            if (frame != null) {
                heard++;
                send(opened, node.received(frame, now_ms.getAsLong(), snapshots.latest()));
            }
            String news = node.news();
            if (news != null) {
                log.info("CAN {}: {}", opener.name(), news);
            }
        }
    }

    private void send(CanLink opened, List<CanFrame> frames) throws IOException {
        for (CanFrame frame : frames) {
            opened.send(frame);
            sent++;
        }
    }

    @Override
    public void close() {
        closed = true;
        Outage.stop(link, thread, JOIN_ms);
    }
}
