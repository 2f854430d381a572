package org.pibms.protocol.modbus;

import static org.pibms.protocol.modbus.Point.NOT_IMPLEMENTED;

import java.util.List;
import org.pibms.core.ActiveFault;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;
import org.pibms.core.Severity;
import org.pibms.core.settings.SensorLocation;
import org.pibms.core.settings.TemperatureSensorSettings;

/**
 * The pack as the SunSpec points see it: one snapshot, with the figures several points share
 * (lowest, highest and average cell, cell temperatures) worked out once. Values are in the
 * points' scaled units and {@link Point#NOT_IMPLEMENTED} where the snapshot has no valid value.
 * Reused from one read to the next, so a read allocates nothing.
 */
public final class SunSpecReading {

    /** Below this current the pack counts as resting for the charge status. */
    static final int RESTING_mA = 100;

    private final SunSpecMap.Device device;
    private PackSnapshot snapshot;
    private int cell;
    private int minCell;
    private int maxCell;
    private long cellSum_mV;
    private long balancingMask;
    private int cellTempCount;
    private int cellTempMin_dC;
    private int cellTempMax_dC;
    private int coldestSensor;
    private int warmestSensor;
    private long cellTempSum_dC;
    /** For each cell (index 0 = cell 1), the sensor the config puts on it, or -1. */
    private final int[] sensorOnCell;

    SunSpecReading(SunSpecMap.Device device) {
        this.device = device;
        this.sensorOnCell = new int[device.cellCount()];
        java.util.Arrays.fill(sensorOnCell, -1);
        for (int i = 0; i < device.sensors().size(); i++) {
            int cell = device.sensors().get(i).cell();
            if (cell > 0 && cell <= sensorOnCell.length && sensorOnCell[cell - 1] < 0) {
                sensorOnCell[cell - 1] = i;
            }
        }
    }

    void load(PackSnapshot next) {
        snapshot = next;
        minCell = next.cellCount() == 0 ? 0 : next.minCell();
        maxCell = next.cellCount() == 0 ? 0 : next.maxCell();
        balancingMask = next.balancingMask();
        cellSum_mV = 0;
        for (int i = 0; i < next.cellCount(); i++) {
            cellSum_mV += next.cellVoltage_mV(i);
        }
        cellTempCount = 0;
        cellTempMin_dC = Integer.MAX_VALUE;
        cellTempMax_dC = Integer.MIN_VALUE;
        cellTempSum_dC = 0;
        List<TemperatureSensorSettings> configured = device.sensors();
        int sensors = Math.min(configured.size(), next.temperatureNames().size());
        for (int i = 0; i < sensors; i++) {
            if (configured.get(i).location() == SensorLocation.CELL && next.temperatureValid(i)) {
                int t = next.temperature_dC(i);
                cellTempCount++;
                if (t < cellTempMin_dC) {
                    cellTempMin_dC = t;
                    coldestSensor = i;
                }
                if (t > cellTempMax_dC) {
                    cellTempMax_dC = t;
                    warmestSensor = i;
                }
                cellTempSum_dC += t;
            }
        }
    }

    /** Selects the cell (index 0 = cell 1) that a repeating group's points describe. */
    void cell(int index) {
        cell = index;
    }

    PackSnapshot snapshot() {
        return snapshot;
    }

    SunSpecMap.Device device() {
        return device;
    }

    private boolean cellsValid() {
        return snapshot.cellVoltagesValid() && snapshot.cellCount() > 0;
    }

    long cell_mV() {
        return cellsValid() && cell < snapshot.cellCount() ? snapshot.cellVoltage_mV(cell) : NOT_IMPLEMENTED;
    }

    /** Bit 0: the cell is bleeding through its balance resistor. */
    long cellStatus() {
        return cell < snapshot.cellCount() ? (balancingMask >>> cell) & 1 : NOT_IMPLEMENTED;
    }

    long minCell_mV() {
        return cellsValid() ? snapshot.cellVoltage_mV(minCell) : NOT_IMPLEMENTED;
    }

    long maxCell_mV() {
        return cellsValid() ? snapshot.cellVoltage_mV(maxCell) : NOT_IMPLEMENTED;
    }

    long averageCell_mV() {
        return cellsValid() ? Math.round((double) cellSum_mV / snapshot.cellCount()) : NOT_IMPLEMENTED;
    }

    /** 1-based, as a person counts cells. */
    long minCellNumber() {
        return cellsValid() ? minCell + 1 : NOT_IMPLEMENTED;
    }

    long maxCellNumber() {
        return cellsValid() ? maxCell + 1 : NOT_IMPLEMENTED;
    }

    long balancingCells() {
        return Long.bitCount(balancingMask);
    }

    long minCellTemperature_dC() {
        return cellTempCount > 0 ? cellTempMin_dC : NOT_IMPLEMENTED;
    }

    long maxCellTemperature_dC() {
        return cellTempCount > 0 ? cellTempMax_dC : NOT_IMPLEMENTED;
    }

    /** The temperature of the selected cell, where the config puts a sensor on it. */
    long cellTemperature_dC() {
        int sensor = cell < sensorOnCell.length ? sensorOnCell[cell] : -1;
        return sensor >= 0 && sensor < snapshot.temperatureNames().size() && snapshot.temperatureValid(sensor)
                ? snapshot.temperature_dC(sensor) : NOT_IMPLEMENTED;
    }

    /** The cell the warmest cell sensor sits on, where the config says. */
    long warmestCell() {
        return cellTempCount > 0 ? cellOf(warmestSensor) : NOT_IMPLEMENTED;
    }

    long coldestCell() {
        return cellTempCount > 0 ? cellOf(coldestSensor) : NOT_IMPLEMENTED;
    }

    private long cellOf(int sensor) {
        int cell = device.sensors().get(sensor).cell();
        return cell > 0 ? cell : NOT_IMPLEMENTED;
    }

    long averageCellTemperature_dC() {
        return cellTempCount > 0 ? Math.round((double) cellTempSum_dC / cellTempCount) : NOT_IMPLEMENTED;
    }

    long pack_cV() {
        return snapshot.packVoltageValid() ? Math.round(snapshot.packVoltage_mV() / 10.0) : NOT_IMPLEMENTED;
    }

    /** Charge positive, in 0.1 A. */
    long current_dA() {
        return snapshot.currentValid() ? Math.round(snapshot.current_mA() / 100.0) : NOT_IMPLEMENTED;
    }

    /** Charge positive, in 10 W. */
    long power_daW() {
        if (!snapshot.currentValid() || !snapshot.packVoltageValid()) {
            return NOT_IMPLEMENTED;
        }
        return Math.round((double) snapshot.packVoltage_mV() * snapshot.current_mA() / 1e7);
    }

    long soc_permille() {
        return snapshot.socValid() ? Math.round(snapshot.soc_pct() * 10) : NOT_IMPLEMENTED;
    }

    /** Depth of discharge: what has been taken out of a full pack. */
    long dod_permille() {
        return snapshot.socValid() ? 1000 - Math.round(snapshot.soc_pct() * 10) : NOT_IMPLEMENTED;
    }

    long soh_permille() {
        double soh = snapshot.soh_pct();
        return Double.isNaN(soh) ? NOT_IMPLEMENTED : Math.round(soh * 10);
    }

    long cycles() {
        double cycles = snapshot.cycles();
        return Double.isNaN(cycles) ? NOT_IMPLEMENTED : (long) cycles;
    }

    /** CCL, what an inverter may charge with now (docs/charge-limits.md), in 0.1 A. */
    long chargeLimit_dA() {
        return Math.round(snapshot.ccl_mA() / 100.0);
    }

    /** DCL, in 0.1 A. */
    long dischargeLimit_dA() {
        return Math.round(snapshot.dcl_mA() / 100.0);
    }

    /** The nameplate capacity in 0.1 Ah. */
    long capacity_dAh() {
        return Math.round(snapshot.capacity_mAh() / 100.0);
    }

    /** The nameplate energy at the nominal cell voltage, in 10 Wh. */
    long energy_daWh() {
        return Math.round((double) snapshot.capacity_mAh() * device.nominalPack_mV() / 1e7);
    }

    /** A protection's trip level in its base unit (mV, mA), or not implemented before the first tick. */
    long trip(FaultId fault) {
        return snapshot.protection() == null ? NOT_IMPLEMENTED : snapshot.protection().limit(fault).trip();
    }

    /** One number of a protection row in its base unit, or not implemented before the first tick. */
    long protection(FaultId fault, ProtectionModel.Limit which) {
        if (snapshot.protection() == null) {
            return NOT_IMPLEMENTED;
        }
        var limit = snapshot.protection().limit(fault);
        return switch (which) {
            case TRIP -> limit.trip();
            case RECOVER -> limit.recover();
            case DELAY -> limit.delay_ms();
            case RECOVER_DELAY -> limit.recoverDelay_ms();
        };
    }

    /** The most power a protection's current limit allows at the nominal voltage, in 10 W. */
    long nominalPower_daW(FaultId currentLimit) {
        long trip_mA = trip(currentLimit);
        return trip_mA == NOT_IMPLEMENTED ? NOT_IMPLEMENTED
                : Math.round((double) trip_mA * device.nominalPack_mV() / 1e7);
    }

    /** Model 802 ChaSt: OFF 1, EMPTY 2, DISCHARGING 3, CHARGING 4, FULL 5, HOLDING 6. */
    long chargeStatus() {
        if (!snapshot.chargeMos() && !snapshot.dischargeMos()) {
            return 1;
        }
        if (snapshot.currentValid() && snapshot.current_mA() > RESTING_mA) {
            return 4;
        }
        if (snapshot.currentValid() && snapshot.current_mA() < -RESTING_mA) {
            return 3;
        }
        if (!snapshot.socValid()) {
            return NOT_IMPLEMENTED;
        }
        if (snapshot.soc_pct() >= 99.5) {
            return 5;
        }
        return snapshot.soc_pct() <= 0.5 ? 2 : 6;
    }

    /**
     * Model 802 State: INITIALIZING 2 before the first good reading, SOC PROTECTION 5 when the low-SOC
     * cut-off is the only fault, FAULT 99 for any other, DISCONNECTED 1 with both MOS open (a manual
     * off, or the daemon stopped), STANDBY 4 in low-power mode, else CONNECTED 3.
     */
    long state() {
        PackState state = snapshot.state();
        if (state == PackState.STARTING) {
            return 2;
        }
        if (state == PackState.FAULT) {
            List<ActiveFault> faults = snapshot.faults();
            boolean onlyLowSoc = true;
            for (int i = 0; i < faults.size(); i++) {
                if (faults.get(i).id() != FaultId.LOW_SOC && faults.get(i).id().severity() == Severity.PROTECTION) {
                    onlyLowSoc = false;
                }
            }
            return onlyLowSoc ? 5 : 99;
        }
        if (!snapshot.chargeMos() && !snapshot.dischargeMos()) {
            return 1;
        }
        return snapshot.lowPower() ? 4 : 3;
    }

    /** pibms's own state: 0 starting, 1 normal, 2 fault, 3 stopped. */
    long vendorState() {
        return snapshot.state().ordinal();
    }

    /** Model 802 Evt1: each active fault's standard event bit. */
    long events() {
        long bits = 0;
        List<ActiveFault> faults = snapshot.faults();
        for (int i = 0; i < faults.size(); i++) {
            bits |= 1L << SunSpecEvents.bit(faults.get(i).id());
        }
        return bits;
    }

    /** Model 802 EvtVnd1: one bit per pibms fault, in the order of docs/protocols/modbus.md. */
    long vendorEvents() {
        long bits = 0;
        List<ActiveFault> faults = snapshot.faults();
        for (int i = 0; i < faults.size(); i++) {
            bits |= faults.get(i).id().bit();
        }
        return bits;
    }

    /** Sequence of the tick, as a heartbeat that steps while the control loop runs. */
    long heartbeat() {
        return snapshot.sequence() % 0xFFFF;
    }

    /** SetOp reads DISCONNECT 2 while a manual off holds either MOS open, else CONNECT 1. */
    long operation() {
        return snapshot.chargeManualOff() || snapshot.dischargeManualOff() ? 2 : 1;
    }
}
