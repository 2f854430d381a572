package org.pibms.daemon;

import java.io.IOException;
import java.util.Optional;
import org.pibms.core.SnapshotSource;
import org.pibms.mqtt.MqttBridge;
import org.pibms.mqtt.MqttLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps pibms on its MQTT broker: connects, lets the bridge announce and publish, and connects
 * again with back-off (1, 2, 4 … 30 s, logged once per outage) when the broker goes away.
 */
final class MqttService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MqttService.class);
    /** How often the bridge is asked whether something is due: the state, or an announcement. */
    static final long TICK_ms = 250;
    private static final long JOIN_ms = 3000;

    private final Thread thread;
    private final MqttBridge bridge;
    private volatile MqttLink link;
    private volatile boolean closed;

    MqttService(MqttLink.Opener opener, MqttBridge bridge, SnapshotSource snapshots, long firstRetry_ms) {
        this.bridge = bridge;
        this.thread = new Thread(() -> new Outage(log, "MQTT broker " + opener.name(), firstRetry_ms, false)
                .keepServing(() -> opener.open(bridge.will()), "connected; publishing under " + bridge.base() + "/",
                        connected -> {
                            bridge.connected(connected, snapshots.latest());
                            while (!closed) {
                                Optional<String> lost = awaitLoss(connected);
                                if (lost.isPresent()) {
                                    throw new IOException(lost.get());
                                }
                                bridge.tick(connected, snapshots.latest());
                            }
                        }, current -> link = current, () -> closed), "pibms-mqtt");
        thread.setDaemon(true);
    }

    private static Optional<String> awaitLoss(MqttLink link) throws IOException {
        try {
            return link.awaitLoss(TICK_ms);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            throw new IOException("stopping");
        }
    }

    void start() {
        thread.start();
    }

    @Override
    public void close() {
        closed = true;
        MqttLink connected = link;
        if (connected != null) {
            bridge.leaving(connected);
        }
        Outage.stop(connected, thread, JOIN_ms);
    }
}
