package org.pibms.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.NullNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DevTools harness against a page of the JDK's own HTTP server: typing, clicking, waiting,
 * values and exceptions out of scripts, the page's own errors, and a screenshot. Skipped without
 * Chromium unless {@code -Dpibms.require.chromium=true} makes that a failure.
 */
class ChromiumTest {

    private static final String PAGE = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>harness</title></head>
            <body style="margin: 0; font: 16px sans-serif">
              <input id="name"> <button id="greet">Greet</button>
              <div id="out"></div>
              <button id="boom" onclick="throw new Error('deliberate failure')">Boom</button>
              <button id="complain" onclick="console.error('deliberate complaint', 42)">Complain</button>
              <canvas id="swatch" width="320" height="160"></canvas>
              <script>
                // The answer comes late on purpose, so that waitFor has something to wait for.
                document.getElementById('greet').addEventListener('click', () => setTimeout(() => {
                  document.getElementById('out').textContent = 'Hello, ' + document.getElementById('name').value;
                }, 200));
                // Noise does not compress: the screenshot is big enough to arrive in many WebSocket pieces.
                const swatch = document.getElementById('swatch').getContext('2d');
                const pixels = swatch.createImageData(320, 160);
                let seed = 1;
                for (let i = 0; i < pixels.data.length; i++) {
                  seed = (seed * 1103515245 + 12345) % 2147483648;
                  pixels.data[i] = i % 4 === 3 ? 255 : seed >> 23;
                }
                swatch.putImageData(pixels, 0, 0);
              </script>
            </body></html>
            """;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    static Path profiles;
    private static HttpServer server;
    private static String pageUrl;
    // One browser for the class: launching one takes most of a second.
    private static Chromium chromium;

    @BeforeAll
    static void serveThePage() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            boolean found = exchange.getRequestURI().getPath().equals("/");
            byte[] body = (found ? PAGE : "not found").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", found ? "text/html; charset=utf-8" : "text/plain");
            exchange.sendResponseHeaders(found ? 200 : 404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        pageUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    // Checked before each test rather than once for the class, so that a skip shows in the test counts.
    @BeforeEach
    void requireChromium() throws IOException {
        if (!Chromium.available() && Boolean.getBoolean("pibms.require.chromium")) {
            fail("Chromium is not at /usr/bin/chromium (nor where -Dpibms.chromium says), "
                    + "and -Dpibms.require.chromium=true requires it");
        }
        Assumptions.assumeTrue(Chromium.available(),
                "Chromium is not installed; -Dpibms.require.chromium=true makes this a failure");
        if (chromium == null) {
            chromium = Chromium.launch(profiles.resolve("shared"));
        }
    }

    @AfterAll
    static void stopChromiumAndServer() {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void typesClicksAndWaitsForThePageToAnswer() {
        chromium.navigate(pageUrl);
        assertThat(chromium.evaluate("document.title").asText()).isEqualTo("harness");

        chromium.type("#name", "Zoë \"the cell\" O'Brien");
        chromium.click("#greet");
        chromium.waitFor("document.getElementById('out').textContent !== ''", Duration.ofSeconds(5));

        assertThat(chromium.evaluate("document.getElementById('out').textContent").asText())
                .isEqualTo("Hello, Zoë \"the cell\" O'Brien");
        assertThat(chromium.pageErrors()).isEmpty();
    }

    @Test
    void evaluateReturnsScriptValuesAsJson() {
        chromium.navigate(pageUrl);

        assertThat(chromium.evaluate("6 * 7").intValue()).isEqualTo(42);
        assertThat(chromium.evaluate("1 / 4").doubleValue()).isEqualTo(0.25);
        assertThat(chromium.evaluate("'volt' + 's'").textValue()).isEqualTo("volts");
        assertThat(chromium.evaluate("2 > 1").booleanValue()).isTrue();
        assertThat(chromium.evaluate("({cells: [3.31, 3.29], name: 'pack', ok: true})").toString())
                .isEqualTo("{\"cells\":[3.31,3.29],\"name\":\"pack\",\"ok\":true}");
        assertThat(chromium.evaluate("undefined")).isEqualTo(NullNode.getInstance());
        assertThat(chromium.evaluate("new Promise(done => setTimeout(() => done('awaited'), 50))").textValue())
                .isEqualTo("awaited");
    }

    @Test
    void scriptErrorsProtocolErrorsAndMissingElementsAreExceptions() throws IOException {
        chromium.navigate(pageUrl);

        assertThatThrownBy(() -> chromium.evaluate("null.voltage"))
                .isInstanceOf(Chromium.CdpException.class).hasMessageContaining("TypeError");
        assertThatThrownBy(() -> chromium.evaluate("Promise.reject(new Error('refused'))"))
                .isInstanceOf(Chromium.CdpException.class).hasMessageContaining("refused");
        assertThatThrownBy(() -> chromium.click("#missing"))
                .isInstanceOf(Chromium.CdpException.class).hasMessageContaining("no element matches #missing");
        assertThatThrownBy(() -> chromium.send("Page.noSuchMethod", null, Duration.ofSeconds(5)))
                .isInstanceOf(Chromium.CdpException.class).hasMessageContaining("Page.noSuchMethod");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        assertThatThrownBy(() -> chromium.navigate("http://127.0.0.1:" + closedPort + "/"))
                .isInstanceOf(Chromium.CdpException.class).hasMessageContaining("ERR_CONNECTION_REFUSED");
        assertThat(chromium.pageErrors()).as("evaluate's own exceptions are not the page's").isEmpty();
    }

    @Test
    void waitForAwaitsTruthinessAndExplainsATimeout() {
        chromium.navigate(pageUrl);

        assertThatThrownBy(() -> chromium.waitFor("document.getElementById('out').textContent === 'never'",
                Duration.ofMillis(300)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("=== 'never'")
                .hasMessageContaining("Greet");
        assertThatThrownBy(() -> chromium.waitFor("document.getElementById('absent').hidden", Duration.ofMillis(300)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("last attempt")
                .hasMessageContaining("TypeError");
        chromium.waitFor("new Promise(done => setTimeout(() => done('a truthy string'), 50))", Duration.ofSeconds(5));
    }

    @Test
    void thePagesOwnErrorsAreCollected() throws Exception {
        // A browser of its own, so that these deliberate errors stay out of the other tests' pages.
        try (Chromium own = Chromium.launch(profiles.resolve("errors"))) {
            own.navigate(pageUrl);
            own.click("#boom");
            own.click("#complain");

            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (own.pageErrors().size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            List<String> errors = own.pageErrors();
            assertThat(errors).hasSize(2);
            assertThat(errors.get(0)).contains("deliberate failure");
            assertThat(errors.get(1)).contains("deliberate complaint 42");
        }
    }

    @Test
    void aScreenshotIsAPng() throws Exception {
        chromium.viewport(640, 360, 1, false);
        chromium.navigate(pageUrl);
        Path png = Path.of("target", "browser-test", "chromium-test.png");
        Files.deleteIfExists(png);

        chromium.screenshot(png);

        byte[] image = Files.readAllBytes(png);
        assertThat(Arrays.copyOf(image, 8)).isEqualTo(PNG_SIGNATURE);
        assertThat(image.length).as("a screenshot with 320 × 160 pixels of noise").isGreaterThan(50_000);
    }
}
