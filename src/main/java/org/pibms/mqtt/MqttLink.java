package org.pibms.mqtt;

import java.io.IOException;
import java.util.Optional;

/**
 * A connection to an MQTT broker, shaped by what the bridge needs: publish, subscribe, and
 * learn when the connection is gone. One link is one connection; after a loss the service opens
 * a new one, so nothing is ever queued for a broker that is away.
 */
public interface MqttLink extends AutoCloseable {

    /** A message the broker publishes for this client when its connection ends without a goodbye. */
    record Will(String topic, byte[] payload, boolean retain) {
    }

    /** Receives the messages of a subscription, on the link's own thread. */
    interface Handler {
        void message(String topic, byte[] payload);
    }

    /** Connects to a broker. */
    interface Opener {

        /**
         * Connects, with {@code will} registered, and returns once the broker has accepted.
         *
         * @throws IOException naming the broker and why: refused, unreachable, bad credentials, TLS
         */
        MqttLink open(Will will) throws IOException;

        /** How log lines name the broker, e.g. {@code mqtt://127.0.0.1:1883}. */
        String name();
    }

    /**
     * Sends a message at QoS 1 (at least once). Returns at once; the link sends in the background.
     *
     * @return false if the connection is already gone: the message was dropped, not queued
     */
    boolean publish(String topic, byte[] payload, boolean retain);

    /**
     * Subscribes at QoS 1 and waits for the broker's acknowledgement.
     *
     * @throws IOException if the broker refuses or the connection is gone
     */
    void subscribe(String topicFilter, Handler handler) throws IOException;

    /**
     * Waits up to {@code timeout_ms} for the connection to end.
     *
     * @return why it ended, for the log; empty if it is still up
     */
    Optional<String> awaitLoss(long timeout_ms) throws InterruptedException;

    /** Disconnects cleanly (the broker does not publish the will). Idempotent. */
    @Override
    void close();
}
