package org.pibms.daemon;

import org.pibms.json.CommandJson;
import org.pibms.json.StatusJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.pibms.core.Command;
import org.pibms.core.PackSnapshot;

/** The CLI's side of the control socket. */
public final class ControlClient {

    static final int RESPONSE_TIMEOUT_ms = 10_000;
    private static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final Path socket;

    public ControlClient(Path socket) {
        this.socket = socket;
    }

    /** The daemon's status as JSON, in the shape of {@code pibms status --json}. */
    public JsonNode statusJson() throws DaemonException {
        return exchange(StatusJson.MAPPER.createObjectNode().put("request", "status")).get("status");
    }

    public PackSnapshot status() throws DaemonException {
        try {
            return StatusJson.read(statusJson());
        } catch (IllegalArgumentException e) {
            throw new DaemonException("the daemon's status is malformed: " + e.getMessage());
        }
    }

    /**
     * Sends a command and returns the daemon's message.
     *
     * @throws DaemonException with the daemon's reason if the command was refused
     */
    public String send(Command command) throws DaemonException {
        ObjectNode request = StatusJson.MAPPER.createObjectNode().put("request", "command");
        request.set("command", CommandJson.write(command));
        return exchange(request).path("message").asText();
    }

    private JsonNode exchange(ObjectNode request) throws DaemonException {
        String line = roundTrip(request.toString());
        JsonNode response;
        try {
            response = StatusJson.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new DaemonException("the daemon sent a malformed answer: " + e.getOriginalMessage());
        }
        if (!response.path("ok").asBoolean(false)) {
            throw new DaemonException(response.path("error").asText("the daemon refused without a reason"));
        }
        return response;
    }

    private String roundTrip(String request) throws DaemonException {
        try {
            Files.readAttributes(socket, BasicFileAttributes.class);
        } catch (IOException e) {
            throw unreachable(socket, e);
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                String reason = String.valueOf(e.getMessage());
                if (reason.contains("ermission")) {
                    throw permissionDenied(socket);
                }
                throw new DaemonException("no pibms daemon is answering on the control socket " + socket
                        + " (" + reason + ")");
            }
            ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            return readResponse(channel);
        } catch (IOException e) {
            throw new DaemonException("control socket " + socket + ": " + e.getMessage(), e);
        }
    }

    /**
     * Why the socket file cannot be looked at. Only a missing file means no daemon: a directory
     * the caller may not enter ({@code /run/pibms} is 0750 under systemd) hides a running daemon's
     * socket, and that is a question of permissions.
     */
    static DaemonException unreachable(Path socket, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DaemonException("no pibms daemon is running: the control socket " + socket
                    + " does not exist (is the daemon started, and is --config the file it runs with?)");
        }
        if (e instanceof AccessDeniedException) {
            return permissionDenied(socket);
        }
        return new DaemonException("cannot reach the control socket " + socket + ": " + e.getMessage());
    }

    private static DaemonException permissionDenied(Path socket) {
        return new DaemonException("permission denied on the control socket " + socket
                + ": run as root, as the daemon's user (sudo -u pibms …) or as a member of its group (pibms)");
    }

    private String readResponse(SocketChannel channel) throws IOException, DaemonException {
        channel.configureBlocking(false);
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        long deadline = System.nanoTime() + RESPONSE_TIMEOUT_ms * 1_000_000L;
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                long remaining_ms = (deadline - System.nanoTime()) / 1_000_000;
                if (remaining_ms <= 0) {
                    throw new DaemonException("the daemon did not answer within " + RESPONSE_TIMEOUT_ms / 1000 + " s");
                }
                selector.select(remaining_ms);
                buffer.clear();
                int read = channel.read(buffer);
                if (read < 0) {
                    break;
                }
                response.write(buffer.array(), 0, read);
                if (response.size() > MAX_RESPONSE_BYTES) {
                    throw new DaemonException("the daemon's answer is larger than " + MAX_RESPONSE_BYTES + " bytes");
                }
                if (read > 0 && buffer.array()[read - 1] == '\n') {
                    break;
                }
            }
        }
        String text = response.toString(StandardCharsets.UTF_8).trim();
        if (text.isEmpty()) {
            throw new DaemonException("the daemon closed the connection without answering");
        }
        return text;
    }
}
