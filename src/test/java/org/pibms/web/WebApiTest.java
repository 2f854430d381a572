package org.pibms.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.pibms.TestConfigs;
import org.pibms.core.FaultId;
import org.pibms.daemon.Daemon;
import org.pibms.json.StatusJson;
import org.pibms.store.EventLogFiles;
import org.pibms.store.EventRecord;

/** Every endpoint of the web app's API, on a running simulated daemon, from a plain HTTP client. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebApiTest {

    static final String PASSWORD = "test-password-1";

    private Path dir;
    private Daemon daemon;
    private String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("pibms-web");
        int port = freePort();
        daemon = Daemon.start(TestConfigs.simulatedWith(16, dir, "web:\n  enabled: true\n  port: " + port
                + "\n  password: " + PASSWORD + "\n"));
        base = "http://127.0.0.1:" + port;
        awaitListening(base);
        await(() -> daemon.snapshots().latest().cellVoltagesValid());
    }

    @AfterAll
    void stop() {
        daemon.close();
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    /** The web app binds on its own thread: the daemon is up before the port is. */
    static void awaitListening(String base) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                client.send(HttpRequest.newBuilder(URI.create(base + "/api/session")).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(50);
            }
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 5 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return StatusJson.MAPPER.readTree(response.body());
    }

    /** A login: the session cookie and the token that must come back with it. */
    private record Login(String cookie, String csrf) {
        String[] headers() {
            return new String[] {"Cookie", cookie, "X-CSRF-Token", csrf, "Content-Type", "application/json"};
        }
    }

    private Login login() throws Exception {
        HttpResponse<String> response = send("POST", "/api/login", "{\"password\":\"" + PASSWORD + "\"}",
                "Content-Type", "application/json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
        return new Login(setCookie.substring(0, setCookie.indexOf(';')), json(response).get("csrf_token").asText());
    }

    @Test
    void statusHasTheShapeOfPibmsStatusJson() throws Exception {
        HttpResponse<String> response = get("/api/status");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode status = json(response);
        List<String> fields = new ArrayList<>();
        status.fieldNames().forEachRemaining(fields::add);
        List<String> expected = new ArrayList<>();
        StatusJson.write(daemon.snapshots().latest()).fieldNames().forEachRemaining(expected::add);
        assertThat(fields).isEqualTo(expected);
        assertThat(status.get("cells_mV")).hasSize(16);
        assertThat(status.get("simulated").asBoolean()).isTrue();
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(send("POST", "/api/status", "{}", "Content-Type", "application/json").statusCode()).isEqualTo(405);
        assertThat(get("/api/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void thePagesComeFromTheJarWithAStrictContentPolicy() throws Exception {
        for (String page : List.of("/", "/control", "/settings", "/events")) {
            HttpResponse<String> response = get(page);
            assertThat(response.statusCode()).as(page).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow())
                    .contains("default-src 'self'").contains("frame-ancestors 'none'");
            assertThat(response.body()).contains("<html").contains("/app.js");
        }
        HttpResponse<String> script = get("/app.js");
        assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("/../pom.xml").statusCode()).isEqualTo(404);
        assertThat(get("/index.html.bak").statusCode()).isEqualTo(404);
        assertThat(send("DELETE", "/", "").statusCode()).isEqualTo(405);
    }

    @Test
    void aLoginGivesACookieAndATokenAndAWrongPasswordNothing() throws Exception {
        JsonNode anonymous = json(get("/api/session"));
        assertThat(anonymous.get("logged_in").asBoolean()).isFalse();
        assertThat(anonymous.get("writes_enabled").asBoolean()).isTrue();
        assertThat(anonymous.has("csrf_token")).isFalse();

        HttpResponse<String> wrong = send("POST", "/api/login", "{\"password\":\"guess-1234\"}", "Content-Type",
                "application/json");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(send("POST", "/api/login", "{\"password\":1234}", "Content-Type", "application/json")
                .statusCode()).isEqualTo(400);

        Login login = login();
        JsonNode session = json(http.send(HttpRequest.newBuilder(URI.create(base + "/api/session"))
                .header("Cookie", login.cookie()).build(), HttpResponse.BodyHandlers.ofString()));
        assertThat(session.get("logged_in").asBoolean()).isTrue();
        assertThat(session.get("csrf_token").asText()).isEqualTo(login.csrf());

        assertThat(send("POST", "/api/logout", "{}", login.headers()).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/commands", "{\"type\":\"fault_reset\"}", login.headers()).statusCode())
                .as("the session ended with the logout").isEqualTo(401);
    }

    @Test
    void commandsNeedALoginItsTokenAndThisSitesOrigin() throws Exception {
        String body = "{\"type\":\"fault_reset\"}";
        HttpResponse<String> anonymous = send("POST", "/api/commands", body, "Content-Type", "application/json");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(json(anonymous).get("error").asText()).contains("log in");

        Login login = login();
        assertThat(send("POST", "/api/commands", body, "Cookie", login.cookie(), "Content-Type", "application/json")
                .statusCode()).as("no token").isEqualTo(403);
        assertThat(send("POST", "/api/commands", body, "Cookie", login.cookie(), "X-CSRF-Token", "forged",
                "Content-Type", "application/json").statusCode()).as("a wrong token").isEqualTo(403);
        assertThat(send("POST", "/api/commands", body, "Cookie", login.cookie(), "X-CSRF-Token", login.csrf(),
                "Content-Type", "application/json", "Origin", "http://evil.example").statusCode())
                .as("another site's page").isEqualTo(403);
        assertThat(send("POST", "/api/commands", body, "Cookie", login.cookie(), "X-CSRF-Token", login.csrf(),
                "Content-Type", "text/plain").statusCode()).as("a form's body").isEqualTo(415);
        assertThat(send("POST", "/api/commands", body, "Authorization", "Bearer wrong-password",
                "Content-Type", "application/json").statusCode()).isEqualTo(401);

        HttpResponse<String> accepted = send("POST", "/api/commands", body, login.headers());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(json(accepted).get("ok").asBoolean()).isTrue();
        HttpResponse<String> bearer = send("POST", "/api/commands", body, "Authorization", "Bearer " + PASSWORD,
                "Content-Type", "application/json");
        assertThat(bearer.statusCode()).as(bearer.body()).isEqualTo(200);
    }

    @Test
    void badCommandsAreRefusedWithTheirReason() throws Exception {
        Login login = login();
        assertRefused(send("POST", "/api/commands", "{\"type\":", login.headers()), 400, "malformed JSON");
        assertRefused(send("POST", "/api/commands", "[1,2]", login.headers()), 400, "expected an object");
        assertRefused(send("POST", "/api/commands", "{\"type\":\"mos\",\"path\":\"charge\",\"on\":\"no\"}",
                login.headers()), 400, "'on' must be true or false");
        assertRefused(send("POST", "/api/commands", "{\"type\":\"mos\",\"path\":\"load\",\"on\":false}",
                login.headers()), 400, "unknown path 'load'");
        assertRefused(send("POST", "/api/commands", "{\"type\":\"launch\"}", login.headers()), 400,
                "unknown command type");
        assertRefused(send("POST", "/api/commands", "{\"type\":\"sim_current\",\"current_mA\":1000}",
                login.headers()), 400, "takes the commands mos, fault_reset and balance");
        assertRefused(send("POST", "/api/commands", "{\"type\":\"balance\",\"command\":\"max\"}", login.headers()),
                400, "unknown balancing command");
        assertRefused(send("POST", "/api/commands", "{\"type\":\"x\",\"pad\":\"" + "x".repeat(70_000) + "\"}",
                login.headers()), 413, "larger than 64 KiB");
        assertThat(daemon.snapshots().latest().chargeMos()).as("nothing switched").isTrue();
    }

    private static void assertRefused(HttpResponse<String> response, int status, String error) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode json = json(response);
        assertThat(json.get("ok").asBoolean()).isFalse();
        assertThat(json.get("error").asText()).contains(error);
    }

    @Test
    void theChargeMosSwitchesOffAndOnAndTheEventLogNamesTheClient() throws Exception {
        Login login = login();
        HttpResponse<String> off = send("POST", "/api/commands", "{\"type\":\"mos\",\"path\":\"charge\",\"on\":false}",
                login.headers());
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        await(() -> !daemon.snapshots().latest().chargeMos());
        assertThat(json(get("/api/status")).get("manual_off").toString()).contains("charge");

        HttpResponse<String> on = send("POST", "/api/commands", "{\"type\":\"mos\",\"path\":\"charge\",\"on\":true}",
                login.headers());
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        await(() -> daemon.snapshots().latest().chargeMos());
        await(() -> commandRecords().stream().anyMatch(r -> r.event().text().startsWith("mos charge off from web"
                + " 127.0.0.1")));
    }

    private List<EventRecord> commandRecords() {
        try {
            return EventLogFiles.read(dir.resolve("state")).records().stream()
                    .filter(r -> r.event().kind() == org.pibms.core.Event.Kind.COMMAND).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    void settingsListEveryKeyWithItsSourceAndHideThePassword() throws Exception {
        JsonNode settings = json(get("/api/settings")).get("settings");
        JsonNode cells = find(settings, "pack.cells");
        assertThat(cells.get("value").asInt()).isEqualTo(16);
        assertThat(cells.get("source").asText()).isEqualTo("file");
        assertThat(cells.get("editable").asBoolean()).isFalse();
        JsonNode period = find(settings, "control.period_ms");
        assertThat(period.get("source").asText()).isEqualTo("default");
        JsonNode trip = find(settings, "protection.cell_overvoltage.trip_mV");
        assertThat(trip.get("editable").asBoolean()).isTrue();
        assertThat(trip.get("value").asInt()).isEqualTo(daemon.snapshots().latest().protection()
                .limit(FaultId.CELL_OVERVOLTAGE).trip());
        assertThat(trip.get("type").asText()).isEqualTo("integer");
        assertThat(trip.get("unit").asText()).isEqualTo("mV");
        JsonNode retry = find(settings, "protection.discharge_overcurrent.retry_s");
        assertThat(retry.get("type").asText()).as("seconds may have a fraction").isEqualTo("number");
        assertThat(retry.get("unit").asText()).isEqualTo("s");
        assertThat(find(settings, "protection.discharge_overcurrent.max_retries").has("unit")).isFalse();
        assertThat(find(settings, "protection.low_soc.enabled").get("type").asText()).isEqualTo("boolean");
        JsonNode recovery = find(settings, "protection.cell_overvoltage.recovery");
        assertThat(recovery.get("type").asText()).isEqualTo("choice");
        assertThat(recovery.get("choices").toString()).isEqualTo("[\"auto\",\"manual\",\"persistent\"]");
        assertThat(find(settings, "protection.discharge_overcurrent.recovery").get("choices").toString())
                .as("a retry row may become stricter, never auto").isEqualTo("[\"retry\",\"manual\",\"persistent\"]");
        assertThat(cells.has("type")).as("a setting that changes only in the file").isFalse();
        assertThat(find(settings, "web.password").get("value").asText()).isEqualTo("********");
        assertThat(get("/api/settings").body()).doesNotContain(PASSWORD);
        assertThat(settings.get(0).get("key").asText()).as("config order").startsWith("pack.");
    }

    private static JsonNode find(JsonNode settings, String key) {
        for (JsonNode item : settings) {
            if (item.get("key").asText().equals(key)) {
                return item;
            }
        }
        throw new AssertionError("no setting " + key + " in " + settings);
    }

    @Test
    void aSettingsChangeIsCheckedKeyByKeyAndAppliedWhole() throws Exception {
        String key = "protection.cell_undervoltage.delay_ms";
        int before = daemon.snapshots().latest().protection().limit(FaultId.CELL_UNDERVOLTAGE).delay_ms();
        assertThat(send("PUT", "/api/settings", "{\"" + key + "\":900}", "Content-Type", "application/json")
                .statusCode()).as("no login").isEqualTo(401);

        Login login = login();
        assertRefused(send("PUT", "/api/settings", "{}", login.headers()), 400, "expected an object of setting keys");
        assertRefused(send("PUT", "/api/settings", "{oops}", login.headers()), 400, "malformed JSON");
        JsonNode errors = json(send("PUT", "/api/settings", "{\"pack.cells\":8,\"nothing.here\":1,"
                + "\"protection.cell_overvoltage.trip_mV\":\"high\",\"protection.cell_overvoltage.enabled\":1,"
                + "\"" + key + "\":900}", login.headers())).get("errors");
        assertThat(errors.get("pack.cells").asText()).contains("only in the config file");
        assertThat(errors.get("nothing.here").asText()).isEqualTo("no such setting");
        assertThat(errors.get("protection.cell_overvoltage.trip_mV").asText()).isEqualTo("expected a number");
        assertThat(errors.has(key)).as("a good value among bad ones has no error").isFalse();
        assertThat(daemon.snapshots().latest().protection().limit(FaultId.CELL_UNDERVOLTAGE).delay_ms())
                .as("all or nothing").isEqualTo(before);

        HttpResponse<String> unsafe = send("PUT", "/api/settings", "{\"protection.cell_overvoltage.trip_mV\":5000}",
                login.headers());
        assertRefused(unsafe, 400, "refused, nothing changed");
        assertThat(json(unsafe).get("errors").get("protection.cell_overvoltage.trip_mV").asText()).isNotBlank();
        HttpResponse<String> crossed = send("PUT", "/api/settings", "{\"protection.cell_overvoltage.recover_mV\":3700}",
                login.headers());
        assertRefused(crossed, 400, "refused, nothing changed");
        assertThat(json(crossed).get("errors").fieldNames().next()).startsWith("protection.cell_overvoltage.");

        HttpResponse<String> accepted = send("PUT", "/api/settings", "{\"" + key + "\":900,"
                + "\"protection.cell_overvoltage.trip_mV\":3600}", login.headers());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(json(accepted).get("message").asText()).contains("until the daemon restarts");
        await(() -> daemon.snapshots().latest().protection().limit(FaultId.CELL_UNDERVOLTAGE).delay_ms() == 900);
        assertThat(daemon.snapshots().latest().protection().limit(FaultId.CELL_OVERVOLTAGE).trip()).isEqualTo(3600);
        JsonNode shown = find(json(get("/api/settings")).get("settings"), key);
        assertThat(shown.get("value").asInt()).isEqualTo(900);
        assertThat(shown.get("config_value").asInt()).isEqualTo(before);
    }

    @Test
    void eventsAreFilteredByKindTextAndSequence() throws Exception {
        Login login = login();
        send("POST", "/api/commands", "{\"type\":\"balance\",\"command\":\"auto\"}", login.headers());
        await(() -> commandRecords().stream().anyMatch(r -> r.event().text().startsWith("balance auto")));

        JsonNode all = json(get("/api/events"));
        long last = all.get("last_seq").asLong();
        assertThat(all.get("events").size()).isPositive();
        assertThat(all.get("events").get(all.get("events").size() - 1).get("seq").asLong()).isEqualTo(last);
        for (JsonNode event : json(get("/api/events?kind=command,config")).get("events")) {
            assertThat(event.get("kind").asText()).isIn("command", "config");
        }
        JsonNode found = json(get("/api/events?text=BALANCE%20AUTO")).get("events");
        assertThat(found).isNotEmpty();
        found.forEach(event -> assertThat(event.get("text").asText()).containsIgnoringCase("balance auto"));
        assertThat(json(get("/api/events?after=" + last)).get("events")).isEmpty();
        assertThat(json(get("/api/events?limit=1")).get("events")).hasSize(1);

        assertRefused(get("/api/events?limit=0"), 400, "'limit' must be between 1 and 1000");
        assertRefused(get("/api/events?after=x"), 400, "whole numbers");
        assertRefused(get("/api/events?kind=gossip"), 400, "unknown event kind 'gossip'");
    }

    @Test
    void metricsAreInThePrometheusTextFormat() throws Exception {
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        String text = response.body();
        int[] cells = daemon.snapshots().latest().cellVoltages_mV();
        assertThat(text).contains("# TYPE pibms_cell_voltage_volts gauge")
                .containsPattern("pibms_cell_voltage_volts\\{cell=\"16\"} 3\\.\\d+")
                .containsPattern("pibms_current_amperes -?\\d")
                .containsPattern("pibms_soc_ratio 0\\.\\d+")
                .contains("pibms_soh_ratio 1.0")
                .containsPattern("pibms_temperature_celsius\\{sensor=\"mos\"} \\d+")
                .contains("pibms_mos_on{path=\"discharge\"}")
                .contains("pibms_fault_active{fault=\"cell_overvoltage\",severity=\"protection\"} 0.0")
                .containsPattern("pibms_control_ticks_total [1-9]")
                .contains("pibms_control_tick_seconds_total")
                .containsPattern("pibms_control_tick_longest_seconds \\d");
        assertThat(cells).hasSize(16);
        Iterator<String> lines = text.lines().iterator();
        int cellLines = 0;
        while (lines.hasNext()) {
            cellLines += lines.next().startsWith("pibms_cell_voltage_volts{") ? 1 : 0;
        }
        assertThat(cellLines).isEqualTo(16);

        // Prometheus asks for protobuf first when native histograms are on; pibms answers in text
        HttpResponse<String> negotiated = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .header("Accept", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                        + "encoding=delimited;q=0.8,application/openmetrics-text;version=1.0.0;q=0.6,"
                        + "text/plain;version=0.0.4;q=0.3").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(negotiated.statusCode()).isEqualTo(200);
        assertThat(negotiated.headers().firstValue("Content-Type").orElseThrow()).startsWith(
                "application/openmetrics-text");
        assertThat(negotiated.body()).contains("pibms_cell_voltage_volts{cell=\"1\"}").endsWith("# EOF\n");
    }
}
