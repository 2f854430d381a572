package org.pibms.core;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.pibms.core.settings.ProtectionSettings;

/**
 * An immutable picture of the pack at the end of one control tick: what the control socket,
 * the protocols and the web page show. Cells and sensors are indexed from 0; user-facing
 * numbers are 1-based.
 */
public final class PackSnapshot {

    private final long sequence;
    private final long time_ms;
    private final PackState state;
    private final boolean simulated;
    private final int[] cellVoltage_mV;
    private final boolean cellVoltagesValid;
    private final int packVoltage_mV;
    private final boolean packVoltageValid;
    private final int loadVoltage_mV;
    private final boolean loadVoltageValid;
    private final int shuntBusVoltage_mV;
    private final boolean shuntBusVoltageValid;
    private final int current_mA;
    private final boolean currentValid;
    private final double soc_pct;
    private final boolean socValid;
    private final int capacity_mAh;
    private final SocState soc;
    private final List<String> temperatureNames;
    private final int[] temperature_dC;
    private final boolean[] temperatureValid;
    private final boolean chargeMos;
    private final boolean dischargeMos;
    private final int cvl_mV;
    private final int ccl_mA;
    private final int dcl_mA;
    private final boolean floatCharging;
    private final boolean precharging;
    private final boolean chargeManualOff;
    private final boolean dischargeManualOff;
    private final List<String> outputNames;
    private final boolean[] outputOn;
    private final boolean acc;
    private final boolean accValid;
    private final boolean lowPower;
    private final Balancing.State balancing;
    private final List<ActiveFault> faults;
    private final Set<FaultId> latched;
    private final Counters counters;
    private final ProtectionSettings protection;

    private PackSnapshot(Builder b) {
        this.sequence = b.sequence;
        this.time_ms = b.time_ms;
        this.state = b.state;
        this.simulated = b.simulated;
        this.cellVoltage_mV = b.cellVoltage_mV.clone();
        this.cellVoltagesValid = b.cellVoltagesValid;
        this.packVoltage_mV = b.packVoltage_mV;
        this.packVoltageValid = b.packVoltageValid;
        this.loadVoltage_mV = b.loadVoltage_mV;
        this.loadVoltageValid = b.loadVoltageValid;
        this.shuntBusVoltage_mV = b.shuntBusVoltage_mV;
        this.shuntBusVoltageValid = b.shuntBusVoltageValid;
        this.current_mA = b.current_mA;
        this.currentValid = b.currentValid;
        this.soc_pct = b.soc_pct;
        this.socValid = b.socValid;
        this.capacity_mAh = b.capacity_mAh;
        this.soc = b.soc;
        this.temperatureNames = List.copyOf(b.temperatureNames);
        this.temperature_dC = b.temperature_dC.clone();
        this.temperatureValid = b.temperatureValid.clone();
        if (temperature_dC.length != temperatureNames.size() || temperatureValid.length != temperatureNames.size()) {
            throw new IllegalArgumentException("one temperature and one validity flag per sensor name");
        }
        this.chargeMos = b.chargeMos;
        this.dischargeMos = b.dischargeMos;
        this.cvl_mV = b.cvl_mV;
        this.ccl_mA = b.ccl_mA;
        this.dcl_mA = b.dcl_mA;
        this.floatCharging = b.floatCharging;
        this.precharging = b.precharging;
        this.chargeManualOff = b.chargeManualOff;
        this.dischargeManualOff = b.dischargeManualOff;
        this.outputNames = List.copyOf(b.outputNames);
        this.outputOn = b.outputOn.clone();
        if (outputOn.length != outputNames.size()) {
            throw new IllegalArgumentException("one state per output name");
        }
        this.acc = b.acc;
        this.accValid = b.accValid;
        this.lowPower = b.lowPower;
        this.balancing = b.balancing != null ? b.balancing : Balancing.State.idle(b.cellVoltage_mV.length);
        this.faults = List.copyOf(b.faults);
        this.latched = b.latched.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(b.latched));
        this.counters = b.counters;
        this.protection = b.protection;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Number of the control tick that produced this snapshot; 0 before the first tick. */
    public long sequence() {
        return sequence;
    }

    /** Wall-clock time of the tick (simulated time when the pack is simulated). */
    public long time_ms() {
        return time_ms;
    }

    public PackState state() {
        return state;
    }

    public boolean simulated() {
        return simulated;
    }

    public int cellCount() {
        return cellVoltage_mV.length;
    }

    /** Voltage of a cell, index 0 = cell 1. */
    public int cellVoltage_mV(int cell) {
        return cellVoltage_mV[cell];
    }

    public int[] cellVoltages_mV() {
        return cellVoltage_mV.clone();
    }

    public boolean cellVoltagesValid() {
        return cellVoltagesValid;
    }

    /** Index of the lowest cell (the first one on a tie). */
    public int minCell() {
        int min = 0;
        for (int i = 1; i < cellVoltage_mV.length; i++) {
            if (cellVoltage_mV[i] < cellVoltage_mV[min]) {
                min = i;
            }
        }
        return min;
    }

    /** Index of the highest cell (the first one on a tie). */
    public int maxCell() {
        int max = 0;
        for (int i = 1; i < cellVoltage_mV.length; i++) {
            if (cellVoltage_mV[i] > cellVoltage_mV[max]) {
                max = i;
            }
        }
        return max;
    }

    public int cellDelta_mV() {
        return cellVoltage_mV[maxCell()] - cellVoltage_mV[minCell()];
    }

    public int packVoltage_mV() {
        return packVoltage_mV;
    }

    public boolean packVoltageValid() {
        return packVoltageValid;
    }

    public int loadVoltage_mV() {
        return loadVoltage_mV;
    }

    public boolean loadVoltageValid() {
        return loadVoltageValid;
    }

    /** The current sensor's own bus voltage reading. */
    public int shuntBusVoltage_mV() {
        return shuntBusVoltage_mV;
    }

    public boolean shuntBusVoltageValid() {
        return shuntBusVoltageValid;
    }

    /** Pack current, charge positive. */
    public int current_mA() {
        return current_mA;
    }

    public boolean currentValid() {
        return currentValid;
    }

    public double soc_pct() {
        return soc_pct;
    }

    /** False until the SOC has been initialised from a first valid cell reading. */
    public boolean socValid() {
        return socValid;
    }

    public int capacity_mAh() {
        return capacity_mAh;
    }

    /**
     * The estimator's whole state (as the state store keeps it); null until the SOC is valid or
     * where a snapshot was read back without it.
     */
    public SocState soc() {
        return soc;
    }

    /** The learned capacity against the nameplate, at most 100 %; NaN without an estimator state. */
    public double soh_pct() {
        return soc == null ? Double.NaN : Math.min(100, 100 * soc.capacity_mAh() / capacity_mAh);
    }

    /** Equivalent full cycles: the charge ever discharged over the nameplate; NaN without an estimator state. */
    public double cycles() {
        return soc == null ? Double.NaN : soc.discharged_mAh() / capacity_mAh;
    }

    public List<String> temperatureNames() {
        return temperatureNames;
    }

    public int temperature_dC(int sensor) {
        return temperature_dC[sensor];
    }

    public boolean temperatureValid(int sensor) {
        return temperatureValid[sensor];
    }

    public boolean chargeMos() {
        return chargeMos;
    }

    public boolean dischargeMos() {
        return dischargeMos;
    }

    /** Charge voltage limit for an inverter: cells × the bulk or float voltage. */
    public int cvl_mV() {
        return cvl_mV;
    }

    /** Charge current limit for an inverter, 0 when charging must not happen. */
    public int ccl_mA() {
        return ccl_mA;
    }

    /** Discharge current limit for an inverter, positive; 0 when discharging must not happen. */
    public int dcl_mA() {
        return dcl_mA;
    }

    /** True after absorption, while CVL is the float voltage. */
    public boolean floatCharging() {
        return floatCharging;
    }

    /** True while the load is being pre-charged before the discharge MOS closes. */
    public boolean precharging() {
        return precharging;
    }

    /** True while a manual {@code pibms mos charge off} holds the charge MOS open. */
    public boolean chargeManualOff() {
        return chargeManualOff;
    }

    public boolean dischargeManualOff() {
        return dischargeManualOff;
    }

    /** The configured digital outputs, in config order. */
    public List<String> outputNames() {
        return outputNames;
    }

    /** Whether output i's function is on (before its active level is applied). */
    public boolean outputOn(int output) {
        return outputOn[output];
    }

    /** True while the ACC input is active; meaningful only when {@link #accValid()}. */
    public boolean acc() {
        return acc;
    }

    /** False when ACC is not wired or could not be read. */
    public boolean accValid() {
        return accValid;
    }

    /** True while the BMS is in its low-power mode. */
    public boolean lowPower() {
        return lowPower;
    }

    /** Bit i set = cell i (index 0 = cell 1) is bleeding. */
    public long balancingMask() {
        return balancing.mask();
    }

    /** What the balancer does, each cell's bleed current and what each has bled. */
    public Balancing.State balancing() {
        return balancing;
    }

    /** What each cell has bled through its balance resistor, cell 1 first. */
    public List<Double> balanced_mAh() {
        return balancing.balanced_mAh();
    }

    /** The active faults whose recovery is persistent: what a restart must remember. */
    public Set<FaultId> latched() {
        return latched;
    }

    /** The lifetime counters: starts and trips per fault. */
    public Counters counters() {
        return counters;
    }

    /**
     * The protection limits in force at this tick: the config's, with any run-time change; null
     * where a snapshot was built without them.
     */
    public ProtectionSettings protection() {
        return protection;
    }

    /** The active faults, warnings and alarms, in table order. */
    public List<ActiveFault> faults() {
        return faults;
    }

    /** The ids of the active faults. */
    public Set<FaultId> faultIds() {
        EnumSet<FaultId> ids = EnumSet.noneOf(FaultId.class);
        for (ActiveFault fault : faults) {
            ids.add(fault.id());
        }
        return ids;
    }

    /** Fills every field; the builder starts as an empty 0-cell snapshot. */
    public static final class Builder {
        private long sequence;
        private long time_ms;
        private PackState state = PackState.STARTING;
        private boolean simulated;
        private int[] cellVoltage_mV = new int[0];
        private boolean cellVoltagesValid;
        private int packVoltage_mV;
        private boolean packVoltageValid;
        private int loadVoltage_mV;
        private boolean loadVoltageValid;
        private int shuntBusVoltage_mV;
        private boolean shuntBusVoltageValid;
        private int current_mA;
        private boolean currentValid;
        private double soc_pct;
        private boolean socValid;
        private int capacity_mAh;
        private SocState soc;
        private List<String> temperatureNames = List.of();
        private int[] temperature_dC = new int[0];
        private boolean[] temperatureValid = new boolean[0];
        private boolean chargeMos;
        private boolean dischargeMos;
        private int cvl_mV;
        private int ccl_mA;
        private int dcl_mA;
        private boolean floatCharging;
        private boolean precharging;
        private boolean chargeManualOff;
        private boolean dischargeManualOff;
        private List<String> outputNames = List.of();
        private boolean[] outputOn = new boolean[0];
        private boolean acc;
        private boolean accValid;
        private boolean lowPower;
        private Balancing.State balancing;
        private List<ActiveFault> faults = List.of();
        private Set<FaultId> latched = Set.of();
        private Counters counters = Counters.NONE;
        private ProtectionSettings protection;

        private Builder() {
        }

        public Builder protection(ProtectionSettings protection) {
            this.protection = protection;
            return this;
        }

        public Builder latched(Set<FaultId> latched) {
            this.latched = latched;
            return this;
        }

        public Builder counters(Counters counters) {
            this.counters = counters;
            return this;
        }

        public Builder sequence(long sequence) {
            this.sequence = sequence;
            return this;
        }

        public Builder time_ms(long time_ms) {
            this.time_ms = time_ms;
            return this;
        }

        public Builder state(PackState state) {
            this.state = state;
            return this;
        }

        public Builder simulated(boolean simulated) {
            this.simulated = simulated;
            return this;
        }

        public Builder cellVoltages_mV(int[] cellVoltage_mV, boolean valid) {
            this.cellVoltage_mV = cellVoltage_mV;
            this.cellVoltagesValid = valid;
            return this;
        }

        public Builder packVoltage_mV(int packVoltage_mV, boolean valid) {
            this.packVoltage_mV = packVoltage_mV;
            this.packVoltageValid = valid;
            return this;
        }

        public Builder loadVoltage_mV(int loadVoltage_mV, boolean valid) {
            this.loadVoltage_mV = loadVoltage_mV;
            this.loadVoltageValid = valid;
            return this;
        }

        public Builder shuntBusVoltage_mV(int shuntBusVoltage_mV, boolean valid) {
            this.shuntBusVoltage_mV = shuntBusVoltage_mV;
            this.shuntBusVoltageValid = valid;
            return this;
        }

        public Builder current_mA(int current_mA, boolean valid) {
            this.current_mA = current_mA;
            this.currentValid = valid;
            return this;
        }

        public Builder soc_pct(double soc_pct, boolean valid) {
            this.soc_pct = soc_pct;
            this.socValid = valid;
            return this;
        }

        public Builder capacity_mAh(int capacity_mAh) {
            this.capacity_mAh = capacity_mAh;
            return this;
        }

        public Builder soc(SocState soc) {
            this.soc = soc;
            return this;
        }

        public Builder temperatures(List<String> names, int[] temperature_dC, boolean[] valid) {
            this.temperatureNames = names;
            this.temperature_dC = temperature_dC;
            this.temperatureValid = valid;
            return this;
        }

        public Builder mos(boolean chargeMos, boolean dischargeMos) {
            this.chargeMos = chargeMos;
            this.dischargeMos = dischargeMos;
            return this;
        }

        public Builder chargeLimits(int cvl_mV, int ccl_mA, int dcl_mA, boolean floatCharging) {
            this.cvl_mV = cvl_mV;
            this.ccl_mA = ccl_mA;
            this.dcl_mA = dcl_mA;
            this.floatCharging = floatCharging;
            return this;
        }

        public Builder balancing(Balancing.State balancing) {
            this.balancing = balancing;
            return this;
        }

        public Builder faults(List<ActiveFault> faults) {
            this.faults = faults;
            return this;
        }

        public Builder precharging(boolean precharging) {
            this.precharging = precharging;
            return this;
        }

        public Builder manualOff(boolean charge, boolean discharge) {
            this.chargeManualOff = charge;
            this.dischargeManualOff = discharge;
            return this;
        }

        public Builder outputs(List<String> names, boolean[] on) {
            this.outputNames = names;
            this.outputOn = on;
            return this;
        }

        public Builder acc(boolean active, boolean valid) {
            this.acc = active;
            this.accValid = valid;
            return this;
        }

        public Builder lowPower(boolean lowPower) {
            this.lowPower = lowPower;
            return this;
        }

        public PackSnapshot build() {
            return new PackSnapshot(this);
        }
    }
}
