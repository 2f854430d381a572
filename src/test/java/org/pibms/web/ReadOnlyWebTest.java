package org.pibms.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.daemon.Daemon;
import org.pibms.json.StatusJson;

/** Without web.password the app shows everything and changes nothing. */
class ReadOnlyWebTest {

    @TempDir
    Path dir;

    @Test
    void withoutAPasswordEveryWriteIsRefused() throws Exception {
        int port = WebApiTest.freePort();
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        try (Daemon daemon = Daemon.start(TestConfigs.simulatedWith(8, dir, "web:\n  enabled: true\n  port: " + port
                + "\n"))) {
            WebApiTest.awaitListening(base);
            HttpResponse<String> session = http.send(HttpRequest.newBuilder(URI.create(base + "/api/session")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(StatusJson.MAPPER.readTree(session.body()).get("writes_enabled").asBoolean()).isFalse();
            for (String[] write : new String[][] {{"POST", "/api/login", "{\"password\":\"anything-at-all\"}"},
                    {"POST", "/api/commands", "{\"type\":\"fault_reset\"}"}, {"PUT", "/api/settings", "{}"}}) {
                HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + write[1]))
                        .method(write[0], HttpRequest.BodyPublishers.ofString(write[2]))
                        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).as(write[1]).isEqualTo(403);
                assertThat(refused.body()).contains("read-only: no web.password is configured");
            }
            assertThat(daemon.snapshots().latest().cellCount()).isEqualTo(8);
        }
    }
}
