package org.pibms.mqtt;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Home Assistant's MQTT discovery for one pibms: a config message per entity, all of one
 * device, each reading its value from the state message with a template. Topics and fields
 * follow Home Assistant's documented conventions ({@code <prefix>/<component>/<node>/<object>/config}).
 *
 * <p>The MOS switches, the fault-reset button and the balancing select exist only while command
 * topics are enabled; otherwise the MOS states are read-only binary sensors. The entities of the
 * other choice are sent as empty configs, which deletes them, so turning commands off removes the
 * switches from Home Assistant instead of leaving dead ones.
 */
final class Discovery {

    /** One retained config message; an empty payload deletes the entity. */
    record Config(String topic, String payload) {
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final MqttTopics topics;
    private final MqttBridge.Device device;
    private final boolean commands;

    Discovery(MqttTopics topics, MqttBridge.Device device, boolean commands) {
        this.topics = topics;
        this.device = device;
        this.commands = commands;
    }

    List<Config> configs() {
        List<Config> configs = new ArrayList<>();
        sensor(configs, "soc", "SOC", "battery", "%", 1, "{{ value_json.soc }}");
        sensor(configs, "soh", "SOH", null, "%", 1, "{{ value_json.soh }}");
        sensor(configs, "voltage", "Voltage", "voltage", "V", 2, "{{ value_json.voltage }}");
        sensor(configs, "current", "Current", "current", "A", 2, "{{ value_json.current }}");
        sensor(configs, "power", "Power", "power", "W", 0, "{{ value_json.power }}");
        sensor(configs, "cell_min", "Lowest cell", "voltage", "V", 3, "{{ value_json.cell_min }}");
        sensor(configs, "cell_max", "Highest cell", "voltage", "V", 3, "{{ value_json.cell_max }}");
        sensor(configs, "cell_delta", "Cell difference", "voltage", "mV", 0, "{{ value_json.cell_delta }}");
        for (int i = 0; i < device.cellCount(); i++) {
            String id = String.format(Locale.ROOT, "cell_%02d", i + 1);
            ObjectNode cell = measurement(id, "Cell " + (i + 1), "voltage", "V", 3, "{{ value_json.cells[" + i + "] }}")
                    .put("entity_category", "diagnostic");
            configs.add(config("sensor", id, cell));
        }
        for (String name : device.temperatureSensors()) {
            sensor(configs, "temperature_" + name, "Temperature " + name.replace('_', ' '), "temperature", "°C", 1,
                    "{{ value_json.temperatures." + name + " }}");
        }
        sensor(configs, "cvl", "Charge voltage limit", "voltage", "V", 2, "{{ value_json.cvl }}");
        sensor(configs, "ccl", "Charge current limit", "current", "A", 1, "{{ value_json.ccl }}");
        sensor(configs, "dcl", "Discharge current limit", "current", "A", 1, "{{ value_json.dcl }}");
        ObjectNode cycles = entity("cycles", "Cycles", "{{ value_json.cycles }}");
        cycles.put("state_class", "total_increasing").put("suggested_display_precision", 2);
        configs.add(config("sensor", "cycles", cycles));
        sensor(configs, "balancing_cells", "Cells balancing", null, null, 0, "{{ value_json.balancing_cells }}");
        text(configs, "state", "State", "{{ value_json.state }}");
        text(configs, "faults", "Faults", "{{ value_json.faults }}");
        text(configs, "charge_phase", "Charge phase", "{{ value_json.charge_phase }}");
        binary(configs, "problem", "Problem", "problem", "{{ value_json.problem }}");
        binary(configs, "charging", "Charging", "battery_charging", "{{ value_json.charging }}");
        for (String path : List.of("charge", "discharge")) {
            String id = path + "_mos";
            String name = path.substring(0, 1).toUpperCase(Locale.ROOT) + path.substring(1) + " MOS";
            String template = "{{ value_json." + id + " }}";
            if (commands) {
                ObjectNode control = entity(id, name, template).put("command_topic", topics.command(id))
                        .put("payload_on", MqttState.ON).put("payload_off", MqttState.OFF);
                configs.add(config("switch", id, control));
                configs.add(new Config(topics.discovery("binary_sensor", id), ""));
            } else {
                binary(configs, id, name, "power", template);
                configs.add(new Config(topics.discovery("switch", id), ""));
            }
        }
        if (commands) {
            ObjectNode reset = base("fault_reset", "Fault reset").put("command_topic", topics.command("fault_reset"))
                    .put("payload_press", "PRESS");
            configs.add(config("button", "fault_reset", reset));
            ObjectNode balancing = entity("balancing", "Balancing", "{{ value_json.balancing }}")
                    .put("command_topic", topics.command("balancing"));
            balancing.putArray("options").add("auto").add("on").add("off");
            configs.add(config("select", "balancing", balancing));
            configs.add(new Config(topics.discovery("sensor", "balancing"), ""));
        } else {
            configs.add(new Config(topics.discovery("button", "fault_reset"), ""));
            configs.add(new Config(topics.discovery("select", "balancing"), ""));
            text(configs, "balancing", "Balancing", "{{ value_json.balancing }}");
        }
        return configs;
    }

    private void sensor(List<Config> configs, String id, String name, String deviceClass, String unit, int precision,
            String template) {
        configs.add(config("sensor", id, measurement(id, name, deviceClass, unit, precision, template)));
    }

    /** A number that is measured now, as opposed to a total. */
    private ObjectNode measurement(String id, String name, String deviceClass, String unit, int precision,
            String template) {
        ObjectNode sensor = entity(id, name, template).put("state_class", "measurement")
                .put("suggested_display_precision", precision);
        if (deviceClass != null) {
            sensor.put("device_class", deviceClass);
        }
        if (unit != null) {
            sensor.put("unit_of_measurement", unit);
        }
        return sensor;
    }

    private void text(List<Config> configs, String id, String name, String template) {
        configs.add(config("sensor", id, entity(id, name, template)));
    }

    private void binary(List<Config> configs, String id, String name, String deviceClass, String template) {
        ObjectNode sensor = entity(id, name, template).put("device_class", deviceClass)
                .put("payload_on", MqttState.ON).put("payload_off", MqttState.OFF);
        configs.add(config("binary_sensor", id, sensor));
    }

    /** An entity that shows a value of the state message. */
    private ObjectNode entity(String id, String name, String template) {
        return base(id, name).put("state_topic", topics.state()).put("value_template", template);
    }

    /** What every entity has: its name and ids, the availability topic and the device. */
    private ObjectNode base(String id, String name) {
        ObjectNode json = NODES.objectNode();
        json.put("name", name);
        json.put("unique_id", topics.node() + "_" + id);
        json.put("availability_topic", topics.availability());
        ObjectNode about = json.putObject("device");
        about.putArray("identifiers").add(topics.node());
        about.put("name", device.name());
        about.put("manufacturer", "pibms");
        about.put("model", device.model());
        about.put("sw_version", device.softwareVersion());
        about.put("serial_number", device.serialNumber());
        return json;
    }

    private Config config(String component, String id, ObjectNode json) {
        return new Config(topics.discovery(component, id), json.toString());
    }
}
