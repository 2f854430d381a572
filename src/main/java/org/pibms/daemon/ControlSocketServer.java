package org.pibms.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketCredentials;
import org.pibms.core.Origin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control socket: a Unix domain stream socket with mode 0660, so the daemon's user and the
 * members of its group ({@code pibms} under systemd) may use it and nobody else. A client sends
 * one request line and reads one response line; then the connection closes. The kernel tells
 * who is calling (SO_PEERCRED): every request is answered knowing the caller's uid, gid and pid.
 *
 * <p>Claiming the path checks for a live daemon first: a second daemon on the same socket
 * fails with a clear message and the first keeps its socket. A stale socket file left by a
 * crash is replaced. A slow or silent client is cut off after {@link #CLIENT_TIMEOUT_s} seconds,
 * and only {@link #MAX_CLIENTS} are served at once, so no client can tie the daemon up.
 */
public final class ControlSocketServer implements AutoCloseable {

    static final int MAX_REQUEST_BYTES = 64 * 1024;
    static final int CLIENT_TIMEOUT_s = 10;
    static final int MAX_CLIENTS = 4;

    private static final Logger log = LoggerFactory.getLogger(ControlSocketServer.class);

    private final Path path;
    private final AFUNIXServerSocketChannel server;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timeouts;
    private Thread acceptor;
    private volatile boolean closed;

    /** Answers one request line from one caller with one response line. */
    public interface Handler {
        String answer(String request, Origin caller);
    }

    private ControlSocketServer(Path path, AFUNIXServerSocketChannel server) {
        this.path = path;
        this.server = server;
        this.workers = new ThreadPoolExecutor(MAX_CLIENTS, MAX_CLIENTS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(4 * MAX_CLIENTS), daemonThreads("pibms-client"));
        this.timeouts = Executors.newSingleThreadScheduledExecutor(daemonThreads("pibms-client-timeout"));
    }

    /**
     * Binds the socket at {@code path}, for the owner and the group.
     *
     * @throws DaemonException if another daemon serves the path, the path is taken by something
     *                         that is not a socket, or the socket cannot be created
     */
    public static ControlSocketServer claim(Path path) throws DaemonException {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new DaemonException("cannot create the directory for the control socket " + path + ": " + e);
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            removeStale(path);
        }
        AFUNIXServerSocketChannel server;
        try {
            server = AFUNIXServerSocketChannel.open();
            server.bind(AFUNIXSocketAddress.of(path));
        } catch (IOException e) {
            throw new DaemonException("cannot create the control socket " + path + ": " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("in use")
                            ? " (another pibms daemon started at the same moment?)" : ""));
        }
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
        } catch (IOException | UnsupportedOperationException e) {
            close(server, path);
            throw new DaemonException("cannot limit the control socket " + path + " to its owner and group: " + e);
        }
        return new ControlSocketServer(path, server);
    }

    private static void removeStale(Path path) throws DaemonException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new DaemonException("cannot inspect " + path + ": " + e);
        }
        if (!attributes.isOther()) {
            throw new DaemonException(path + " exists and is not a socket; pibms will not replace it."
                    + " Remove it or choose another daemon.socket path");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new DaemonException("another pibms daemon is already running on the control socket " + path
                    + "; stop it first (systemctl stop pibms) or give this one another daemon.socket");
        } catch (IOException refused) {
            // nobody listens: a crash left the file behind
        }
        try {
            Files.deleteIfExists(path);
            log.info("removed the stale control socket {} left by an earlier run", path);
        } catch (IOException e) {
            throw new DaemonException("cannot remove the stale control socket " + path + ": " + e);
        }
    }

    public Path path() {
        return path;
    }

    /** Starts answering; {@code handler} maps one request line to one response line. */
    public synchronized void start(Handler handler) {
        acceptor = new Thread(() -> acceptLoop(handler), "pibms-socket");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop(Handler handler) {
        while (!closed) {
            AFUNIXSocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    log.warn("control socket accept failed: {}", e.getMessage());
                }
                continue;
            }
            try {
                workers.execute(() -> serve(client, handler));
            } catch (RejectedExecutionException busy) {
                closeQuietly(client);
            }
        }
    }

    private void serve(AFUNIXSocketChannel client, Handler handler) {
        ScheduledFuture<?> deadline = timeouts.schedule(() -> closeQuietly(client), CLIENT_TIMEOUT_s, TimeUnit.SECONDS);
        try (client) {
            String request = readLine(client);
            String response = request == null
                    ? ControlService.error("request too long or not terminated by a newline")
                    : handler.answer(request, caller(client));
            ByteBuffer out = ByteBuffer.wrap((response + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                client.write(out);
            }
        } catch (IOException e) {
            log.debug("control socket client dropped: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.error("control socket request failed", e);
        } finally {
            deadline.cancel(false);
        }
    }

    /** The caller as the kernel saw it connect; "uid ?" where the platform cannot tell. */
    static Origin caller(AFUNIXSocketChannel client) {
        try {
            AFUNIXSocketCredentials credentials = client.getPeerCredentials();
            if (credentials != null && credentials.getUid() >= 0) {
                return new Origin("control socket", "uid " + credentials.getUid() + " gid " + credentials.getGid()
                        + (credentials.getPid() > 0 ? " pid " + credentials.getPid() : ""));
            }
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("no peer credentials on the control socket: {}", e.getMessage());
        }
        return new Origin("control socket", "uid ?");
    }

    /** One line, without its newline; null if the client sent too much or hung up first. */
    private static String readLine(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_REQUEST_BYTES);
        while (buffer.hasRemaining()) {
            int before = buffer.position();
            if (client.read(buffer) < 0) {
                return null;
            }
            for (int i = before; i < buffer.position(); i++) {
                if (buffer.get(i) == '\n') {
                    return new String(buffer.array(), 0, i, StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        close(server, path);
        workers.shutdownNow();
        timeouts.shutdownNow();
        if (acceptor != null) {
            try {
                acceptor.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void close(AFUNIXServerSocketChannel server, Path path) {
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing the control socket: {}", e.getMessage());
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("cannot remove the control socket {}: {}", path, e.getMessage());
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
