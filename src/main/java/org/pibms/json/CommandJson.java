package org.pibms.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.pibms.core.Command;
import org.pibms.core.ControlCommand.Path;
import org.pibms.core.Balancing;
import org.pibms.core.ControlCommand.ResetFaults;
import org.pibms.core.ControlCommand.SetBalancing;
import org.pibms.core.ControlCommand.SetMos;
import org.pibms.core.ControlCommand.SetProtection;
import org.pibms.core.SimulationCommand.ForceCellVoltage;
import org.pibms.core.SimulationCommand.ForceTemperature;
import org.pibms.core.SimulationCommand.InjectFault;
import org.pibms.core.SimulationCommand.ReleaseCellVoltage;
import org.pibms.core.SimulationCommand.ReleaseTemperature;
import org.pibms.core.SimulationCommand.HangBus;
import org.pibms.core.SimulationCommand.SetAcc;
import org.pibms.core.SimulationCommand.SetAmbientTemperature;
import org.pibms.core.SimulationCommand.SetExternalCurrent;
import org.pibms.core.SimulationCommand.SetTimeScale;

/** {@link Command}s as JSON objects on the control socket; docs/control-socket.md lists them. */
public final class CommandJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CommandJson() {
    }

    public static ObjectNode write(Command command) {
        ObjectNode json = NODES.objectNode();
        if (command instanceof SetMos c) {
            json.put("type", "mos").put("path", c.path().id()).put("on", c.on());
        } else if (command instanceof ResetFaults) {
            json.put("type", "fault_reset");
        } else if (command instanceof SetProtection c) {
            json.put("type", "set_protection").put("key", c.key()).put("value", c.value());
        } else if (command instanceof SetBalancing c) {
            json.put("type", "balance").put("command", c.command().id());
        } else if (command instanceof SetExternalCurrent c) {
            json.put("type", "sim_current").put("current_mA", c.current_mA());
        } else if (command instanceof ForceCellVoltage c) {
            json.put("type", "sim_cell").put("cell", c.cell()).put("voltage_mV", c.voltage_mV());
        } else if (command instanceof ReleaseCellVoltage c) {
            json.put("type", "sim_cell_release").put("cell", c.cell());
        } else if (command instanceof ForceTemperature c) {
            json.put("type", "sim_temp").put("sensor", c.sensor()).put("temperature_dC", c.temperature_dC());
        } else if (command instanceof ReleaseTemperature c) {
            json.put("type", "sim_temp_release").put("sensor", c.sensor());
        } else if (command instanceof SetAmbientTemperature c) {
            json.put("type", "sim_ambient").put("temperature_dC", c.temperature_dC());
        } else if (command instanceof SetAcc c) {
            json.put("type", "sim_acc").put("active", c.active());
        } else if (command instanceof HangBus c) {
            json.put("type", "sim_hang").put("duration_ms", c.duration_ms());
        } else if (command instanceof SetTimeScale c) {
            json.put("type", "sim_speed");
            if (c.timeScale() == Double.POSITIVE_INFINITY) {
                json.put("time_scale", "max");
            } else {
                json.put("time_scale", c.timeScale());
            }
        } else if (command instanceof InjectFault c) {
            json.put("type", "sim_fault").put("fault", c.fault().id()).put("on", c.on()).put("cell", c.cell())
                    .put("sensor", c.sensor()).put("rate", c.rate());
        } else {
            throw new IllegalArgumentException("no JSON form for " + command);
        }
        return json;
    }

    /** @throws IllegalArgumentException naming what is missing or wrong */
    public static Command read(JsonNode json) {
        String type = text(json, "type");
        return switch (type) {
            case "mos" -> new SetMos(path(json), bool(json, "on"));
            case "fault_reset" -> new ResetFaults();
            case "set_protection" -> new SetProtection(text(json, "key"), text(json, "value"));
            case "balance" -> new SetBalancing(balancing(json));
            case "sim_current" -> new SetExternalCurrent(integer(json, "current_mA"));
            case "sim_cell" -> new ForceCellVoltage(integer(json, "cell"), integer(json, "voltage_mV"));
            case "sim_cell_release" -> new ReleaseCellVoltage(integer(json, "cell"));
            case "sim_temp" -> new ForceTemperature(text(json, "sensor"), integer(json, "temperature_dC"));
            case "sim_temp_release" -> new ReleaseTemperature(text(json, "sensor"));
            case "sim_ambient" -> new SetAmbientTemperature(integer(json, "temperature_dC"));
            case "sim_acc" -> new SetAcc(bool(json, "active"));
            case "sim_speed" -> new SetTimeScale(timeScale(json));
            case "sim_hang" -> new HangBus(integer(json, "duration_ms"));
            case "sim_fault" -> new InjectFault(
                    InjectFault.Fault.fromId(text(json, "fault"))
                            .orElseThrow(() -> new IllegalArgumentException("unknown fault '" + json.get("fault").asText()
                                    + "'")),
                    bool(json, "on"), integer(json, "cell"), text(json, "sensor"), number(json, "rate"));
            default -> throw new IllegalArgumentException("unknown command type '" + type + "'");
        };
    }

    private static Balancing.Command balancing(JsonNode json) {
        String id = text(json, "command");
        return Balancing.Command.fromId(id).orElseThrow(
                () -> new IllegalArgumentException("unknown balancing command '" + id + "'; expected on, off or auto"));
    }

    private static Path path(JsonNode json) {
        String id = text(json, "path");
        return Path.fromId(id).orElseThrow(
                () -> new IllegalArgumentException("unknown path '" + id + "'; expected charge or discharge"));
    }

    private static double timeScale(JsonNode json) {
        JsonNode value = json.get("time_scale");
        if (value != null && value.isTextual() && value.asText().equals("max")) {
            return Double.POSITIVE_INFINITY;
        }
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException("'time_scale' must be a number or \"max\"");
        }
        return value.asDouble();
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        return value.asText();
    }

    private static boolean bool(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isBoolean()) {
            throw new IllegalArgumentException("'" + field + "' must be true or false");
        }
        return value.asBoolean();
    }

    private static double number(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException("'" + field + "' must be a number");
        }
        return value.asDouble();
    }

    private static int integer(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException("'" + field + "' must be a whole number");
        }
        return value.asInt();
    }
}
