package org.pibms.core;

import java.util.Arrays;

/**
 * One tick's readings: the control loop's working buffer.
 *
 * <p>The loop owns one instance and refills it every tick, so reading the pack allocates
 * nothing. It is never shared with another thread: what other threads see is the
 * {@link PackSnapshot} published at the end of the tick. Cells and temperature sensors are
 * indexed from 0 here; user-facing numbers are 1-based.
 *
 * <p>Each source has a validity flag. A reading whose flag is false holds the last value it
 * had and must not be acted on.
 */
public final class Measurement {

    public static final int MAX_CELLS = 20;
    public static final int MIN_CELLS = 8;

    private final int cellCount;
    private final int[] cellVoltage_mV;
    private boolean cellVoltagesValid;

    private final int[] temperature_dC;
    private final boolean[] temperatureValid;

    private int current_mA;
    private boolean currentValid;

    private int packVoltage_mV;
    private boolean packVoltageValid;
    private int loadVoltage_mV;
    private boolean loadVoltageValid;
    private int shuntBusVoltage_mV;
    private boolean shuntBusVoltageValid;

    private boolean acc;
    private boolean accValid;
    private boolean shortCircuitLatch;
    private boolean shortCircuitLatchValid;
    private boolean currentAlert;

    private long time_ns;

    public Measurement(int cellCount, int temperatureSensorCount) {
        if (cellCount < 1 || cellCount > MAX_CELLS) {
            throw new IllegalArgumentException("cell count " + cellCount + " is outside 1.." + MAX_CELLS);
        }
        this.cellCount = cellCount;
        this.cellVoltage_mV = new int[cellCount];
        this.temperature_dC = new int[temperatureSensorCount];
        this.temperatureValid = new boolean[temperatureSensorCount];
    }

    /** Marks every reading invalid; the ports then fill what they can. */
    public void invalidate(long time_ns) {
        this.time_ns = time_ns;
        cellVoltagesValid = false;
        currentValid = false;
        packVoltageValid = false;
        loadVoltageValid = false;
        shuntBusVoltageValid = false;
        accValid = false;
        shortCircuitLatchValid = false;
        currentAlert = false;
        Arrays.fill(temperatureValid, false);
    }

    public long time_ns() {
        return time_ns;
    }

    public int cellCount() {
        return cellCount;
    }

    public int cellVoltage_mV(int cell) {
        return cellVoltage_mV[cell];
    }

    public void setCellVoltage_mV(int cell, int voltage_mV) {
        cellVoltage_mV[cell] = voltage_mV;
    }

    public boolean cellVoltagesValid() {
        return cellVoltagesValid;
    }

    public void setCellVoltagesValid(boolean valid) {
        cellVoltagesValid = valid;
    }

    /** Index of the lowest cell (the first one on a tie). */
    public int minCell() {
        int min = 0;
        for (int i = 1; i < cellCount; i++) {
            if (cellVoltage_mV[i] < cellVoltage_mV[min]) {
                min = i;
            }
        }
        return min;
    }

    /** Index of the highest cell (the first one on a tie). */
    public int maxCell() {
        int max = 0;
        for (int i = 1; i < cellCount; i++) {
            if (cellVoltage_mV[i] > cellVoltage_mV[max]) {
                max = i;
            }
        }
        return max;
    }

    public int cellVoltageSum_mV() {
        int sum = 0;
        for (int i = 0; i < cellCount; i++) {
            sum += cellVoltage_mV[i];
        }
        return sum;
    }

    public int temperatureSensorCount() {
        return temperature_dC.length;
    }

    public int temperature_dC(int sensor) {
        return temperature_dC[sensor];
    }

    public boolean temperatureValid(int sensor) {
        return temperatureValid[sensor];
    }

    public void setTemperature_dC(int sensor, int temperature_dC) {
        this.temperature_dC[sensor] = temperature_dC;
        this.temperatureValid[sensor] = true;
    }

    public int current_mA() {
        return current_mA;
    }

    public boolean currentValid() {
        return currentValid;
    }

    /** Pack current, charge positive. */
    public void setCurrent_mA(int current_mA) {
        this.current_mA = current_mA;
        this.currentValid = true;
    }

    public int packVoltage_mV() {
        return packVoltage_mV;
    }

    public boolean packVoltageValid() {
        return packVoltageValid;
    }

    /** Voltage across the battery terminals (B+ to B-). */
    public void setPackVoltage_mV(int packVoltage_mV) {
        this.packVoltage_mV = packVoltage_mV;
        this.packVoltageValid = true;
    }

    public int loadVoltage_mV() {
        return loadVoltage_mV;
    }

    public boolean loadVoltageValid() {
        return loadVoltageValid;
    }

    /** Voltage on the load side of the MOSFETs (P+ to P-); used for pre-charge. */
    public void setLoadVoltage_mV(int loadVoltage_mV) {
        this.loadVoltage_mV = loadVoltage_mV;
        this.loadVoltageValid = true;
    }

    public int shuntBusVoltage_mV() {
        return shuntBusVoltage_mV;
    }

    public boolean shuntBusVoltageValid() {
        return shuntBusVoltageValid;
    }

    /** Voltage at the current-sensor chip's own bus input, a second view of the pack voltage. */
    public void setShuntBusVoltage_mV(int shuntBusVoltage_mV) {
        this.shuntBusVoltage_mV = shuntBusVoltage_mV;
        this.shuntBusVoltageValid = true;
    }

    /** True while the ACC wake input is active; valid only when ACC is wired and was read. */
    public boolean acc() {
        return acc;
    }

    public boolean accValid() {
        return accValid;
    }

    public void setAcc(boolean active) {
        this.acc = active;
        this.accValid = true;
    }

    /** True while the hardware short-circuit latch holds the pack off. */
    public boolean shortCircuitLatch() {
        return shortCircuitLatch;
    }

    public boolean shortCircuitLatchValid() {
        return shortCircuitLatchValid;
    }

    public void setShortCircuitLatch(boolean latched) {
        this.shortCircuitLatch = latched;
        this.shortCircuitLatchValid = true;
    }

    /** True when the current sensor signals a current beyond its configured maximum (its ALERT). */
    public boolean currentAlert() {
        return currentAlert;
    }

    public void setCurrentAlert(boolean alert) {
        this.currentAlert = alert;
    }
}
