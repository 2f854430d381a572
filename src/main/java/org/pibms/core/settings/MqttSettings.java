package org.pibms.core.settings;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The MQTT client ({@code mqtt:} in the config): the pack's state for Home Assistant and other
 * subscribers, with Home Assistant's discovery.
 *
 * @param host            the broker's host name or address
 * @param tls             connect with TLS, checking the broker's certificate
 * @param caFile          the CA certificate (PEM) that signed the broker's certificate; empty: the system's CAs
 * @param clientId        the MQTT client identifier; empty: {@code pibms-} and the device id
 * @param topicPrefix     pibms's topics begin with {@code <topicPrefix>/<device id>/}
 * @param discoveryPrefix Home Assistant's discovery prefix
 * @param interval_s      how often the state is published
 * @param commands        whether MOS, fault-reset and balancing command topics are accepted
 */
public record MqttSettings(String host, int port, boolean tls, Optional<Path> caFile, Optional<String> username,
        Optional<String> password, String clientId, String topicPrefix, String discoveryPrefix, int interval_s,
        boolean commands) {

    /** The same settings with the client identifier the daemon chose. */
    public MqttSettings withClientId(String id) {
        return new MqttSettings(host, port, tls, caFile, username, password, id, topicPrefix, discoveryPrefix,
                interval_s, commands);
    }
}
