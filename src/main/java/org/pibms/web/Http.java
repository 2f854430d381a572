package org.pibms.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pibms.json.StatusJson;

/** What every answer of the web app shares: its headers, JSON bodies, bounded request bodies, cookies. */
final class Http {

    static final int MAX_BODY_BYTES = 64 * 1024;
    static final String JSON = "application/json; charset=utf-8";

    /** A request the client got wrong: answered with its status and a one-sentence error. */
    static final class Refusal extends Exception {
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private Http() {
    }

    /**
     * Headers on every answer: no page of ours may be framed by another site, scripts and styles
     * come only from this server, and nothing guesses a content type.
     */
    static void secure(Headers headers) {
        headers.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none';"
                + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        secure(headers);
        headers.set("Content-Type", contentType);
        if (!headers.containsKey("Cache-Control")) {
            headers.set("Cache-Control", "no-store");
        }
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    static void json(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        send(exchange, status, JSON, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static void error(HttpExchange exchange, int status, String message) throws IOException {
        json(exchange, status, StatusJson.MAPPER.createObjectNode().put("ok", false).put("error", message));
    }

    /** The request body, at most {@link #MAX_BODY_BYTES}. */
    static byte[] body(HttpExchange exchange) throws IOException, Refusal {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try (InputStream in = exchange.getRequestBody()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (bytes.size() + n > MAX_BODY_BYTES) {
                    throw new Refusal(413, "the request body is larger than " + MAX_BODY_BYTES / 1024 + " KiB");
                }
                bytes.write(buffer, 0, n);
            }
        }
        return bytes.toByteArray();
    }

    /** The query string's parameters; a name given twice keeps its last value. */
    static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return parameters;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.put(decode(name), decode(value));
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }

    static Optional<String> cookie(HttpExchange exchange, String name) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String part : header.split(";")) {
                String trimmed = part.trim();
                if (trimmed.startsWith(name + "=")) {
                    return Optional.of(trimmed.substring(name.length() + 1));
                }
            }
        }
        return Optional.empty();
    }
}
