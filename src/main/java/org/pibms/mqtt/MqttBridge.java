package org.pibms.mqtt;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.pibms.core.Balancing;
import org.pibms.core.Command;
import org.pibms.core.CommandSink;
import org.pibms.core.ControlCommand;
import org.pibms.core.Origin;
import org.pibms.core.PackSnapshot;
import org.pibms.core.settings.MqttSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pibms on an MQTT broker, one connection at a time: on connect it subscribes, says it is
 * online, announces its entities to Home Assistant and sends the state; then it sends the state
 * every {@code interval_s} of pack time, and announces again whenever Home Assistant says it
 * (re)started. Commands, when enabled, go to the control loop as the CLI's do, and each answer is
 * published.
 *
 * <p>Nothing is queued while the broker is away: a state message that cannot be sent is dropped,
 * and the next connection starts with the newest state. Home Assistant stamps a state with the
 * time it arrives, so replaying old states would only record them at the wrong time; memory
 * stays the same however long the broker is gone.
 */
public final class MqttBridge {

    private static final Logger log = LoggerFactory.getLogger(MqttBridge.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final byte[] ONLINE = "online".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OFFLINE = "offline".getBytes(StandardCharsets.US_ASCII);

    private final MqttTopics topics;
    private final Discovery discovery;
    private final CommandSink commands;
    private final boolean commandsEnabled;
    private final long interval_ms;
    private final Origin origin;
    private long lastState_ms = Long.MIN_VALUE;
    private volatile boolean announceRequested;

    /**
     * @param device   the BMS as Home Assistant shows it; its id names the topics
     * @param commands where enabled command topics send their commands
     */
    public MqttBridge(MqttSettings settings, Device device, CommandSink commands) {
        this.topics = MqttTopics.of(settings.topicPrefix(), settings.discoveryPrefix(), device.id());
        this.discovery = new Discovery(topics, device, settings.commands());
        this.commands = commands;
        this.commandsEnabled = settings.commands();
        this.interval_ms = settings.interval_s() * 1000L;
        this.origin = new Origin("mqtt", settings.host() + ":" + settings.port());
    }

    /** What Home Assistant's device shows, and the topics' device id. */
    public record Device(String id, String name, String model, String softwareVersion, String serialNumber,
            int cellCount, List<String> temperatureSensors) {
    }

    /** The broker says {@code offline} for pibms when its connection ends without a goodbye. */
    public MqttLink.Will will() {
        return new MqttLink.Will(topics.availability(), OFFLINE, true);
    }

    /** The topic prefix of this pibms, for the log. */
    public String base() {
        return topics.base();
    }

    /**
     * A new connection: subscribes, says online, announces and sends the state.
     *
     * @throws IOException if a subscription is refused or the connection is gone already
     */
    public void connected(MqttLink link, PackSnapshot snapshot) throws IOException {
        link.subscribe(topics.homeAssistantStatus(), (topic, payload) -> {
            if (new String(payload, StandardCharsets.UTF_8).trim().equals("online")) {
                announceRequested = true;
            }
        });
        if (commandsEnabled) {
            link.subscribe(topics.commands(), (topic, payload) -> command(link, topic, payload));
        }
        sent(link.publish(topics.availability(), ONLINE, true));
        announce(link);
        sendState(link, snapshot);
    }

    /**
     * Sends what is due: the state once {@code interval_s} of pack time has passed, the
     * announcement after Home Assistant restarted.
     *
     * @throws IOException if the connection is gone
     */
    public void tick(MqttLink link, PackSnapshot snapshot) throws IOException {
        if (announceRequested) {
            announceRequested = false;
            log.info("mqtt: Home Assistant came online: announcing the entities again");
            announce(link);
            sendState(link, snapshot);
        } else if (snapshot.time_ms() - lastState_ms >= interval_ms || snapshot.time_ms() < lastState_ms) {
            sendState(link, snapshot);
        }
    }

    /** Says offline before a clean disconnect, which makes the broker drop the will. */
    public void leaving(MqttLink link) {
        link.publish(topics.availability(), OFFLINE, true);
    }

    private void announce(MqttLink link) throws IOException {
        for (Discovery.Config config : discovery.configs()) {
            sent(link.publish(config.topic(), config.payload().getBytes(StandardCharsets.UTF_8), true));
        }
    }

    private void sendState(MqttLink link, PackSnapshot snapshot) throws IOException {
        lastState_ms = snapshot.time_ms();
        sent(link.publish(topics.state(), MqttState.write(snapshot).toString().getBytes(StandardCharsets.UTF_8),
                true));
    }

    private static void sent(boolean published) throws IOException {
        if (!published) {
            throw new IOException("the connection to the broker is gone");
        }
    }

    /** A message on a command topic: to the control loop, and its answer to {@code command_result}. */
    private void command(MqttLink link, String topic, byte[] payload) {
        String what = topic.substring(topic.lastIndexOf('/') + 1);
        String text = new String(payload, StandardCharsets.UTF_8).trim();
        Optional<Command> command = parse(what, text);
        if (command.isEmpty()) {
            log.warn("mqtt: refused '{}' on {}: expected ON or OFF for charge_mos and discharge_mos, PRESS for"
                    + " fault_reset, auto, on or off for balancing", text, topic);
            publishResult(link, what, text, false, "not a command: '" + text + "' on " + topic);
            return;
        }
        commands.submit(command.get(), origin).whenComplete((result, failure) -> {
            boolean accepted = failure == null && result.accepted();
            publishResult(link, what, text, accepted, failure != null ? failure.toString() : result.message());
        });
    }

    static Optional<Command> parse(String what, String payload) {
        String word = payload.toLowerCase(Locale.ROOT);
        return switch (what) {
            case "charge_mos", "discharge_mos" -> switch (word) {
                case "on", "off" -> Optional.of(new ControlCommand.SetMos(what.equals("charge_mos")
                        ? ControlCommand.Path.CHARGE : ControlCommand.Path.DISCHARGE, word.equals("on")));
                default -> Optional.empty();
            };
            case "fault_reset" -> word.equals("press") ? Optional.of(new ControlCommand.ResetFaults()) : Optional.empty();
            case "balancing" -> Balancing.Command.fromId(word).map(ControlCommand.SetBalancing::new);
            default -> Optional.empty();
        };
    }

    private void publishResult(MqttLink link, String what, String payload, boolean ok, String message) {
        ObjectNode json = NODES.objectNode().put("command", what).put("payload", payload).put("ok", ok)
                .put("message", message);
        link.publish(topics.commandResult(), json.toString().getBytes(StandardCharsets.UTF_8), false);
    }
}
