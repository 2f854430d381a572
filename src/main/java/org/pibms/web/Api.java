package org.pibms.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.pibms.core.Command;
import org.pibms.core.CommandResult;
import org.pibms.core.CommandSink;
import org.pibms.core.ControlCommand;
import org.pibms.core.Event;
import org.pibms.core.Origin;
import org.pibms.core.SnapshotSource;
import org.pibms.json.CommandJson;
import org.pibms.json.StatusJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API under {@code /api/}, which the pages use and scripts may too. docs/app.md lists
 * every endpoint. Reads need nothing; every write needs a login (a session cookie and its token
 * in {@code X-CSRF-Token}) or the password as a bearer token, a JSON body, and no foreign
 * {@code Origin}. Writes go to the control loop as the CLI's commands do, are checked there by
 * the same rules and are logged with the client's address.
 */
final class Api implements HttpHandler {

    static final String SESSION_COOKIE = "pibms_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final int COMMAND_TIMEOUT_s = 5;

    private static final Logger log = LoggerFactory.getLogger(Api.class);

    private final SnapshotSource snapshots;
    private final CommandSink commands;
    private final Sessions sessions;
    private final SettingsView settings;
    private final EventQuery events;

    Api(SnapshotSource snapshots, CommandSink commands, Sessions sessions, SettingsView settings, EventQuery events) {
        this.snapshots = snapshots;
        this.commands = commands;
        this.sessions = sessions;
        this.settings = settings;
        this.events = events;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        try {
            switch (path) {
                case "/api/status" -> {
                    only(exchange, "GET");
                    Http.json(exchange, 200, StatusJson.write(snapshots.latest()));
                }
                case "/api/events" -> {
                    only(exchange, "GET");
                    Http.json(exchange, 200, events.answer(eventFilter(Http.query(exchange))));
                }
                case "/api/settings" -> {
                    if (method.equals("PUT")) {
                        changeSettings(exchange);
                    } else {
                        only(exchange, "GET", "PUT");
                        Http.json(exchange, 200, settings.write(snapshots.latest().protection()));
                    }
                }
                case "/api/commands" -> {
                    only(exchange, "POST");
                    command(exchange);
                }
                case "/api/session" -> {
                    only(exchange, "GET");
                    session(exchange);
                }
                case "/api/login" -> {
                    only(exchange, "POST");
                    login(exchange);
                }
                case "/api/logout" -> {
                    only(exchange, "POST");
                    Origin who = authorise(exchange);
                    Http.cookie(exchange, SESSION_COOKIE).ifPresent(sessions::logout);
                    exchange.getResponseHeaders().add("Set-Cookie", SESSION_COOKIE + "=; Path=/; Max-Age=0; HttpOnly;"
                            + " SameSite=Strict");
                    log.info("web: logout from {}", who.sender());
                    Http.json(exchange, 200, ok());
                }
                default -> throw new Http.Refusal(404, "no API endpoint " + path);
            }
        } catch (Http.Refusal refusal) {
            Http.error(exchange, refusal.status, refusal.getMessage());
        }
    }

    private static void only(HttpExchange exchange, String... methods) throws Http.Refusal {
        String method = exchange.getRequestMethod();
        for (String allowed : methods) {
            if (allowed.equals(method) || (allowed.equals("GET") && method.equals("HEAD"))) {
                return;
            }
        }
        exchange.getResponseHeaders().set("Allow", String.join(", ", methods));
        throw new Http.Refusal(405, method + " is not allowed on " + exchange.getRequestURI().getPath()
                + "; use " + String.join(" or ", methods));
    }

    private static EventQuery.Filter eventFilter(Map<String, String> query) throws Http.Refusal {
        long after = 0;
        int limit = EventQuery.DEFAULT_LIMIT;
        try {
            after = Long.parseLong(query.getOrDefault("after", "0"));
            limit = Integer.parseInt(query.getOrDefault("limit", String.valueOf(EventQuery.DEFAULT_LIMIT)));
        } catch (NumberFormatException e) {
            throw new Http.Refusal(400, "'after' and 'limit' must be whole numbers");
        }
        if (limit < 1 || limit > EventQuery.MAX_LIMIT) {
            throw new Http.Refusal(400, "'limit' must be between 1 and " + EventQuery.MAX_LIMIT);
        }
        Set<Event.Kind> kinds = EnumSet.noneOf(Event.Kind.class);
        String kindList = query.getOrDefault("kind", "");
        for (String id : kindList.split(",")) {
            if (!id.isBlank()) {
                kinds.add(Event.Kind.fromId(id.trim()).orElseThrow(() -> new Http.Refusal(400, "unknown event kind '"
                        + id.trim() + "'; the kinds are start, stop, fault, recovery, mos, command, config,"
                        + " calibration and storage")));
            }
        }
        return new EventQuery.Filter(after, kinds, query.getOrDefault("text", ""), limit);
    }

    private void session(HttpExchange exchange) throws IOException {
        ObjectNode json = StatusJson.MAPPER.createObjectNode();
        Optional<Sessions.Session> session = Http.cookie(exchange, SESSION_COOKIE).flatMap(sessions::find);
        json.put("logged_in", session.isPresent());
        session.ifPresent(s -> json.put("csrf_token", s.csrfToken()));
        json.put("writes_enabled", sessions.writesEnabled());
        Http.json(exchange, 200, json);
    }

    private void login(HttpExchange exchange) throws IOException, Http.Refusal {
        sameOrigin(exchange);
        JsonNode body = jsonBody(exchange);
        JsonNode password = body.get("password");
        if (password == null || !password.isTextual()) {
            throw new Http.Refusal(400, "'password' must be a string");
        }
        String client = client(exchange);
        switch (sessions.check(password.asText())) {
            case NO_PASSWORD -> throw new Http.Refusal(403, "the app is read-only: no web.password is configured");
            case THROTTLED -> {
                log.warn("web: login from {} refused: too many wrong passwords in the last minute", client);
                throw new Http.Refusal(429, "too many wrong passwords; wait a minute");
            }
            case WRONG -> {
                log.warn("web: wrong password from {}", client);
                throw new Http.Refusal(401, "wrong password");
            }
            case ACCEPTED -> {
                Sessions.Session session = sessions.login();
                exchange.getResponseHeaders().add("Set-Cookie", SESSION_COOKIE + "=" + session.id()
                        + "; Path=/; HttpOnly; SameSite=Strict");
                log.info("web: login from {}", client);
                Http.json(exchange, 200, ok().put("csrf_token", session.csrfToken()));
            }
        }
    }

    private void command(HttpExchange exchange) throws IOException, Http.Refusal {
        Origin origin = authorise(exchange);
        JsonNode body = jsonBody(exchange);
        Command command;
        try {
            command = CommandJson.read(body);
        } catch (IllegalArgumentException e) {
            throw new Http.Refusal(400, "malformed command: " + e.getMessage());
        }
        if (!(command instanceof ControlCommand.SetMos || command instanceof ControlCommand.ResetFaults
                || command instanceof ControlCommand.SetBalancing)) {
            throw new Http.Refusal(400, "the web app takes the commands mos, fault_reset and balance; protection"
                    + " limits change with PUT /api/settings");
        }
        answer(exchange, submit(command, origin));
    }

    private void changeSettings(HttpExchange exchange) throws IOException, Http.Refusal {
        Origin origin = authorise(exchange);
        JsonNode body = jsonBody(exchange);
        SettingsView.Plan plan = settings.plan(body, snapshots.latest().protection());
        if (!plan.errors().isEmpty()) {
            ObjectNode json = StatusJson.MAPPER.createObjectNode().put("ok", false);
            json.put("error", plan.errors().size() == 1 ? "refused, nothing changed: " + first(plan.errors())
                    : "refused, nothing changed: " + plan.errors().size() + " problems");
            ObjectNode errors = json.putObject("errors");
            plan.errors().forEach(errors::put);
            Http.json(exchange, 400, json);
            return;
        }
        answer(exchange, submit(plan.command(), origin));
    }

    private static String first(Map<String, String> errors) {
        Map.Entry<String, String> entry = errors.entrySet().iterator().next();
        return entry.getKey().isEmpty() ? entry.getValue() : entry.getKey() + ": " + entry.getValue();
    }

    private CommandResult submit(Command command, Origin origin) throws Http.Refusal {
        try {
            return commands.submit(command, origin).get(COMMAND_TIMEOUT_s, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new Http.Refusal(504, "the control loop did not answer within " + COMMAND_TIMEOUT_s + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Http.Refusal(503, "interrupted: pibms is stopping");
        } catch (ExecutionException e) {
            throw new Http.Refusal(500, "the command failed: " + e.getCause());
        }
    }

    private static void answer(HttpExchange exchange, CommandResult result) throws IOException {
        if (result.accepted()) {
            Http.json(exchange, 200, ok().put("message", result.message()));
        } else {
            Http.error(exchange, 409, result.message());
        }
    }

    /**
     * Who is writing, if they may: a live session whose token came back in the header, or the
     * password as a bearer token.
     */
    private Origin authorise(HttpExchange exchange) throws Http.Refusal {
        sameOrigin(exchange);
        String client = client(exchange);
        if (!sessions.writesEnabled()) {
            throw new Http.Refusal(403, "the app is read-only: no web.password is configured");
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.startsWith("Bearer ")) {
            switch (sessions.check(authorization.substring("Bearer ".length()))) {
                case ACCEPTED -> {
                    return new Origin("web", client + " (password)");
                }
                case THROTTLED -> throw new Http.Refusal(429, "too many wrong passwords; wait a minute");
                default -> {
                    log.warn("web: wrong bearer password from {}", client);
                    throw new Http.Refusal(401, "wrong password");
                }
            }
        }
        Optional<Sessions.Session> session = Http.cookie(exchange, SESSION_COOKIE).flatMap(sessions::find);
        if (session.isEmpty()) {
            throw new Http.Refusal(401, "log in first: writes need the password");
        }
        if (!Sessions.sameToken(session.get().csrfToken(), exchange.getRequestHeaders().getFirst(CSRF_HEADER))) {
            log.warn("web: a write from {} came without its {} header and was refused (cross-site request?)", client,
                    CSRF_HEADER);
            throw new Http.Refusal(403, "missing or wrong " + CSRF_HEADER + " header");
        }
        return new Origin("web", client);
    }

    /** A browser names the page a request came from; a page of another site may not write here. */
    private static void sameOrigin(HttpExchange exchange) throws Http.Refusal {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (origin != null && (host == null || !(origin.equals("http://" + host) || origin.equals("https://" + host)))) {
            throw new Http.Refusal(403, "cross-site request refused (Origin " + origin + ")");
        }
    }

    /** A JSON body, which a plain HTML form on another site cannot send. */
    private static JsonNode jsonBody(HttpExchange exchange) throws IOException, Http.Refusal {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new Http.Refusal(415, "the body must be JSON, with Content-Type: application/json");
        }
        JsonNode body;
        try {
            body = StatusJson.MAPPER.readTree(Http.body(exchange));
        } catch (JsonProcessingException e) {
            throw new Http.Refusal(400, "malformed JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
            throw new Http.Refusal(400, "malformed JSON: expected an object");
        }
        return body;
    }

    private static String client(HttpExchange exchange) {
        return exchange.getRemoteAddress().getAddress().getHostAddress();
    }

    private static ObjectNode ok() {
        return StatusJson.MAPPER.createObjectNode().put("ok", true);
    }
}
