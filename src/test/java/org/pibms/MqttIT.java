package org.pibms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.mqtt.Mosquitto;

/**
 * The packaged daemon on a real Mosquitto broker, watched by {@code mosquitto_sub} and commanded
 * with {@code mosquitto_pub}: discovery, the state, Home Assistant's restart, a command round
 * trip, a broker restart, and the last will when the daemon is killed.
 */
class MqttIT {

    private static final Path SCRIPT = Path.of("scripts/pibms").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Pattern ONLINE = Pattern.compile("pibms/([a-z0-9_-]+)/status online");

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void needsMosquitto() {
        Mosquitto.assumeAvailable();
    }

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void homeAssistantFindsThePackFollowsItCommandsItAndHearsTheWill() throws Exception {
        Files.createDirectories(dir.resolve("broker"));
        try (Mosquitto broker = Mosquitto.in(dir.resolve("broker")).user("pibms", "broker-secret").start();
                Mosquitto.Subscriber ha = broker.subscriber()) {
            Path config = dir.resolve("pibms.yaml");
            Files.writeString(config, TestConfigs.simulatedYaml(16, dir, "1", "", """
                    mqtt:
                      host: 127.0.0.1
                      port: %d
                      username: pibms
                      password: broker-secret
                      interval_s: 1
                      commands: true
                    """.formatted(broker.port())));
            Process daemon = start(config);

            Matcher online = ONLINE.matcher(ha.awaitMessage(line -> ONLINE.matcher(line).matches(), WAIT));
            assertThat(online.matches()).isTrue();
            String id = online.group(1);
            String base = "pibms/" + id;

            // discovery: retained configs, one device, unique ids; 22 pack-wide entities with the command
            // switches, button and select, 16 cells, 2 sensors
            ha.awaitMessage(line -> line.startsWith(base + "/state "), WAIT);
            List<JsonNode> configs = new ArrayList<>();
            for (String line : ha.lines()) {
                if (line.startsWith("homeassistant/") && line.contains("/pibms_" + id + "/") && line.contains(" {")) {
                    configs.add(JSON.readTree(line.substring(line.indexOf(' ') + 1)));
                }
            }
            assertThat(configs).hasSize(40);
            Set<String> uniqueIds = new HashSet<>();
            configs.forEach(c -> assertThat(uniqueIds.add(c.get("unique_id").asText())).isTrue());
            assertThat(configs).allSatisfy(c -> assertThat(c.get("device").get("identifiers").get(0).asText())
                    .isEqualTo("pibms_" + id));
            try (Mosquitto.Subscriber late = broker.subscriber()) {
                late.awaitMessage(line -> line.startsWith("homeassistant/sensor/pibms_" + id + "/soc/config {"), WAIT);
                late.awaitMessage(line -> line.equals(base + "/status online"), WAIT);
            }

            // the state, every second, agreeing with pibms status
            int states = count(ha, base + "/state ");
            awaitCount(ha, base + "/state ", states + 2);
            JsonNode state = lastState(ha, base);
            JsonNode status = JSON.readTree(pibms("status", "--json", "--config", config.toString()));
            assertThat(state.get("soc").asDouble()).isCloseTo(status.get("soc_pct").asDouble(),
                    org.assertj.core.data.Offset.offset(0.2));
            assertThat(state.get("cells")).hasSize(16);
            assertThat(state.get("charge_mos").asText()).isEqualTo("ON");

            // Home Assistant restarts: everything is announced again
            int announced = count(ha, "homeassistant/sensor/pibms_" + id + "/soc/config ");
            broker.publish("homeassistant/status", "online", false);
            awaitCount(ha, "homeassistant/sensor/pibms_" + id + "/soc/config ", announced + 1);

            // a command, its answer, and its effect in the state and the status
            broker.publish(base + "/set/charge_mos", "OFF", false);
            String result = ha.awaitMessage(line -> line.startsWith(base + "/command_result "), WAIT);
            assertThat(JSON.readTree(result.substring(result.indexOf(' ') + 1)).get("ok").asBoolean())
                    .as(result).isTrue();
            ha.awaitMessage(line -> line.startsWith(base + "/state ") && line.contains("\"charge_mos\":\"OFF\""), WAIT);
            assertThat(JSON.readTree(pibms("status", "--json", "--config", config.toString())).get("charge_mos")
                    .asBoolean()).isFalse();
            broker.publish(base + "/set/charge_mos", "sideways", false);
            ha.awaitMessage(line -> line.startsWith(base + "/command_result ") && line.contains("\"ok\":false"), WAIT);

            // the broker goes away and comes back: pibms connects again by itself
            broker.stop();
            Thread.sleep(3000);
            assertThat(daemon.isAlive()).isTrue();
            broker.start();
            try (Mosquitto.Subscriber after = broker.subscriber()) {
                after.awaitMessage(line -> line.equals(base + "/status online"), Duration.ofSeconds(40));
                after.awaitMessage(line -> line.startsWith(base + "/state "), WAIT);

                // killed without a goodbye: the broker publishes the will
                daemon.destroyForcibly();
                assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).isTrue();
                after.awaitMessage(line -> line.equals(base + "/status offline"), WAIT);
            }
        }
    }

    private Process start(Path config) throws Exception {
        Process process = new ProcessBuilder(SCRIPT.toString(), "run", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile()).start();
        processes.add(process);
        return process;
    }

    private String pibms(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return Files.readString(out);
    }

    private static int count(Mosquitto.Subscriber subscriber, String prefix) {
        return (int) subscriber.lines().stream().filter(line -> line.startsWith(prefix)).count();
    }

    private static void awaitCount(Mosquitto.Subscriber subscriber, String prefix, int wanted) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (count(subscriber, prefix) < wanted) {
            assertThat(System.nanoTime()).as("%d messages on %s within %s; have %d", wanted, prefix, WAIT,
                    count(subscriber, prefix)).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static JsonNode lastState(Mosquitto.Subscriber subscriber, String base) throws Exception {
        List<String> lines = subscriber.lines();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(base + "/state ")) {
                return JSON.readTree(lines.get(i).substring(lines.get(i).indexOf(' ') + 1));
            }
        }
        throw new AssertionError("no state message");
    }
}
