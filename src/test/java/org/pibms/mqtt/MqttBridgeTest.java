package org.pibms.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.pibms.core.ActiveFault;
import org.pibms.core.Balancing;
import org.pibms.core.Command;
import org.pibms.core.CommandResult;
import org.pibms.core.ControlCommand;
import org.pibms.core.FaultId;
import org.pibms.core.Origin;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;
import org.pibms.core.settings.MqttSettings;

class MqttBridgeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MqttBridge.Device DEVICE = new MqttBridge.Device("10000000ABCDEF01", "pibms 4S LFP",
            "pibms 4S LFP", "0.1.0", "10000000ABCDEF01", 4, List.of("cells_top", "mos"));

    /** A broker connection that keeps what was sent, and can fail. */
    static final class RecordingLink implements MqttLink {
        final List<String[]> published = new ArrayList<>();
        final Map<String, Handler> subscriptions = new LinkedHashMap<>();
        boolean up = true;

        @Override
        public synchronized boolean publish(String topic, byte[] payload, boolean retain) {
            if (up) {
                published.add(new String[] {topic, new String(payload, StandardCharsets.UTF_8), String.valueOf(retain)});
            }
            return up;
        }

        @Override
        public void subscribe(String topicFilter, Handler handler) throws IOException {
            if (!up) {
                throw new IOException("gone");
            }
            subscriptions.put(topicFilter, handler);
        }

        @Override
        public Optional<String> awaitLoss(long timeout_ms) {
            return up ? Optional.empty() : Optional.of("lost");
        }

        @Override
        public void close() {
            up = false;
        }

        synchronized List<String[]> on(String topic) {
            return published.stream().filter(m -> m[0].equals(topic)).toList();
        }

        void deliver(String topic, String payload) {
            subscriptions.entrySet().stream()
                    .filter(e -> e.getKey().equals(topic) || e.getKey().endsWith("/+")
                            && topic.startsWith(e.getKey().substring(0, e.getKey().length() - 1)))
                    .forEach(e -> e.getValue().message(topic, payload.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private final List<Command> sent = new ArrayList<>();

    private MqttBridge bridge(boolean commands) {
        MqttSettings settings = new MqttSettings("broker.local", 1883, false, Optional.empty(), Optional.empty(),
                Optional.empty(), "pibms-test", "pibms", "homeassistant", 10, commands);
        return new MqttBridge(settings, DEVICE, (command, origin) -> {
            sent.add(command);
            assertThat(origin).isEqualTo(new Origin("mqtt", "broker.local:1883"));
            return CompletableFuture.completedFuture(command instanceof ControlCommand.SetBalancing
                    ? CommandResult.rejected("balancing stays auto: a fault stops balancing")
                    : CommandResult.accepted("done"));
        });
    }

    private static PackSnapshot snapshot(long time_ms) {
        return PackSnapshot.builder()
                .sequence(time_ms / 100)
                .time_ms(time_ms)
                .state(PackState.NORMAL)
                .cellVoltages_mV(new int[] {3301, 3299, 3350, 3280}, true)
                .packVoltage_mV(13_230, true)
                .current_mA(-12_345, true)
                .soc_pct(57.326, true)
                .capacity_mAh(100_000)
                .temperatures(List.of("cells_top", "mos"), new int[] {251, -52}, new boolean[] {true, false})
                .mos(true, false)
                .chargeLimits(13_800, 50_000, 0, false)
                .balancing(new Balancing.State(Balancing.Command.AUTO, Balancing.Activity.BALANCING,
                        List.of(0, 0, 95, 0), List.of(0.0, 0.0, 1.0, 0.0)))
                .faults(List.of(new ActiveFault(FaultId.CELL_UNDERVOLTAGE, ActiveFault.State.ACTIVE, "cell 4", 2480,
                        2500)))
                .build();
    }

    @Test
    void onConnectItSaysOnlineAnnouncesEveryEntityOnceAndSendsTheState() throws Exception {
        RecordingLink link = new RecordingLink();
        MqttBridge bridge = bridge(false);
        assertThat(bridge.will().topic()).isEqualTo("pibms/10000000abcdef01/status");
        assertThat(new String(bridge.will().payload(), StandardCharsets.US_ASCII)).isEqualTo("offline");
        assertThat(bridge.will().retain()).isTrue();

        bridge.connected(link, snapshot(1_000));
        assertThat(link.subscriptions).containsOnlyKeys("homeassistant/status");
        assertThat(link.published.get(0)).containsExactly("pibms/10000000abcdef01/status", "online", "true");

        Set<String> uniqueIds = new HashSet<>();
        int entities = 0;
        for (String[] message : link.published) {
            if (!message[0].startsWith("homeassistant/")) {
                continue;
            }
            assertThat(message[0]).matches("homeassistant/(sensor|binary_sensor|switch|button|select)"
                    + "/pibms_10000000abcdef01/[a-z0-9_]+/config");
            assertThat(message[2]).as("retained").isEqualTo("true");
            if (message[1].isEmpty()) {
                continue;
            }
            entities++;
            JsonNode config = JSON.readTree(message[1]);
            assertThat(uniqueIds.add(config.get("unique_id").asText())).as("unique: " + message[1]).isTrue();
            assertThat(config.get("availability_topic").asText()).isEqualTo("pibms/10000000abcdef01/status");
            assertThat(config.get("device").get("identifiers").get(0).asText()).isEqualTo("pibms_10000000abcdef01");
        }
        // 21 pack-wide entities, 4 cells, 2 temperature sensors
        assertThat(entities).isEqualTo(27);
        assertThat(link.on("pibms/10000000abcdef01/state")).hasSize(1);
    }

    @Test
    void theSocConfigFollowsHomeAssistantsConventions() throws Exception {
        RecordingLink link = new RecordingLink();
        bridge(false).connected(link, snapshot(1_000));
        JsonNode soc = JSON.readTree(link.on("homeassistant/sensor/pibms_10000000abcdef01/soc/config").get(0)[1]);
        assertThat(soc).isEqualTo(JSON.readTree("""
                {"name":"SOC","unique_id":"pibms_10000000abcdef01_soc",
                 "availability_topic":"pibms/10000000abcdef01/status",
                 "device":{"identifiers":["pibms_10000000abcdef01"],"name":"pibms 4S LFP","manufacturer":"pibms",
                           "model":"pibms 4S LFP","sw_version":"0.1.0","serial_number":"10000000ABCDEF01"},
                 "state_topic":"pibms/10000000abcdef01/state","value_template":"{{ value_json.soc }}",
                 "state_class":"measurement","suggested_display_precision":1,
                 "device_class":"battery","unit_of_measurement":"%"}"""));
        JsonNode cell = JSON.readTree(link.on("homeassistant/sensor/pibms_10000000abcdef01/cell_03/config").get(0)[1]);
        assertThat(cell.get("value_template").asText()).isEqualTo("{{ value_json.cells[2] }}");
        assertThat(cell.get("entity_category").asText()).isEqualTo("diagnostic");
        assertThat(cell.get("unit_of_measurement").asText()).isEqualTo("V");
        JsonNode mos = JSON.readTree(link.on("homeassistant/binary_sensor/pibms_10000000abcdef01/charge_mos/config")
                .get(0)[1]);
        assertThat(mos.get("device_class").asText()).isEqualTo("power");
        assertThat(link.on("homeassistant/switch/pibms_10000000abcdef01/charge_mos/config").get(0)[1])
                .as("read-only: a switch announced earlier is deleted").isEmpty();
    }

    @Test
    void theStateCarriesHomeAssistantsUnitsAndNullForWhatIsNotValid() throws Exception {
        JsonNode state = JSON.readTree(MqttState.write(snapshot(1_000)).toString());
        assertThat(state.get("soc").asDouble()).isEqualTo(57.3);
        assertThat(state.get("voltage").asDouble()).isEqualTo(13.23);
        assertThat(state.get("current").asDouble()).isEqualTo(-12.345);
        assertThat(state.get("power").asDouble()).isEqualTo(-163);
        assertThat(state.get("cells").toString()).isEqualTo("[3.301,3.299,3.35,3.28]");
        assertThat(state.get("cell_min").asDouble()).isEqualTo(3.28);
        assertThat(state.get("cell_delta").asDouble()).isEqualTo(70);
        assertThat(state.get("temperatures").get("cells_top").asDouble()).isEqualTo(25.1);
        assertThat(state.get("temperatures").get("mos").isNull()).isTrue();
        assertThat(state.get("charge_mos").asText()).isEqualTo("ON");
        assertThat(state.get("discharge_mos").asText()).isEqualTo("OFF");
        assertThat(state.get("problem").asText()).isEqualTo("ON");
        assertThat(state.get("faults").asText()).isEqualTo("cell_undervoltage");
        assertThat(state.get("balancing_cells").asInt()).isEqualTo(1);
        assertThat(state.get("ccl").asDouble()).isEqualTo(50.0);
    }

    @Test
    void theStateGoesOutEveryIntervalOfPackTimeAndAgainAfterHomeAssistantRestarts() throws Exception {
        RecordingLink link = new RecordingLink();
        MqttBridge bridge = bridge(false);
        bridge.connected(link, snapshot(1_000));
        bridge.tick(link, snapshot(10_999));
        assertThat(link.on("pibms/10000000abcdef01/state")).hasSize(1);
        bridge.tick(link, snapshot(11_000));
        assertThat(link.on("pibms/10000000abcdef01/state")).hasSize(2);

        int announced = link.on("homeassistant/sensor/pibms_10000000abcdef01/soc/config").size();
        link.deliver("homeassistant/status", "offline");
        bridge.tick(link, snapshot(11_100));
        assertThat(link.on("homeassistant/sensor/pibms_10000000abcdef01/soc/config")).hasSize(announced);
        link.deliver("homeassistant/status", "online");
        bridge.tick(link, snapshot(11_200));
        assertThat(link.on("homeassistant/sensor/pibms_10000000abcdef01/soc/config")).hasSize(announced + 1);
        assertThat(link.on("pibms/10000000abcdef01/state")).hasSize(3);
    }

    @Test
    void commandsGoToTheControlLoopAndTheirAnswersComeBack() throws Exception {
        RecordingLink link = new RecordingLink();
        bridge(true).connected(link, snapshot(1_000));
        assertThat(link.subscriptions).containsKeys("homeassistant/status", "pibms/10000000abcdef01/set/+");
        assertThat(link.on("homeassistant/switch/pibms_10000000abcdef01/charge_mos/config").get(0)[1])
                .contains("\"command_topic\":\"pibms/10000000abcdef01/set/charge_mos\"");

        link.deliver("pibms/10000000abcdef01/set/charge_mos", "OFF");
        link.deliver("pibms/10000000abcdef01/set/fault_reset", "PRESS");
        link.deliver("pibms/10000000abcdef01/set/balancing", "on");
        link.deliver("pibms/10000000abcdef01/set/discharge_mos", "maybe");
        link.deliver("pibms/10000000abcdef01/set/self_destruct", "ON");
        assertThat(sent).containsExactly(new ControlCommand.SetMos(ControlCommand.Path.CHARGE, false),
                new ControlCommand.ResetFaults(), new ControlCommand.SetBalancing(Balancing.Command.ON));
        List<JsonNode> results = new ArrayList<>();
        for (String[] message : link.on("pibms/10000000abcdef01/command_result")) {
            assertThat(message[2]).as("answers are not retained").isEqualTo("false");
            results.add(JSON.readTree(message[1]));
        }
        assertThat(results).extracting(r -> r.get("command").asText() + " " + r.get("ok").asBoolean())
                .containsExactly("charge_mos true", "fault_reset true", "balancing false", "discharge_mos false",
                        "self_destruct false");
        assertThat(results.get(2).get("message").asText()).contains("a fault stops balancing");
    }

    @Test
    void aDayWithoutTheBrokerKeepsNothingAndTheNextConnectionStartsWithTheNewestState() throws Exception {
        MqttBridge bridge = bridge(false);
        RecordingLink first = new RecordingLink();
        bridge.connected(first, snapshot(0));
        first.up = false;
        long day_ms = 24 * 3600_000L;
        int refused = 0;
        for (long t = 0; t <= day_ms; t += 10_000) {
            try {
                bridge.tick(first, snapshot(t));
            } catch (IOException lost) {
                refused++;
            }
        }
        assertThat(refused).as("every state of the day was dropped, none queued").isEqualTo(8640);

        RecordingLink second = new RecordingLink();
        bridge.connected(second, snapshot(day_ms + 100));
        List<String[]> states = second.on("pibms/10000000abcdef01/state");
        assertThat(states).hasSize(1);
        assertThat(JSON.readTree(states.get(0)[1]).toString()).isEqualTo(MqttState.write(snapshot(day_ms + 100))
                .toString());
        // online, 27 entities and 4 deletions of the command entities, the state
        assertThat(second.published).hasSize(1 + 31 + 1);
        assertThatThrownBy(() -> bridge.connected(first, snapshot(day_ms))).isInstanceOf(IOException.class);
    }
}
