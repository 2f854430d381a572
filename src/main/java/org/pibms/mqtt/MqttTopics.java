package org.pibms.mqtt;

import java.util.Locale;

/**
 * Where one pibms's messages go. Its own topics sit under {@code <prefix>/<device id>/}; the
 * discovery configs under Home Assistant's prefix, with the node id {@code pibms_<device id>}.
 *
 * @param base            {@code <prefix>/<device id>}
 * @param discoveryPrefix Home Assistant's, {@code homeassistant} unless configured
 * @param node            the node id and the stem of every unique id
 */
record MqttTopics(String base, String discoveryPrefix, String node) {

    /**
     * @param deviceId anything identifying this BMS (its serial number); reduced to the characters a
     *                 topic level and a Home Assistant id may hold
     */
    static MqttTopics of(String prefix, String discoveryPrefix, String deviceId) {
        String id = deviceId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
        return new MqttTopics(prefix + "/" + id, discoveryPrefix, "pibms_" + id);
    }

    /** {@code online} while pibms is connected, {@code offline} (the will) once it is not; retained. */
    String availability() {
        return base + "/status";
    }

    /** The state message, every {@code interval_s}; retained. */
    String state() {
        return base + "/state";
    }

    /** Where a command for {@code what} is sent: {@code charge_mos}, {@code discharge_mos}, {@code fault_reset}, {@code balancing}. */
    String command(String what) {
        return base + "/set/" + what;
    }

    /** Every command topic, for the subscription. */
    String commands() {
        return base + "/set/+";
    }

    /** The daemon's answer to each command. */
    String commandResult() {
        return base + "/command_result";
    }

    /** Home Assistant announces itself here ({@code online}) when it starts. */
    String homeAssistantStatus() {
        return discoveryPrefix + "/status";
    }

    String discovery(String component, String objectId) {
        return discoveryPrefix + "/" + component + "/" + node + "/" + objectId + "/config";
    }
}
