package org.pibms.protocol.ant;

import java.util.ArrayList;
import java.util.List;
import org.pibms.core.ActiveFault;
import org.pibms.core.Balancing;
import org.pibms.core.Chemistry;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;
import org.pibms.core.SocState;
import org.pibms.core.settings.SensorLocation;

/**
 * Fills both generations' status frames from a snapshot. What pibms does not measure (tyre
 * length, gate-drive voltages, the ANT's system-log word, charge totals) is sent as 0; an absent
 * or unreadable temperature as −40 °C, the ANT's own "no sensor". docs/protocols/ant.md has the
 * field-by-field table.
 */
final class AntStatus {

    /** The ANT marks an absent probe with −40 °C. */
    static final int NO_SENSOR_C = -40;
    /** Below this current either way the new protocol reports the pack as idle. */
    static final int IDLE_mA = 500;
    /** The new protocol carries this many probes; ANT boards have at most four. */
    static final int MAX_PROBES = 4;
    private static final int PERMISSIONS = 0x05;

    // MOSFET status codes that both generations share.
    static final int MOS_OFF = 0;
    static final int MOS_ON = 1;
    static final int MOS_MANUALLY_OFF = 15;
    static final int BALANCER_OFF = 0;
    static final int BALANCER_TOO_HOT = 3;
    static final int BALANCER_BALANCING = 4;

    private final AntServer.Options options;
    private final int mosSensor;
    private final int balanceSensor;
    private final int[] probes;

    AntStatus(AntServer.Options options) {
        this.options = options;
        List<SensorLocation> locations = options.sensorLocations();
        mosSensor = locations.indexOf(SensorLocation.MOS);
        balanceSensor = locations.indexOf(SensorLocation.BALANCE);
        List<Integer> probeList = new ArrayList<>();
        for (SensorLocation wanted : List.of(SensorLocation.CELL, SensorLocation.AMBIENT)) {
            for (int i = 0; i < locations.size() && probeList.size() < MAX_PROBES; i++) {
                if (locations.get(i) == wanted) {
                    probeList.add(i);
                }
            }
        }
        probes = probeList.stream().mapToInt(Integer::intValue).toArray();
    }

    OldStatusFrame old(PackSnapshot s, long runtime_s) {
        Cells cells = new Cells(s);
        int[] slots = new int[OldStatusFrame.CELL_SLOTS];
        System.arraycopy(cells.mV, 0, slots, 0, Math.min(cells.mV.length, slots.length));
        int[] temperatures = new int[OldStatusFrame.TEMPERATURES];
        temperatures[0] = celsius(s, mosSensor);
        temperatures[1] = celsius(s, balanceSensor);
        for (int i = 2; i < temperatures.length; i++) {
            temperatures[i] = i - 2 < probes.length ? celsius(s, probes[i - 2]) : NO_SENSOR_C;
        }
        int pack_mV = packVoltage_mV(s, cells);
        return new OldStatusFrame(roundDiv(pack_mV, 100), slots, current_dA(s), soc_pct(s),
                s.capacity_mAh() * 1000L, remaining_uAh(s), discharged_mAh(s), runtime_s, temperatures,
                chargeCode(s, false), dischargeCode(s, false), balancerCode(s), 0, 0, 0, power_W(s, pack_mV),
                cells.max + 1, cells.maxValue(), cells.min + 1, cells.minValue(), cells.average_mV,
                s.cellCount(), 0, 0, 0, 0, s.balancingMask() & 0xFFFF_FFFFL, 0);
    }

    NewStatusFrame fresh(PackSnapshot s, long runtime_s) {
        Cells cells = new Cells(s);
        int[] probe = new int[probes.length];
        for (int i = 0; i < probes.length; i++) {
            probe[i] = celsius(s, probes[i]);
        }
        int pack_mV = packVoltage_mV(s, cells);
        int charge = chargeCode(s, true);
        int discharge = dischargeCode(s, true);
        double soh = s.soh_pct();
        return new NewStatusFrame(PERMISSIONS, batteryStatus(s), 0, 0, 0, cells.mV, probe, celsius(s, mosSensor),
                celsius(s, balanceSensor), roundDiv(pack_mV, 10), current_dA(s), soc_pct(s),
                Double.isNaN(soh) ? 100 : (int) Math.round(soh),
                options.chargeMosFirst() ? charge : discharge, options.chargeMosFirst() ? discharge : charge,
                balancerCode(s), s.capacity_mAh() * 1000L, remaining_uAh(s), discharged_mAh(s), power_W(s, pack_mV),
                runtime_s, s.balancingMask() & 0xFFFF_FFFFL, cells.maxValue(), cells.max + 1, cells.minValue(),
                cells.min + 1, cells.maxValue() - cells.minValue(), cells.average_mV, 0, 0, 0, 0,
                s.cellCount() == 0 ? 0 : batteryType(), discharged_mAh(s), 0, 0, 0);
    }

    private int batteryType() {
        return options.chemistry() == Chemistry.LFP ? NewStatusFrame.TYPE_LFP : NewStatusFrame.TYPE_TERNARY;
    }

    /** The cells as the frame shows them: all 0 while they cannot be read. */
    private static final class Cells {
        final int[] mV;
        final int min;
        final int max;
        final int average_mV;

        Cells(PackSnapshot s) {
            mV = new int[s.cellCount()];
            if (s.cellVoltagesValid() && mV.length > 0) {
                long sum = 0;
                for (int i = 0; i < mV.length; i++) {
                    mV[i] = s.cellVoltage_mV(i);
                    sum += mV[i];
                }
                min = s.minCell();
                max = s.maxCell();
                // Truncated, as the ANT does: 48 828 mV over 14 cells is sent as 3487 mV.
                average_mV = (int) (sum / mV.length);
            } else {
                min = 0;
                max = 0;
                average_mV = 0;
            }
        }

        int minValue() {
            return mV.length == 0 ? 0 : mV[min];
        }

        int maxValue() {
            return mV.length == 0 ? 0 : mV[max];
        }

        int sum_mV() {
            int sum = 0;
            for (int v : mV) {
                sum += v;
            }
            return sum;
        }
    }

    private static int packVoltage_mV(PackSnapshot s, Cells cells) {
        return s.packVoltageValid() ? s.packVoltage_mV() : cells.sum_mV();
    }

    /** 0.1 A in the ANT's sign: positive while discharging, unless the port is set the other way. */
    private int current_dA(PackSnapshot s) {
        if (!s.currentValid()) {
            return 0;
        }
        int dA = roundDiv(s.current_mA(), 100);
        return options.dischargePositive() ? -dA : dA;
    }

    private int power_W(PackSnapshot s, int pack_mV) {
        if (!s.currentValid()) {
            return 0;
        }
        // Truncated, as the ANT does: 52.84 V × 0.3 A is sent as 15 W.
        long w = (long) pack_mV * s.current_mA() / 1_000_000;
        return (int) (options.dischargePositive() ? -w : w);
    }

    private static int soc_pct(PackSnapshot s) {
        return s.socValid() ? (int) Math.round(Math.max(0, Math.min(100, s.soc_pct()))) : 0;
    }

    static long remaining_uAh(PackSnapshot s) {
        SocState soc = s.soc();
        if (soc != null) {
            return Math.max(0, Math.round(soc.charge_mAs() / 3.6));
        }
        return s.socValid() ? Math.round(s.soc_pct() * s.capacity_mAh() * 10) : 0;
    }

    static long discharged_mAh(PackSnapshot s) {
        SocState soc = s.soc();
        return soc == null ? 0 : Math.round(soc.discharged_mAh());
    }

    private static int celsius(PackSnapshot s, int sensor) {
        if (sensor < 0 || !s.temperatureValid(sensor)) {
            return NO_SENSOR_C;
        }
        return (int) Math.round(s.temperature_dC(sensor) / 10.0);
    }

    /** 0 unknown, 1 idle, 2 charging, 3 discharging, 4 standby, 5 error. */
    private static int batteryStatus(PackSnapshot s) {
        if (s.state() == PackState.STARTING || s.state() == PackState.STOPPED) {
            return 0;
        }
        if (s.state() == PackState.FAULT) {
            return 5;
        }
        if (s.lowPower()) {
            return 4;
        }
        if (s.currentValid() && s.current_mA() > IDLE_mA) {
            return 2;
        }
        if (s.currentValid() && s.current_mA() < -IDLE_mA) {
            return 3;
        }
        return 1;
    }

    private static int balancerCode(PackSnapshot s) {
        if (s.balancingMask() != 0) {
            return BALANCER_BALANCING;
        }
        return s.balancing().activity() == Balancing.Activity.TOO_HOT ? BALANCER_TOO_HOT : BALANCER_OFF;
    }

    static int chargeCode(PackSnapshot s, boolean fresh) {
        return mosCode(s.chargeMos(), s.chargeManualOff(), s, true, fresh);
    }

    static int dischargeCode(PackSnapshot s, boolean fresh) {
        return mosCode(s.dischargeMos(), s.dischargeManualOff(), s, false, fresh);
    }

    /** 1 when closed; else 15 when switched off by hand; else the first fault holding it open; else 0. */
    private static int mosCode(boolean on, boolean manualOff, PackSnapshot s, boolean charge, boolean fresh) {
        if (on) {
            return MOS_ON;
        }
        if (manualOff) {
            return MOS_MANUALLY_OFF;
        }
        for (ActiveFault fault : s.faults()) {
            FaultId id = fault.id();
            boolean holds = charge ? id.reaction().blocksCharge() : id.reaction().blocksDischarge();
            int code = !holds ? MOS_OFF : charge ? chargeCode(id, fresh) : dischargeCode(id, fresh);
            if (code != MOS_OFF) {
                return code;
            }
        }
        return MOS_OFF;
    }

    /** The ANT's reason for an open charge MOSFET; the new protocol has a few more codes. */
    private static int chargeCode(FaultId fault, boolean fresh) {
        return switch (fault) {
            case CELL_OVERVOLTAGE -> 2;
            case CHARGE_OVERCURRENT -> 3;
            case PACK_OVERVOLTAGE -> 5;
            case CHARGE_OVERTEMPERATURE -> 6;
            case CHARGE_UNDERTEMPERATURE -> fresh ? 17 : 6;
            case MOS_OVERTEMPERATURE -> 7;
            case MOS_PULSE_OVERLOAD, SHORT_CIRCUIT -> 8;
            case OPEN_WIRE -> 9;
            case AFE_COMMUNICATION_LOST, AFE_PEC_ERROR_STORM, CURRENT_SENSOR_FAILURE, PACK_VOLTAGE_MISMATCH,
                    TEMPERATURE_SENSOR_FAILURE -> fresh ? 20 : MOS_OFF;
            default -> MOS_OFF;
        };
    }

    /** The ANT's reason for an open discharge MOSFET. */
    private static int dischargeCode(FaultId fault, boolean fresh) {
        return switch (fault) {
            case CELL_UNDERVOLTAGE, CELL_DEEP_DISCHARGE, LOW_SOC -> 2;
            case DISCHARGE_OVERCURRENT -> 3;
            case DISCHARGE_OVERCURRENT_FAST -> fresh ? 4 : 3;
            case PACK_UNDERVOLTAGE -> 5;
            case DISCHARGE_OVERTEMPERATURE -> 6;
            case DISCHARGE_UNDERTEMPERATURE -> fresh ? 17 : 6;
            case MOS_OVERTEMPERATURE -> 7;
            case MOS_PULSE_OVERLOAD -> 8;
            case OPEN_WIRE -> 9;
            case SHORT_CIRCUIT -> 12;
            case PRECHARGE_FAILED -> 14;
            case AFE_COMMUNICATION_LOST, AFE_PEC_ERROR_STORM, CURRENT_SENSOR_FAILURE, PACK_VOLTAGE_MISMATCH
                    -> fresh ? 19 : MOS_OFF;
            default -> MOS_OFF;
        };
    }

    private static int roundDiv(int value, int divisor) {
        return (int) Math.round((double) value / divisor);
    }
}
