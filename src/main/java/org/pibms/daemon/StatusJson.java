package org.pibms.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;

/**
 * The status as JSON: the shape of {@code pibms status --json} and of {@code GET /api/status}.
 * docs/control-socket.md describes every field. A reading that is not valid is {@code null}.
 */
public final class StatusJson {

    static final ObjectMapper MAPPER = new ObjectMapper();
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
            json.put("soc_pct", Math.round(s.soc_pct() * 100) / 100.0);
        } else {
            json.putNull("soc_pct");
        }
        json.put("capacity_mAh", s.capacity_mAh());
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
        ArrayNode balancing = json.putArray("balancing");
        for (int i = 0; i < s.cellCount(); i++) {
            if ((s.balancingMask() & (1L << i)) != 0) {
                balancing.add(i + 1);
            }
        }
        ArrayNode faults = json.putArray("faults");
        for (FaultId fault : s.faults()) {
            faults.add(fault.id());
        }
        return json;
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
        long balancing = 0;
        for (JsonNode cell : required(json, "balancing")) {
            balancing |= 1L << (cell.asInt() - 1);
        }
        Set<FaultId> faults = EnumSet.noneOf(FaultId.class);
        for (JsonNode fault : required(json, "faults")) {
            faults.add(FaultId.fromId(fault.asText()));
        }
        JsonNode soc = json.get("soc_pct");
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
                .temperatures(names, temps.stream().mapToInt(Integer::intValue).toArray(), toArray(tempsValid))
                .mos(required(json, "charge_mos").asBoolean(), required(json, "discharge_mos").asBoolean())
                .balancingMask(balancing)
                .faults(faults)
                .build();
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
