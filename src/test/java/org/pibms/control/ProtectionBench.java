package org.pibms.control;

import java.util.List;
import org.pibms.core.Chemistry;
import org.pibms.core.FaultId;
import org.pibms.core.Measurement;
import org.pibms.core.Quantity;
import org.pibms.core.settings.ProtectionSettings;
import org.pibms.core.settings.SensorLocation;

/**
 * {@link Protection} on a made-up 16S LFP 100 Ah pack with a 300 A current sensor, ticked by
 * hand every 10 ms. Each tick starts from a healthy pack and sets one {@link Quantity} to the
 * value a test asks for, so a row of the table can be driven on its own.
 */
final class ProtectionBench {

    static final int CELLS = 16;
    static final int NORMAL_CELL_mV = 3300;
    static final long PERIOD_ns = 10_000_000L;
    static final List<String> SENSORS = List.of("cells", "mos", "balance", "shunt");

    final ProtectionSettings settings;
    final Protection protection;
    final Measurement m = new Measurement(CELLS, SENSORS.size());
    long now_ns = 1_000_000_000L;
    long pecErrors;

    ProtectionBench() {
        this(ProtectionSettings.defaultsFor(pack()).with(FaultId.LOW_SOC,
                ProtectionSettings.defaultsFor(pack()).limit(FaultId.LOW_SOC).withEnabled(true)));
    }

    ProtectionBench(ProtectionSettings settings) {
        this.settings = settings;
        this.protection = new Protection(settings, SENSORS, new SensorLocation[] {SensorLocation.CELL,
            SensorLocation.MOS, SensorLocation.BALANCE, SensorLocation.MOS}, new boolean[] {true, true, true, false},
                true);
        protection.setOpenWires(0);
    }

    static ProtectionSettings.Pack pack() {
        return new ProtectionSettings.Pack(Chemistry.LFP, CELLS, 100_000, 300_000);
    }

    /** One tick with quantity {@code q} at {@code value}; returns whether {@code fault} is active after it. */
    boolean tick(FaultId fault, int value) {
        healthy(fault.quantity(), value);
        set(fault.quantity(), value);
        protection.evaluate(m);
        now_ns += PERIOD_ns;
        return active(fault);
    }

    /** One tick of a healthy pack. */
    long tickHealthy() {
        healthy(null, 0);
        long active = protection.evaluate(m);
        now_ns += PERIOD_ns;
        return active;
    }

    boolean active(FaultId fault) {
        return (protection.active() & fault.bit()) != 0;
    }

    boolean lockedOut(FaultId fault) {
        return (protection.lockedOut() & fault.bit()) != 0;
    }

    /** The time the next tick will run at. */
    long now() {
        return now_ns;
    }

    String reset() {
        return protection.reset(now_ns);
    }

    /** A healthy pack, except that a failed current or sensor read is left out when {@code q} asks for it. */
    private void healthy(Quantity q, int v) {
        boolean currentFails = q == Quantity.CURRENT_FAILED_READS && v != 0;
        boolean sensorFails = q == Quantity.TEMPERATURE_SENSOR_FAILED && v != 0;
        m.invalidate(now_ns);
        for (int i = 0; i < CELLS; i++) {
            m.setCellVoltage_mV(i, NORMAL_CELL_mV);
        }
        m.setCellVoltagesValid(true);
        m.setPackVoltage_mV(CELLS * NORMAL_CELL_mV);
        if (!currentFails) {
            m.setCurrent_mA(0);
        }
        for (int i = 0; i < SENSORS.size(); i++) {
            if (!(sensorFails && i == 1)) {
                m.setTemperature_dC(i, 250);
            }
        }
        m.setShortCircuitLatch(false);
        protection.setTemperaturesRead(true);
        protection.setSoc(500, true);
        protection.setPecErrors(pecErrors);
        protection.setOpenWires(0);
    }

    private void set(Quantity q, int v) {
        switch (q) {
            case HIGHEST_CELL_VOLTAGE, LOWEST_CELL_VOLTAGE -> cell(3, v);
            case CELL_DELTA -> cell(3, NORMAL_CELL_mV + v);
            case PACK_VOLTAGE -> {
                for (int i = 0; i < CELLS; i++) {
                    m.setCellVoltage_mV(i, v / CELLS + (i == 0 ? v % CELLS : 0));
                }
                m.setPackVoltage_mV(v);
            }
            case CELL_SUM_DEVIATION -> m.setPackVoltage_mV(m.cellVoltageSum_mV() + v);
            case CHARGE_CURRENT -> m.setCurrent_mA(v);
            case DISCHARGE_CURRENT -> m.setCurrent_mA(-v);
            case HIGHEST_CELL_TEMPERATURE, LOWEST_CELL_TEMPERATURE -> m.setTemperature_dC(0, v);
            case MOS_TEMPERATURE -> m.setTemperature_dC(1, v);
            case BALANCE_TEMPERATURE -> m.setTemperature_dC(2, v);
            case STATE_OF_CHARGE -> protection.setSoc(v, true);
            case SHORT_CIRCUIT -> m.setShortCircuitLatch(v != 0);
            case OPEN_WIRE -> protection.setOpenWires(v != 0 ? 1L << 4 : 0);
            case TEMPERATURE_SENSOR_FAILED, CURRENT_FAILED_READS -> {
                // left out of the healthy pack above
            }
            case PRECHARGE_TIMEOUT -> protection.setPrechargeTimedOut(v != 0);
            case AFE_FAILED_READS -> m.setCellVoltagesValid(v == 0);
            case AFE_PEC_ERRORS -> {
                pecErrors += v;
                protection.setPecErrors(pecErrors);
            }
            case MOS_HEAT -> m.setCurrent_mA(v);
        }
    }

    private void cell(int cell, int v) {
        m.setCellVoltage_mV(cell, v);
        m.setPackVoltage_mV(m.cellVoltageSum_mV());
    }
}
