package org.pibms.sim;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.pibms.core.Clock;
import org.pibms.core.OcvCurve;
import org.pibms.core.settings.PackSettings;
import org.pibms.core.settings.SensorLocation;
import org.pibms.core.settings.SimulationSettings;
import org.pibms.core.settings.TemperatureSensorSettings;

/**
 * The simulated battery: N {@link SimulatedCell}s in series, the external load or charger the
 * user sets, the two MOSFETs with the hardware short-circuit latch, the load's input
 * capacitance with its pre-charge and bleed resistors, a balance resistor behind a switch on
 * every cell, and a thermal model of the cells, the MOSFETs and the balance resistors.
 *
 * <p>{@link #advance()} brings the physics to the clock's present time, so they follow simulated
 * time at any speed; the simulated sensors call it before they read, and every change made to
 * the model first advances it under the old conditions. The getters only report. Current flows only where the MOSFETs let it: a
 * charge current needs the charge MOS, a discharge current the discharge MOS (each has a body
 * diode for the other direction). While the short-circuit latch is set, neither conducts.
 *
 * <p>The load side is a capacitor: the MOSFETs tie it to the pack, the pre-charge resistor
 * charges it towards the pack, and the bleed resistor empties it while nothing else holds it.
 *
 * <p>"Forced" readings replace what a sensor reports, not the physics behind it, which is how a
 * broken wire or a drifting sensor looks to a BMS.
 */
public final class PackModel {

    /** Heat capacity of the cells per Ah of cell capacity (about 1 kJ/(kg·K) at 20 g/Ah). */
    private static final double CELL_HEAT_CAPACITY_JperKAh = 20;
    /** Thermal resistance of a 16S 100 Ah pack to ambient; scales inversely with pack size. */
    private static final double PACK_RESISTANCE_KperW_AT_1600_Ah = 0.1;
    private static final double MOS_HEAT_CAPACITY_JperK = 150;
    private static final double MOS_RESISTANCE_KperW = 0.5;
    private static final double BALANCE_HEAT_CAPACITY_JperK = 20;
    private static final double BALANCE_RESISTANCE_KperW = 5;
    private static final double SENSOR_OFFSET_SIGMA_C = 0.3;
    private static final double SECONDS_PER_MONTH = 30 * 86_400.0;

    private final Clock clock;
    private final SimulatedCell[] cells;
    private final ThermalNode cellBlock;
    private final ThermalNode mos;
    private final ThermalNode balanceResistors;
    private final double mosResistance_ohm;
    private final double balanceResistor_ohm;
    private final double prechargeTau_s;
    private final double bleedTau_s;
    private final boolean[] bleeding;
    private final SensorLocation[] sensorLocations;
    private final double[] sensorOffset_C;

    private final boolean[] cellForced;
    private final int[] forcedCell_mV;
    private final boolean[] temperatureForced;
    private final int[] forcedTemperature_dC;

    private double ambient_C;
    private double demand_A;
    private boolean chargeGate;
    private boolean dischargeGate;
    private boolean shortCircuit;
    /** The gates, unless the short-circuit latch holds both MOS off. */
    private boolean chargePath;
    private boolean dischargePath;
    private boolean precharge;
    private boolean loadShorted;
    /** The load capacitor's voltage, while nothing ties it to the pack or to 0. */
    private double load_mV;
    private double current_A;
    private long time_ns;
    private long bleedUntil_ns = Long.MAX_VALUE;

    private PackModel(Clock clock, SimulatedCell[] cells, ThermalNode cellBlock, ThermalNode mos,
            ThermalNode balanceResistors, double mosResistance_ohm, double balanceResistor_ohm,
            SimulationSettings.Load load, SensorLocation[] sensorLocations, double[] sensorOffset_C, double ambient_C) {
        this.clock = clock;
        this.cells = cells;
        this.cellBlock = cellBlock;
        this.mos = mos;
        this.balanceResistors = balanceResistors;
        this.mosResistance_ohm = mosResistance_ohm;
        this.balanceResistor_ohm = balanceResistor_ohm;
        this.prechargeTau_s = load.prechargeTau_s();
        this.bleedTau_s = load.bleedTau_s();
        this.bleeding = new boolean[cells.length];
        this.sensorLocations = sensorLocations;
        this.sensorOffset_C = sensorOffset_C;
        this.ambient_C = ambient_C;
        this.cellForced = new boolean[cells.length];
        this.forcedCell_mV = new int[cells.length];
        this.temperatureForced = new boolean[sensorLocations.length];
        this.forcedTemperature_dC = new int[sensorLocations.length];
        this.time_ns = clock.nanoTime();
    }

    /**
     * Builds a pack whose cells spread around the configured means, drawn from the configured
     * seed; each cell has a balance resistor of {@code balanceResistor_ohm} behind its switch.
     */
    public static PackModel create(PackSettings pack, SimulationSettings sim, List<TemperatureSensorSettings> sensors,
            double balanceResistor_ohm, Clock clock) {
        SplittableRandom random = new SplittableRandom(sim.seed());
        OcvCurve ocv = OcvCurve.defaultFor(pack.chemistry());
        SimulationSettings.SimulatedCells c = sim.cells();
        double capacity_As = pack.capacity_mAh() * 3.6;
        SimulatedCell[] cells = new SimulatedCell[pack.cellCount()];
        for (int i = 0; i < cells.length; i++) {
            double cellCapacity_As = capacity_As * Math.max(0.5, 1 + c.capacitySpread_pct() / 100 * random.nextGaussian());
            double soc = Math.max(0, Math.min(100, sim.initialSoc_pct() + c.socSpread_pct() * random.nextGaussian()));
            double resistanceFactor = Math.max(0.2, 1 + c.resistanceSpread_pct() / 100 * random.nextGaussian());
            double leakFactor = Math.max(0, 1 + 0.5 * random.nextGaussian());
            double selfDischarge_A = c.selfDischarge_pctPerMonth() / 100 * cellCapacity_As / SECONDS_PER_MONTH * leakFactor;
            cells[i] = new SimulatedCell(ocv, cellCapacity_As, soc, c.r0_mOhm() / 1000 * resistanceFactor,
                    c.r1_mOhm() / 1000 * resistanceFactor, c.tau1_s(), selfDischarge_A, c.hysteresis_mV());
        }
        double ambient_C = sim.ambient_dC() / 10.0;
        double packAh = pack.capacity_mAh() / 1000.0 * pack.cellCount();
        ThermalNode cellBlock = new ThermalNode(CELL_HEAT_CAPACITY_JperKAh * packAh,
                PACK_RESISTANCE_KperW_AT_1600_Ah * Math.pow(1600 / packAh, 2.0 / 3.0), ambient_C);
        ThermalNode mos = new ThermalNode(MOS_HEAT_CAPACITY_JperK, MOS_RESISTANCE_KperW, ambient_C);
        ThermalNode balance = new ThermalNode(BALANCE_HEAT_CAPACITY_JperK, BALANCE_RESISTANCE_KperW, ambient_C);
        SensorLocation[] locations = new SensorLocation[sensors.size()];
        double[] offsets = new double[sensors.size()];
        for (int i = 0; i < locations.length; i++) {
            locations[i] = sensors.get(i).location();
            offsets[i] = SENSOR_OFFSET_SIGMA_C * random.nextGaussian();
        }
        return new PackModel(clock, cells, cellBlock, mos, balance, sim.mosResistance_mOhm() / 1000,
                balanceResistor_ohm, sim.load(), locations, offsets, ambient_C);
    }

    /** Runs the physics up to the clock's present time. */
    public void advance() {
        long now_ns = clock.nanoTime();
        if (now_ns <= time_ns) {
            return;
        }
        if (bleedUntil_ns < now_ns) {
            if (bleedUntil_ns > time_ns) {
                step(bleedUntil_ns);
            }
            Arrays.fill(bleeding, false);
            bleedUntil_ns = Long.MAX_VALUE;
        }
        step(now_ns);
    }

    private void step(long until_ns) {
        double dt_s = (until_ns - time_ns) / 1e9;
        time_ns = until_ns;
        double temperature_C = cellBlock.temperature_C();
        double cellHeat_W = 0;
        double bleedHeat_W = 0;
        for (int i = 0; i < cells.length; i++) {
            double bleed_A = bleeding[i] ? cells[i].terminalVoltage_mV(current_A, temperature_C) / 1000 / balanceResistor_ohm : 0;
            cellHeat_W += cells[i].step(current_A, bleed_A, dt_s, temperature_C);
            bleedHeat_W += bleed_A * bleed_A * balanceResistor_ohm;
        }
        cellBlock.step(cellHeat_W, ambient_C, dt_s);
        mos.step(current_A * current_A * mosResistance_ohm, ambient_C, dt_s);
        balanceResistors.step(bleedHeat_W, ambient_C, dt_s);
        stepLoad(dt_s);
    }

    /** The load capacitor over one step; each is exact for its length, as nothing changes within it. */
    private void stepLoad(double dt_s) {
        if (loadShorted || shortCircuit) {
            load_mV = 0;
        } else if (loadHeld()) {
            load_mV = packVoltage_mV();
        } else if (precharge) {
            double pack_mV = packVoltage_mV();
            load_mV = pack_mV + (load_mV - pack_mV) * Math.exp(-dt_s / prechargeTau_s);
        } else {
            load_mV *= Math.exp(-dt_s / bleedTau_s);
        }
    }

    /**
     * True while the pack holds the load at its own voltage: through the discharge MOS, or through
     * the charge MOS while a charger pushes current in (it then holds the bus itself).
     */
    private boolean loadHeld() {
        return dischargePath || (chargePath && demand_A > 0);
    }

    /** The current the external load or charger asks for, charge positive. */
    public void setExternalCurrent_A(double demand_A) {
        advanceAndPinLoad();
        this.demand_A = demand_A;
        current_A = flowingCurrent_A();
    }

    /** The gate lines of the MOSFETs; they conduct unless the short-circuit latch holds them off. */
    public void setMosfets(boolean chargeOn, boolean dischargeOn) {
        advanceAndPinLoad();
        this.chargeGate = chargeOn;
        this.dischargeGate = dischargeOn;
        updatePaths();
    }

    /**
     * Sets or releases the hardware short-circuit latch. While set, both current paths are cut
     * whatever the gate lines say: its comparator pulls the gate drivers down by itself. Released,
     * the paths follow the gate lines again.
     */
    public void setShortCircuit(boolean latched) {
        advanceAndPinLoad();
        this.shortCircuit = latched;
        updatePaths();
    }

    public boolean shortCircuit() {
        return shortCircuit;
    }

    /** Switches the pre-charge resistor between the pack and the load on or off. */
    public void setPrecharge(boolean on) {
        advance();
        this.precharge = on;
    }

    public boolean precharge() {
        return precharge;
    }

    /** Shorts the load side: its voltage stays 0, so a pre-charge never finishes. */
    public void setLoadShorted(boolean shorted) {
        advance();
        this.loadShorted = shorted;
    }

    public boolean loadShorted() {
        return loadShorted;
    }

    private void updatePaths() {
        chargePath = chargeGate && !shortCircuit;
        dischargePath = dischargeGate && !shortCircuit;
        current_A = flowingCurrent_A();
    }

    /**
     * Advances, then leaves the load capacitor at the voltage the load has now, so that a change
     * that lets go of it starts from there even when no time has passed since it was tied.
     */
    private void advanceAndPinLoad() {
        advance();
        load_mV = loadVoltage_mV();
    }

    /**
     * The balance switches open by themselves at this time unless renewed: the chip's watchdog
     * or discharge timer, which runs even when nobody talks to the chip.
     */
    public void setBleedingDeadline(long deadline_ns) {
        advance();
        bleedUntil_ns = deadline_ns;
    }

    /** Closes or opens cell {@code cell}'s balance switch (index 0 = cell 1). */
    public void setBleeding(int cell, boolean on) {
        if (bleeding[cell] != on) {
            advance();
            bleeding[cell] = on;
        }
    }

    public boolean bleeding(int cell) {
        return bleeding[cell];
    }

    public double balanceTemperature_C() {
        return balanceResistors.temperature_C();
    }

    public void setAmbient_C(double ambient_C) {
        advance();
        this.ambient_C = ambient_C;
    }

    /** The current flowing through the pack now, charge positive: the demand, where the MOSFETs let it. */
    public double current_A() {
        return current_A;
    }

    public int cellCount() {
        return cells.length;
    }

    /** True voltage at a cell's terminals (index 0 = cell 1). */
    public double cellVoltage_mV(int cell) {
        return cells[cell].terminalVoltage_mV(current_A, cellBlock.temperature_C());
    }

    public double cellSoc_pct(int cell) {
        return cells[cell].soc_pct();
    }

    /**
     * Sets cell {@code cell}'s state of charge (index 0 = cell 1), as a bench or a test sets up an
     * imbalance; the physics first run up to now under the old charge.
     */
    public void setCellSoc(int cell, double soc_pct) {
        advance();
        cells[cell].setSoc(soc_pct);
    }

    public double cellCapacity_As(int cell) {
        return cells[cell].capacity_As();
    }

    public double cellCharge_As(int cell) {
        return cells[cell].charge_As();
    }

    /** Voltage across the battery terminals: the sum of the true cell voltages. */
    public double packVoltage_mV() {
        double sum = 0;
        double temperature_C = cellBlock.temperature_C();
        for (SimulatedCell cell : cells) {
            sum += cell.terminalVoltage_mV(current_A, temperature_C);
        }
        return sum;
    }

    /**
     * Load-side voltage: the pack's while the pack holds the load, 0 while the load is shorted,
     * otherwise the capacitor's as the pre-charge or bleed resistor leaves it.
     */
    public double loadVoltage_mV() {
        if (loadShorted || shortCircuit) {
            return 0;
        }
        return loadHeld() ? packVoltage_mV() : load_mV;
    }

    public double cellTemperature_C() {
        return cellBlock.temperature_C();
    }

    public double mosTemperature_C() {
        return mos.temperature_C();
    }

    /** True temperature at a configured sensor's spot, including its small mounting offset. */
    public double sensorTemperature_C(int sensor) {
        double node = switch (sensorLocations[sensor]) {
            case CELL -> cellBlock.temperature_C();
            case MOS -> mos.temperature_C();
            case BALANCE -> balanceResistors.temperature_C();
            case AMBIENT -> ambient_C;
        };
        return node + sensorOffset_C[sensor];
    }

    public int temperatureSensorCount() {
        return sensorLocations.length;
    }

    public void forceCellVoltage(int cell, int voltage_mV) {
        cellForced[cell] = true;
        forcedCell_mV[cell] = voltage_mV;
    }

    public void releaseCellVoltage(int cell) {
        cellForced[cell] = false;
    }

    public boolean cellForced(int cell) {
        return cellForced[cell];
    }

    public int forcedCellVoltage_mV(int cell) {
        return forcedCell_mV[cell];
    }

    public void forceTemperature(int sensor, int temperature_dC) {
        temperatureForced[sensor] = true;
        forcedTemperature_dC[sensor] = temperature_dC;
    }

    public void releaseTemperature(int sensor) {
        temperatureForced[sensor] = false;
    }

    public boolean temperatureForced(int sensor) {
        return temperatureForced[sensor];
    }

    public int forcedTemperature_dC(int sensor) {
        return forcedTemperature_dC[sensor];
    }

    private double flowingCurrent_A() {
        if (demand_A > 0) {
            return chargePath ? demand_A : 0;
        }
        if (demand_A < 0) {
            return dischargePath ? demand_A : 0;
        }
        return 0;
    }
}
