package org.pibms.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium driven over the Chrome DevTools Protocol with nothing but the JDK's HTTP and
 * WebSocket clients: one browser, one page, the calls a web test needs. Not thread-safe beyond
 * what the protocol itself needs; one test thread drives it.
 */
final class Chromium implements AutoCloseable {

    /** A CDP call answered with an error, a script that threw, or a browser that went away. */
    static final class CdpException extends RuntimeException {
        CdpException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STARTUP = Duration.ofSeconds(20);
    private static final Duration CALL = Duration.ofSeconds(10);
    private static final Duration PAGE_LOAD = Duration.ofSeconds(20);
    private static final String LOG = "chromium.log";

    private final Process process;
    private final Path log;
    // A test that forgets close() must still not leave a browser running after the JVM.
    private final Thread reaper;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> pageErrors = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();
    private volatile String lostConnection;
    private WebSocket socket;
    private boolean closed;

    static boolean available() {
        Path binary = binary();
        return Files.isRegularFile(binary) && Files.isExecutable(binary);
    }

    private static Path binary() {
        return Path.of(System.getProperty("pibms.chromium", "/usr/bin/chromium"));
    }

    static Chromium launch(Path userDataDir) throws IOException {
        Files.createDirectories(userDataDir);
        // A port file left by an earlier browser in the same directory would point at a dead port.
        Files.deleteIfExists(userDataDir.resolve("DevToolsActivePort"));
        // No internet here: without the background-networking switches Chromium keeps dialling out.
        Process process = new ProcessBuilder(binary().toString(), "--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
                "--mute-audio", "--hide-scrollbars", "--remote-debugging-port=0",
                "--remote-debugging-address=127.0.0.1", "--user-data-dir=" + userDataDir.toAbsolutePath(),
                "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(userDataDir.resolve(LOG).toFile())
                .start();
        Chromium chromium = new Chromium(process, userDataDir.resolve(LOG));
        try {
            chromium.connect(userDataDir.resolve("DevToolsActivePort"));
            return chromium;
        } catch (IOException | RuntimeException e) {
            chromium.close();
            throw e;
        }
    }

    private Chromium(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.reaper = new Thread(process::destroy, "chromium-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    private void connect(Path portFile) throws IOException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        // Port 0 lets Chromium pick a free port, which it then reports only through this file.
        int port = -1;
        while (port < 0) {
            List<String> lines = Files.exists(portFile) ? Files.readAllLines(portFile) : List.of();
            if (!lines.isEmpty() && lines.get(0).matches("\\d+")) {
                port = Integer.parseInt(lines.get(0));
            } else if (!process.isAlive()) {
                throw new IllegalStateException("Chromium exited with status " + process.exitValue()
                        + " before it opened its DevTools port; its output ends:\n" + logTail());
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Chromium wrote no " + portFile + " within " + STARTUP
                        + "; its output ends:\n" + logTail());
            } else {
                pause(50);
            }
        }
        String target = pageTarget(port, deadline);
        socket = join(http.newWebSocketBuilder().connectTimeout(CALL).buildAsync(URI.create(target), new Listener()),
                CALL, "connecting to " + target);
        send("Page.enable", null, CALL);
        send("Runtime.enable", null, CALL);
        send("Log.enable", null, CALL);
    }

    /** The browser may list its tab a moment after it opened the port. */
    private String pageTarget(int port, long deadline) throws IOException {
        HttpRequest list = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .timeout(CALL).build();
        while (true) {
            String body;
            try {
                body = http.send(list, HttpResponse.BodyHandlers.ofString()).body();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while asking Chromium for its targets", e);
            }
            for (JsonNode target : JSON.readTree(body)) {
                if (target.path("type").asText().equals("page") && target.hasNonNull("webSocketDebuggerUrl")) {
                    return target.get("webSocketDebuggerUrl").asText();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Chromium lists no page target: " + body);
            }
            pause(50);
        }
    }

    JsonNode send(String method, ObjectNode params, Duration timeout) {
        int id = ids.incrementAndGet();
        ObjectNode call = JSON.createObjectNode().put("id", id).put("method", method);
        if (params != null) {
            call.set("params", params);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            if (lostConnection != null) {
                throw new CdpException(method + ": " + lostConnection);
            }
            // A WebSocket takes one outgoing message at a time.
            synchronized (this) {
                join(socket.sendText(call.toString(), true), timeout, "sending " + method);
            }
            JsonNode response = join(answer, timeout, method);
            JsonNode error = response.get("error");
            if (error != null) {
                throw new CdpException(method + " failed: " + error.path("message").asText()
                        + (error.has("data") ? " (" + error.get("data").asText() + ")" : ""));
            }
            return response.path("result");
        } finally {
            pending.remove(id);
        }
    }

    void navigate(String url) {
        // Armed before the call: the load event can overtake Page.navigate's own answer.
        loaded = new CompletableFuture<>();
        JsonNode result = send("Page.navigate", params().put("url", url), PAGE_LOAD);
        if (result.hasNonNull("errorText")) {
            throw new CdpException("navigating to " + url + " failed: " + result.get("errorText").asText());
        }
        // No loaderId means a same-document navigation (a #fragment), which fires no load event.
        if (result.hasNonNull("loaderId")) {
            join(loaded, PAGE_LOAD, "loading " + url);
        }
    }

    JsonNode evaluate(String expression) {
        JsonNode result = send("Runtime.evaluate", params().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true), CALL);
        JsonNode thrown = result.get("exceptionDetails");
        if (thrown != null) {
            String description = thrown.path("exception").path("description").asText(
                    thrown.path("exception").path("value").asText(thrown.path("text").asText()));
            throw new CdpException("evaluating `" + expression + "` threw " + description);
        }
        JsonNode value = result.path("result").get("value");
        return value == null ? NullNode.getInstance() : value;
    }

    void waitFor(String jsCondition, Duration timeout) {
        // JavaScript's own idea of truthy, and a condition may be a promise.
        String truthy = "Promise.resolve((" + jsCondition + ")).then(Boolean)";
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastFailure = "";
        while (true) {
            // A condition may throw until the page has built what it looks at; that counts as false.
            try {
                if (evaluate(truthy).asBoolean()) {
                    return;
                }
                lastFailure = "";
            } catch (CdpException e) {
                lastFailure = "\nlast attempt: " + e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for `" + jsCondition + "`"
                        + lastFailure + "\npage text: " + pageText() + "\npage errors: " + pageErrors());
            }
            pause(100);
        }
    }

    void click(String cssSelector) {
        evaluate(onElement(cssSelector, "el.click();"));
    }

    void type(String cssSelector, String text) {
        evaluate(onElement(cssSelector, "el.focus(); el.value = " + literal(text) + ";"
                + " el.dispatchEvent(new Event('input', {bubbles: true}));"
                + " el.dispatchEvent(new Event('change', {bubbles: true}));"));
    }

    void viewport(int width, int height, double scale, boolean mobile) {
        send("Emulation.setDeviceMetricsOverride", params().put("width", width).put("height", height)
                .put("deviceScaleFactor", scale).put("mobile", mobile), CALL);
    }

    /** What the viewport shows now, as a PNG file. */
    void screenshot(Path png) throws IOException {
        JsonNode shot = send("Page.captureScreenshot",
                params().put("format", "png").put("captureBeyondViewport", false), Duration.ofSeconds(30));
        Path parent = png.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.write(png, Base64.getDecoder().decode(shot.path("data").asText()));
    }

    /** Uncaught exceptions, console.error calls and the browser's own errors (CSP) of every page so far, oldest first. */
    List<String> pageErrors() {
        return List.copyOf(pageErrors);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Killing the browser alone can strand its zygote and renderers; note them while they are its children.
        List<ProcessHandle> family = process.descendants().toList();
        boolean asked = false;
        try {
            if (socket != null && lostConnection == null) {
                send("Browser.close", null, Duration.ofSeconds(3));
                asked = true;
            }
        } catch (CdpException e) {
            // Usually the connection closing before the answer; the process is ended below regardless.
        }
        try {
            if (!(asked && process.waitFor(3, TimeUnit.SECONDS))) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (socket != null) {
            socket.abort();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down, and the browser is gone anyway.
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            // Large answers (screenshots) arrive in pieces.
            message.append(data);
            if (last) {
                String text = message.toString();
                message.setLength(0);
                dispatch(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            lost("the browser closed the DevTools connection (status " + statusCode + ")");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            lost("the DevTools connection failed: " + error);
        }
    }

    private void dispatch(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            pageErrors.add("unreadable DevTools message: " + text);
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.get(message.get("id").asInt());
            if (answer != null) {
                answer.complete(message);
            }
            return;
        }
        JsonNode params = message.path("params");
        switch (message.path("method").asText()) {
            case "Page.loadEventFired" -> loaded.complete(null);
            case "Runtime.exceptionThrown" -> {
                JsonNode details = params.path("exceptionDetails");
                pageErrors.add(details.path("exception").path("description").asText(details.path("text").asText())
                        + " (" + details.path("url").asText() + ":" + (details.path("lineNumber").asInt() + 1) + ")");
            }
            case "Runtime.consoleAPICalled" -> {
                if (params.path("type").asText().equals("error")) {
                    List<String> args = new ArrayList<>();
                    params.path("args").forEach(arg -> args.add(arg.has("value")
                            ? arg.get("value").asText() : arg.path("description").asText()));
                    pageErrors.add("console.error: " + String.join(" ", args));
                }
            }
            // the browser's own complaints, such as a script or style the Content-Security-Policy blocked;
            // a failed request is left out: the API answers refusals with error statuses by design
            case "Log.entryAdded" -> {
                JsonNode entry = params.path("entry");
                if (entry.path("level").asText().equals("error") && !entry.path("source").asText().equals("network")) {
                    pageErrors.add("browser: " + entry.path("text").asText());
                }
            }
            default -> { }
        }
    }

    private void lost(String why) {
        lostConnection = why;
        pending.values().forEach(answer -> answer.completeExceptionally(new CdpException(why)));
        loaded.completeExceptionally(new CdpException(why));
    }

    private String pageText() {
        try {
            return evaluate("document.body ? document.body.innerText.slice(0, 2000) : ''").asText();
        } catch (CdpException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(" + log + " unreadable: " + e + ")";
        }
    }

    private static String onElement(String cssSelector, String action) {
        String selector = literal(cssSelector);
        return "(() => { const el = document.querySelector(" + selector + ");"
                + " if (!el) throw new Error('no element matches ' + " + selector + "); " + action + " })()";
    }

    private static String literal(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode params() {
        return JSON.createObjectNode();
    }

    private static <T> T join(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CdpException(what + ": no answer within " + timeout);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof CdpException cdp ? new CdpException(what + ": " + cdp.getMessage())
                    : new CdpException(what + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdpException(what + ": interrupted");
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdpException("interrupted");
        }
    }
}
