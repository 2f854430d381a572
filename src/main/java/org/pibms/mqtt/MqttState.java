package org.pibms.mqtt;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.pibms.core.ActiveFault;
import org.pibms.core.PackSnapshot;

/**
 * The state message: one JSON object with every value Home Assistant's entities pick out with
 * a template. Units are Home Assistant's (V, A, W, °C, %), not pibms's internal mV and mA; a
 * reading that is not valid is null, which Home Assistant shows as unknown.
 */
final class MqttState {

    static final String ON = "ON";
    static final String OFF = "OFF";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MqttState() {
    }

    static ObjectNode write(PackSnapshot s) {
        ObjectNode json = NODES.objectNode();
        json.put("state", s.state().id());
        putOrNull(json, "soc", s.socValid(), round(s.soc_pct(), 1));
        putOrNull(json, "soh", s.socValid(), round(s.soh_pct(), 1));
        putOrNull(json, "cycles", s.socValid(), round(s.cycles(), 2));
        putOrNull(json, "voltage", s.packVoltageValid(), s.packVoltage_mV() / 1000.0);
        putOrNull(json, "current", s.currentValid(), s.current_mA() / 1000.0);
        putOrNull(json, "power", s.packVoltageValid() && s.currentValid(),
                Math.round((double) s.packVoltage_mV() * s.current_mA() / 1e6));
        ArrayNode cells = json.putArray("cells");
        if (s.cellVoltagesValid()) {
            int[] cell_mV = s.cellVoltages_mV();
            for (int i = 0; i < s.cellCount(); i++) {
                cells.add(cell_mV[i] / 1000.0);
            }
        } else {
            for (int i = 0; i < s.cellCount(); i++) {
                cells.addNull();
            }
        }
        boolean cellsValid = s.cellVoltagesValid();
        putOrNull(json, "cell_min", cellsValid, cellsValid ? s.cellVoltages_mV()[s.minCell()] / 1000.0 : 0);
        putOrNull(json, "cell_max", cellsValid, cellsValid ? s.cellVoltages_mV()[s.maxCell()] / 1000.0 : 0);
        putOrNull(json, "cell_delta", cellsValid, cellsValid ? s.cellDelta_mV() : 0);
        ObjectNode temperatures = json.putObject("temperatures");
        List<String> names = s.temperatureNames();
        for (int i = 0; i < names.size(); i++) {
            putOrNull(temperatures, names.get(i), s.temperatureValid(i), s.temperature_dC(i) / 10.0);
        }
        json.put("charge_mos", s.chargeMos() ? ON : OFF);
        json.put("discharge_mos", s.dischargeMos() ? ON : OFF);
        json.put("charging", s.currentValid() && s.current_mA() > 0 ? ON : OFF);
        json.put("balancing", s.balancing().command().id());
        json.put("balancing_cells", Long.bitCount(s.balancingMask()));
        json.put("problem", s.faults().isEmpty() ? OFF : ON);
        json.put("faults", faults(s.faults()));
        json.put("cvl", s.cvl_mV() / 1000.0);
        json.put("ccl", s.ccl_mA() / 1000.0);
        json.put("dcl", s.dcl_mA() / 1000.0);
        json.put("charge_phase", s.floatCharging() ? "float" : "bulk");
        return json;
    }

    /** The active faults by id, or "none": one short text for a text sensor. */
    private static String faults(List<ActiveFault> faults) {
        if (faults.isEmpty()) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        for (ActiveFault fault : faults) {
            text.append(text.length() == 0 ? "" : ", ").append(fault.id().id());
        }
        return text.toString();
    }

    private static void putOrNull(ObjectNode json, String field, boolean valid, double value) {
        if (valid) {
            json.put(field, value);
        } else {
            json.putNull(field);
        }
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
