package org.pibms.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to systemd through the datagram socket named by {@code NOTIFY_SOCKET} (sd_notify):
 * READY=1, WATCHDOG=1, STATUS=… and STOPPING=1. Outside systemd, where the variable is unset,
 * there is no notifier at all. The JDK cannot send AF_UNIX datagrams, hence junixsocket.
 */
final class SystemdNotifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);

    private final AFUNIXDatagramChannel channel;
    private final AFUNIXSocketAddress address;
    private final String name;
    private final long watchdog_us;
    private boolean failedBefore;

    private SystemdNotifier(AFUNIXDatagramChannel channel, AFUNIXSocketAddress address, String name,
            long watchdog_us) {
        this.channel = channel;
        this.address = address;
        this.name = name;
        this.watchdog_us = watchdog_us;
    }

    /**
     * The notifier the environment asks for: none without {@code NOTIFY_SOCKET}; with a watchdog
     * when {@code WATCHDOG_USEC} is set and {@code WATCHDOG_PID}, if set, is this process.
     *
     * @throws DaemonException if a variable is malformed or the socket cannot be opened
     */
    static Optional<SystemdNotifier> fromEnvironment(Map<String, String> environment, long pid)
            throws DaemonException {
        String socket = environment.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return Optional.empty();
        }
        long watchdog_us = 0;
        String usec = environment.get("WATCHDOG_USEC");
        String watchdogPid = environment.get("WATCHDOG_PID");
        if (usec != null && (watchdogPid == null || watchdogPid.equals(Long.toString(pid)))) {
            try {
                watchdog_us = Long.parseLong(usec);
            } catch (NumberFormatException e) {
                throw new DaemonException("WATCHDOG_USEC is '" + usec + "', not a number of microseconds");
            }
            if (watchdog_us <= 0) {
                throw new DaemonException("WATCHDOG_USEC is " + usec + "; it must be positive");
            }
        }
        try {
            AFUNIXSocketAddress address = socket.startsWith("@")
                    ? AFUNIXSocketAddress.inAbstractNamespace(socket.substring(1))
                    : AFUNIXSocketAddress.of(Path.of(socket));
            return Optional.of(new SystemdNotifier(AFUNIXDatagramChannel.open(), address, socket, watchdog_us));
        } catch (IOException | RuntimeException e) {
            throw new DaemonException("cannot open systemd's notification socket NOTIFY_SOCKET=" + socket + ": " + e);
        }
    }

    /** The watchdog interval systemd set (WatchdogSec), in microseconds; 0 when there is none. */
    long watchdog_us() {
        return watchdog_us;
    }

    /**
     * Sends one notification, e.g. {@code "READY=1\nSTATUS=…"}.
     *
     * @return false if it could not be sent; the first failure is logged
     */
    synchronized boolean send(String message) {
        try {
            channel.send(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)), address);
            failedBefore = false;
            return true;
        } catch (IOException e) {
            if (!failedBefore) {
                log.warn("cannot notify systemd through {}: {}", name, e.getMessage());
                failedBefore = true;
            }
            return false;
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing the systemd notification socket: {}", e.getMessage());
        }
    }
}
