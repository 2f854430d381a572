package org.pibms.protocol.modbus;

import java.util.EnumMap;
import java.util.Map;
import org.pibms.core.FaultId;

/**
 * Which model 802 Evt1 bit each pibms fault sets. SunSpec's bits are coarser than pibms's faults:
 * the exact fault is in EvtVnd1, one bit per fault.
 */
final class SunSpecEvents {

    static final int COMMUNICATION_ERROR = 0;
    static final int OVER_TEMP_ALARM = 1;
    static final int UNDER_TEMP_ALARM = 3;
    static final int OVER_CHARGE_CURRENT_ALARM = 5;
    static final int OVER_DISCHARGE_CURRENT_ALARM = 7;
    static final int OVER_VOLT_ALARM = 9;
    static final int OVER_VOLT_WARNING = 10;
    static final int UNDER_VOLT_ALARM = 11;
    static final int UNDER_VOLT_WARNING = 12;
    static final int UNDER_SOC_MIN_ALARM = 13;
    static final int VOLTAGE_IMBALANCE_WARNING = 17;
    static final int CONTACTOR_ERROR = 20;
    static final int OTHER_ALARM = 25;

    private static final Map<FaultId, Integer> BITS = new EnumMap<>(FaultId.class);

    static {
        BITS.put(FaultId.CELL_OVERVOLTAGE_WARNING, OVER_VOLT_WARNING);
        BITS.put(FaultId.CELL_OVERVOLTAGE, OVER_VOLT_ALARM);
        BITS.put(FaultId.CELL_UNDERVOLTAGE_WARNING, UNDER_VOLT_WARNING);
        BITS.put(FaultId.CELL_UNDERVOLTAGE, UNDER_VOLT_ALARM);
        BITS.put(FaultId.CELL_DEEP_DISCHARGE, UNDER_VOLT_ALARM);
        BITS.put(FaultId.PACK_OVERVOLTAGE, OVER_VOLT_ALARM);
        BITS.put(FaultId.PACK_UNDERVOLTAGE, UNDER_VOLT_ALARM);
        BITS.put(FaultId.CHARGE_OVERCURRENT, OVER_CHARGE_CURRENT_ALARM);
        BITS.put(FaultId.DISCHARGE_OVERCURRENT, OVER_DISCHARGE_CURRENT_ALARM);
        BITS.put(FaultId.DISCHARGE_OVERCURRENT_FAST, OVER_DISCHARGE_CURRENT_ALARM);
        BITS.put(FaultId.MOS_PULSE_OVERLOAD, OVER_DISCHARGE_CURRENT_ALARM);
        BITS.put(FaultId.SHORT_CIRCUIT, OVER_DISCHARGE_CURRENT_ALARM);
        BITS.put(FaultId.CHARGE_OVERTEMPERATURE, OVER_TEMP_ALARM);
        BITS.put(FaultId.CHARGE_UNDERTEMPERATURE, UNDER_TEMP_ALARM);
        BITS.put(FaultId.DISCHARGE_OVERTEMPERATURE, OVER_TEMP_ALARM);
        BITS.put(FaultId.DISCHARGE_UNDERTEMPERATURE, UNDER_TEMP_ALARM);
        BITS.put(FaultId.MOS_OVERTEMPERATURE, OVER_TEMP_ALARM);
        BITS.put(FaultId.BALANCE_OVERTEMPERATURE, OVER_TEMP_ALARM);
        BITS.put(FaultId.CELL_IMBALANCE, VOLTAGE_IMBALANCE_WARNING);
        BITS.put(FaultId.OPEN_WIRE, OTHER_ALARM);
        BITS.put(FaultId.AFE_COMMUNICATION_LOST, COMMUNICATION_ERROR);
        BITS.put(FaultId.AFE_PEC_ERROR_STORM, COMMUNICATION_ERROR);
        BITS.put(FaultId.CURRENT_SENSOR_FAILURE, COMMUNICATION_ERROR);
        BITS.put(FaultId.PACK_VOLTAGE_MISMATCH, OTHER_ALARM);
        BITS.put(FaultId.TEMPERATURE_SENSOR_FAILURE, OTHER_ALARM);
        BITS.put(FaultId.LOW_SOC, UNDER_SOC_MIN_ALARM);
        BITS.put(FaultId.PRECHARGE_FAILED, CONTACTOR_ERROR);
        for (FaultId id : FaultId.values()) {
            if (!BITS.containsKey(id)) {
                throw new IllegalStateException(id.id() + " has no SunSpec event bit");
            }
        }
    }

    private SunSpecEvents() {
    }

    static int bit(FaultId fault) {
        return BITS.get(fault);
    }
}
