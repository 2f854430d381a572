package org.pibms.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pibms.core.ActiveFault;
import org.pibms.core.Balancing;
import org.pibms.core.ControlCommand.Path;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;
import org.pibms.core.SocCalibration;
import org.pibms.core.SocState;
import org.pibms.core.Unit;

/**
 * The status as JSON: the shape of {@code pibms status --json} and of {@code GET /api/status}.
 * docs/control-socket.md describes every field. A reading that is not valid is {@code null}.
 */
public final class StatusJson {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StatusJson() {
    }

    public static ObjectNode write(PackSnapshot s) {
        ObjectNode json = NODES.objectNode();
        json.put("time_ms", s.time_ms());
        json.put("sequence", s.sequence());
        json.put("state", s.state().id());
        json.put("simulated", s.simulated());
        json.put("cell_count", s.cellCount());
        if (s.cellVoltagesValid() && s.cellCount() > 0) {
            ArrayNode cells = json.putArray("cells_mV");
            for (int i = 0; i < s.cellCount(); i++) {
                cells.add(s.cellVoltage_mV(i));
            }
            json.put("cell_min", s.minCell() + 1);
            json.put("cell_min_mV", s.cellVoltage_mV(s.minCell()));
            json.put("cell_max", s.maxCell() + 1);
            json.put("cell_max_mV", s.cellVoltage_mV(s.maxCell()));
            json.put("cell_delta_mV", s.cellDelta_mV());
        } else {
            json.putNull("cells_mV");
        }
        putOrNull(json, "pack_mV", s.packVoltage_mV(), s.packVoltageValid());
        putOrNull(json, "load_mV", s.loadVoltage_mV(), s.loadVoltageValid());
        putOrNull(json, "shunt_bus_mV", s.shuntBusVoltage_mV(), s.shuntBusVoltageValid());
        putOrNull(json, "current_mA", s.current_mA(), s.currentValid());
        if (s.socValid()) {
            json.put("soc_pct", round(s.soc_pct(), 100));
        } else {
            json.putNull("soc_pct");
        }
        json.put("capacity_mAh", s.capacity_mAh());
        SocState soc = s.soc();
        if (soc != null) {
            ObjectNode estimate = json.putObject("soc");
            estimate.put("estimate_pct", round(100 * soc.charge_mAs() / 3600 / soc.capacity_mAh(), 100));
            estimate.put("uncertainty_pct", round(soc.uncertainty_pct(), 100));
            estimate.put("min_cell_pct", round(soc.minCellSoc_pct(), 100));
            estimate.put("max_cell_pct", round(soc.maxCellSoc_pct(), 100));
            estimate.put("soh_pct", round(s.soh_pct(), 100));
            estimate.put("learned_capacity_mAh", Math.round(soc.capacity_mAh()));
            estimate.put("capacity_learnings", soc.capacityLearnings());
            estimate.put("cycles", round(s.cycles(), 1000));
            estimate.put("current_offset_mA", round(soc.offset_mA(), 10));
            estimate.put("last_calibration", soc.lastCalibration().id());
            estimate.put("last_calibration_ms", soc.lastCalibrationAt_ms());
        } else {
            json.putNull("soc");
        }
        ObjectNode temps = json.putObject("temps_C");
        for (int i = 0; i < s.temperatureNames().size(); i++) {
            if (s.temperatureValid(i)) {
                temps.put(s.temperatureNames().get(i), s.temperature_dC(i) / 10.0);
            } else {
                temps.putNull(s.temperatureNames().get(i));
            }
        }
        json.put("charge_mos", s.chargeMos());
        json.put("discharge_mos", s.dischargeMos());
        json.put("cvl_mV", s.cvl_mV());
        json.put("ccl_mA", s.ccl_mA());
        json.put("dcl_mA", s.dcl_mA());
        json.put("charge_phase", s.floatCharging() ? "float" : "bulk");
        json.put("precharging", s.precharging());
        ArrayNode manualOff = json.putArray("manual_off");
        if (s.chargeManualOff()) {
            manualOff.add(Path.CHARGE.id());
        }
        if (s.dischargeManualOff()) {
            manualOff.add(Path.DISCHARGE.id());
        }
        ObjectNode outputs = json.putObject("outputs");
        for (int i = 0; i < s.outputNames().size(); i++) {
            outputs.put(s.outputNames().get(i), s.outputOn(i));
        }
        if (s.accValid()) {
            json.put("acc", s.acc());
        } else {
            json.putNull("acc");
        }
        json.put("low_power", s.lowPower());
        Balancing.State b = s.balancing();
        ObjectNode balancing = json.putObject("balancing");
        balancing.put("command", b.command().id());
        balancing.put("activity", b.activity().id());
        balancing.put("reason", b.activity().description());
        ArrayNode bleeding = balancing.putArray("cells");
        for (int i = 0; i < b.current_mA().size(); i++) {
            if (b.current_mA().get(i) > 0) {
                bleeding.addObject().put("cell", i + 1).put("current_mA", b.current_mA().get(i));
            }
        }
        ArrayNode bled = balancing.putArray("balanced_mAh");
        for (double value : b.balanced_mAh()) {
            bled.add(Math.round(value * 10) / 10.0);
        }
        ArrayNode faults = json.putArray("faults");
        for (ActiveFault fault : s.faults()) {
            faults.add(fault(fault));
        }
        return json;
    }

    /** Value and threshold in the unit the config file uses, so a user can compare them with the key they set. */
    private static ObjectNode fault(ActiveFault fault) {
        FaultId id = fault.id();
        Unit unit = id.quantity().unit();
        ObjectNode json = NODES.objectNode()
                .put("id", id.id())
                .put("severity", id.severity().id())
                .put("reaction", id.reaction().id())
                .put("state", fault.state().id());
        if (fault.source().isEmpty()) {
            json.putNull("source");
        } else {
            json.put("source", fault.source());
        }
        if (unit == Unit.FLAG) {
            json.put("value", fault.value() != 0 ? 1 : 0).put("threshold", 1);
        } else if (unit.decimal()) {
            json.put("value", unit.toDisplay(fault.value())).put("threshold", unit.toDisplay(fault.threshold()));
        } else {
            json.put("value", fault.value()).put("threshold", fault.threshold());
        }
        if (fault.latchedBeforeRestart()) {
            // the reading that tripped it belongs to the earlier run, and is in the event log
            json.putNull("value");
        }
        return json.put("unit", unit.suffix());
    }

    /**
     * Rebuilds a snapshot from its JSON, as the CLI does to print the table.
     *
     * @throws IllegalArgumentException if a required field is missing or malformed
     */
    public static PackSnapshot read(JsonNode json) {
        int cellCount = required(json, "cell_count").asInt();
        int[] cells = new int[cellCount];
        JsonNode cellsJson = json.get("cells_mV");
        boolean cellsValid = cellsJson != null && cellsJson.isArray();
        if (cellsValid) {
            if (cellsJson.size() != cellCount) {
                throw new IllegalArgumentException("cells_mV has " + cellsJson.size() + " values for " + cellCount + " cells");
            }
            for (int i = 0; i < cellCount; i++) {
                cells[i] = cellsJson.get(i).asInt();
            }
        }
        List<String> names = new ArrayList<>();
        List<Integer> temps = new ArrayList<>();
        List<Boolean> tempsValid = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : required(json, "temps_C").properties()) {
            names.add(field.getKey());
            boolean valid = field.getValue().isNumber();
            tempsValid.add(valid);
            temps.add(valid ? (int) Math.round(field.getValue().asDouble() * 10) : 0);
        }
        Balancing.State balancing = readBalancing(required(json, "balancing"), cellCount);
        Set<Path> manualOff = EnumSet.noneOf(Path.class);
        for (JsonNode path : required(json, "manual_off")) {
            manualOff.add(Path.fromId(path.asText())
                    .orElseThrow(() -> new IllegalArgumentException("manual_off: unknown path '" + path.asText() + "'")));
        }
        List<String> outputNames = new ArrayList<>();
        List<Boolean> outputsOn = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : required(json, "outputs").properties()) {
            outputNames.add(field.getKey());
            outputsOn.add(field.getValue().asBoolean());
        }
        JsonNode acc = required(json, "acc");
        List<ActiveFault> faults = new ArrayList<>();
        for (JsonNode fault : required(json, "faults")) {
            faults.add(readFault(fault));
        }
        JsonNode soc = json.get("soc_pct");
        JsonNode estimate = json.get("soc");
        return PackSnapshot.builder()
                .sequence(required(json, "sequence").asLong())
                .time_ms(required(json, "time_ms").asLong())
                .state(PackState.fromId(required(json, "state").asText()))
                .simulated(required(json, "simulated").asBoolean())
                .cellVoltages_mV(cells, cellsValid)
                .packVoltage_mV(intOrZero(json, "pack_mV"), isNumber(json, "pack_mV"))
                .loadVoltage_mV(intOrZero(json, "load_mV"), isNumber(json, "load_mV"))
                .shuntBusVoltage_mV(intOrZero(json, "shunt_bus_mV"), isNumber(json, "shunt_bus_mV"))
                .current_mA(intOrZero(json, "current_mA"), isNumber(json, "current_mA"))
                .soc_pct(soc != null && soc.isNumber() ? soc.asDouble() : 0, soc != null && soc.isNumber())
                .capacity_mAh(required(json, "capacity_mAh").asInt())
                .soc(estimate != null && estimate.isObject() ? readSoc(estimate, soc) : null)
                .temperatures(names, temps.stream().mapToInt(Integer::intValue).toArray(), toArray(tempsValid))
                .mos(required(json, "charge_mos").asBoolean(), required(json, "discharge_mos").asBoolean())
                .chargeLimits(required(json, "cvl_mV").asInt(), required(json, "ccl_mA").asInt(),
                        required(json, "dcl_mA").asInt(), required(json, "charge_phase").asText().equals("float"))
                .precharging(required(json, "precharging").asBoolean())
                .manualOff(manualOff.contains(Path.CHARGE), manualOff.contains(Path.DISCHARGE))
                .outputs(outputNames, toArray(outputsOn))
                .acc(acc.asBoolean(), acc.isBoolean())
                .lowPower(required(json, "low_power").asBoolean())
                .balancing(balancing)
                .faults(faults)
                .build();
    }

    private static Balancing.State readBalancing(JsonNode json, int cellCount) {
        String commandId = required(json, "command").asText();
        String activityId = required(json, "activity").asText();
        List<Integer> currents = new ArrayList<>(Collections.nCopies(cellCount, 0));
        for (JsonNode cell : required(json, "cells")) {
            int index = required(cell, "cell").asInt() - 1;
            if (index < 0 || index >= cellCount) {
                throw new IllegalArgumentException("balancing.cells: no cell " + (index + 1));
            }
            currents.set(index, required(cell, "current_mA").asInt());
        }
        List<Double> bled = new ArrayList<>();
        for (JsonNode value : required(json, "balanced_mAh")) {
            bled.add(value.asDouble());
        }
        return new Balancing.State(
                Balancing.Command.fromId(commandId).orElseThrow(
                        () -> new IllegalArgumentException("balancing.command: unknown '" + commandId + "'")),
                Balancing.Activity.fromId(activityId).orElseThrow(
                        () -> new IllegalArgumentException("balancing.activity: unknown '" + activityId + "'")),
                currents, bled);
    }

    /** What a client needs of the estimator's state; the parts only the daemon keeps read as 0. */
    private static SocState readSoc(JsonNode json, JsonNode shown) {
        double capacity = required(json, "learned_capacity_mAh").asDouble();
        return new SocState(0, required(json, "estimate_pct").asDouble() / 100 * capacity * 3600,
                shown != null ? shown.asDouble() : 0, required(json, "min_cell_pct").asDouble(),
                required(json, "max_cell_pct").asDouble(), capacity, required(json, "capacity_learnings").asInt(),
                required(json, "uncertainty_pct").asDouble(), required(json, "current_offset_mA").asDouble(),
                0, SocCalibration.fromId(required(json, "last_calibration").asText()).orElse(SocCalibration.NONE),
                required(json, "last_calibration_ms").asLong(), null);
    }

    private static double round(double value, int scale) {
        return Math.round(value * scale) / (double) scale;
    }

    private static ActiveFault readFault(JsonNode json) {
        String name = required(json, "id").asText();
        FaultId id = FaultId.fromId(name)
                .orElseThrow(() -> new IllegalArgumentException("faults: unknown fault '" + name + "'"));
        String stateName = required(json, "state").asText();
        ActiveFault.State state = null;
        for (ActiveFault.State candidate : ActiveFault.State.values()) {
            if (candidate.id().equals(stateName)) {
                state = candidate;
            }
        }
        if (state == null) {
            throw new IllegalArgumentException("faults: " + name + " has an unknown state '" + stateName + "'");
        }
        JsonNode source = required(json, "source");
        Unit unit = id.quantity().unit();
        String sourceText = source.isNull() ? "" : source.asText();
        int value = required(json, "value").isNull() && ActiveFault.LATCHED_BEFORE_RESTART.equals(sourceText) ? 0
                : unit.fromDisplay(number(json, name, "value"));
        return new ActiveFault(id, state, sourceText, value, unit.fromDisplay(number(json, name, "threshold")));
    }

    private static double number(JsonNode fault, String name, String field) {
        JsonNode value = required(fault, field);
        if (!value.isNumber()) {
            throw new IllegalArgumentException("faults: " + name + " has a " + field + " that is not a number");
        }
        return value.asDouble();
    }

    private static void putOrNull(ObjectNode json, String field, int value, boolean valid) {
        if (valid) {
            json.put(field, value);
        } else {
            json.putNull(field);
        }
    }

    private static JsonNode required(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null) {
            throw new IllegalArgumentException("the status has no field '" + field + "'");
        }
        return value;
    }

    private static boolean isNumber(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value != null && value.isNumber();
    }

    private static int intOrZero(JsonNode json, String field) {
        return isNumber(json, field) ? json.get(field).asInt() : 0;
    }

    private static boolean[] toArray(List<Boolean> values) {
        boolean[] array = new boolean[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
