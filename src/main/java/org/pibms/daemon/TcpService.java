package org.pibms.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.pibms.protocol.StreamServer;
import org.pibms.transport.tcp.SocketLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A protocol served on a TCP port: one thread accepts, one thread per connection answers. At most
 * {@link #MAX_CLIENTS} connections are served at once, and one that sends nothing for
 * {@link #IDLE_ms} is closed, so idle or hostile clients cannot pile up. A port that cannot be
 * bound (in use, no permission) is tried again with a growing pause, as a serial port is.
 */
final class TcpService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TcpService.class);
    static final int MAX_CLIENTS = 4;
    static final long IDLE_ms = 120_000;
    private static final int READ_TIMEOUT_ms = 1000;
    private static final long JOIN_ms = 2000;

    private final String name;
    private final InetSocketAddress address;
    private final Function<String, StreamServer> sessions;
    private final LongSupplier now_ns;
    private final long firstRetry_ms;
    private final Thread acceptor;
    private final Set<SocketLink> connections = ConcurrentHashMap.newKeySet();
    private final RefusalLog turnedAway;
    private volatile ServerSocket server;
    private volatile boolean closed;

    /**
     * @param name     what is served, for log lines ("Modbus TCP")
     * @param sessions a new protocol session for a connection, given the peer's address
     */
    TcpService(String name, InetSocketAddress address, Function<String, StreamServer> sessions, LongSupplier now_ns,
            long firstRetry_ms) {
        this.name = name;
        this.address = address;
        this.sessions = sessions;
        this.now_ns = now_ns;
        this.firstRetry_ms = firstRetry_ms;
        this.turnedAway = new RefusalLog(log, name, now_ns);
        this.acceptor = new Thread(this::run, "pibms-tcp-" + address.getPort());
        acceptor.setDaemon(true);
    }

    void start() {
        acceptor.start();
    }

    private void run() {
        String where = address.getHostString() + ":" + address.getPort();
        new Outage(log, name, firstRetry_ms, false).keepServing(() -> bind(where), "listening on " + where,
                bound -> {
                    while (!closed) {
                        accept(bound.accept());
                    }
                }, bound -> server = bound, () -> closed);
    }

    private ServerSocket bind(String where) throws IOException {
        ServerSocket bound = new ServerSocket();
        try {
            bound.setReuseAddress(true);
            bound.bind(address);
            return bound;
        } catch (IOException e) {
            bound.close();
            throw new IOException("cannot listen on " + where + ": " + e.getMessage(), e);
        }
    }

    private void accept(Socket socket) {
        SocketLink link;
        try {
            link = new SocketLink(socket, READ_TIMEOUT_ms);
        } catch (IOException e) {
            closeQuietly(socket);
            return;
        }
        if (connections.size() >= MAX_CLIENTS) {
            turnedAway.report("refused a connection from " + link.peer() + ": " + MAX_CLIENTS
                    + " clients are connected already");
            link.close();
            return;
        }
        connections.add(link);
        Thread thread = new Thread(() -> serve(link), "pibms-tcp-" + link.peer());
        thread.setDaemon(true);
        thread.start();
    }

    private void serve(SocketLink link) {
        String peer = link.peer();
        StreamServer session = sessions.apply(peer);
        log.debug("{}: {} connected", name, peer);
        String ended = "disconnected";
        byte[] buffer = new byte[512];
        RefusalLog refusals = new RefusalLog(log, name + " " + peer, now_ns);
        StreamServer.Replies replies = new StreamServer.Replies() {
            @Override
            public void send(byte[] frame) {
                try {
                    link.write(frame);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void refused(String why) {
                refusals.report(why);
            }

            @Override
            public void hangUp(String why) {
                throw new UncheckedIOException(new IOException(why + "; closing the connection"));
            }
        };
        try {
            long lastRequest_ns = now_ns.getAsLong();
            while (!closed) {
                int count = link.read(buffer);
                long now = now_ns.getAsLong();
                if (count > 0) {
                    lastRequest_ns = now;
                    session.received(buffer, count, now, replies);
                } else if (now - lastRequest_ns >= IDLE_ms * 1_000_000) {
                    ended = "closed after " + IDLE_ms / 1000 + " s without a request";
                    break;
                }
            }
        } catch (IOException e) {
            ended = e.getMessage();
        } catch (UncheckedIOException e) {
            ended = e.getCause().getMessage();
        } catch (RuntimeException e) {
            ended = "closed after an unexpected failure";
            log.error("{}: {}: unexpected failure", name, peer, e);
        } finally {
            link.close();
            connections.remove(link);
        }
        if (!closed) {
            // Pollers often connect once per poll: at info level this would fill the journal.
            log.debug("{}: {} {}", name, peer, ended);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing more to do for a connection that failed as it was accepted.
        }
    }

    @Override
    public void close() {
        closed = true;
        connections.forEach(SocketLink::close);
        Outage.stop(server, acceptor, JOIN_ms);
    }
}
