package org.pibms.daemon;

import org.pibms.json.CommandJson;
import org.pibms.json.StatusJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.pibms.core.Command;
import org.pibms.core.CommandResult;
import org.pibms.core.CommandSink;
import org.pibms.core.Origin;
import org.pibms.core.SnapshotSource;

/**
 * Answers control-socket requests: one JSON object in, one JSON object out. It only reads
 * snapshots and queues commands; the control loop does the rest.
 *
 * <pre>
 * {"request":"status"}                       -> {"ok":true,"status":{…}}
 * {"request":"command","command":{…}}        -> {"ok":true,"message":"…"} or {"ok":false,"error":"…"}
 * </pre>
 */
final class ControlService implements ControlSocketServer.Handler {

    static final int COMMAND_TIMEOUT_s = 5;

    private final SnapshotSource snapshots;
    private final CommandSink commands;

    ControlService(SnapshotSource snapshots, CommandSink commands) {
        this.snapshots = snapshots;
        this.commands = commands;
    }

    @Override
    public String answer(String line, Origin caller) {
        JsonNode request;
        try {
            request = StatusJson.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            return error("malformed request: " + e.getOriginalMessage());
        }
        if (request == null || !request.isObject()) {
            return error("malformed request: expected a JSON object");
        }
        String kind = request.path("request").asText("");
        return switch (kind) {
            case "status" -> ok().set("status", StatusJson.write(snapshots.latest())).toString();
            case "command" -> command(request.get("command"), caller);
            default -> error("unknown request '" + kind + "'; expected status or command");
        };
    }

    private String command(JsonNode json, Origin caller) {
        Command command;
        try {
            if (json == null || !json.isObject()) {
                throw new IllegalArgumentException("'command' must be an object");
            }
            command = CommandJson.read(json);
        } catch (IllegalArgumentException e) {
            return error("malformed command: " + e.getMessage());
        }
        CommandResult result;
        try {
            result = commands.submit(command, caller).get(COMMAND_TIMEOUT_s, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return error("the control loop did not answer within " + COMMAND_TIMEOUT_s + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error("interrupted");
        } catch (ExecutionException e) {
            return error("command failed: " + e.getCause());
        }
        if (!result.accepted()) {
            return error(result.message());
        }
        return ok().put("message", result.message()).toString();
    }

    private static ObjectNode ok() {
        return StatusJson.MAPPER.createObjectNode().put("ok", true);
    }

    static String error(String message) {
        return StatusJson.MAPPER.createObjectNode().put("ok", false).put("error", message).toString();
    }
}
