package org.pibms.control;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.StampedLock;
import org.pibms.core.ActiveFault;
import org.pibms.core.Balancing;
import org.pibms.core.Counters;
import org.pibms.core.FaultId;
import org.pibms.core.Measurement;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;
import org.pibms.core.SocCalibration;
import org.pibms.core.SocState;
import org.pibms.core.SnapshotSource;
import org.pibms.core.settings.ProtectionSettings;

/**
 * Hands the tick's results from the control thread to every reader without the control thread
 * allocating or ever waiting.
 *
 * <p>The control thread copies primitives into preallocated fields under a {@link StampedLock}
 * write stamp (a sequence lock). Readers take an optimistic stamp, build an immutable
 * {@link PackSnapshot} on their own thread, and retry if a tick was published meanwhile. The
 * readers never lock, so the writer never blocks; the snapshot of the current tick is built
 * once and shared.
 */
public final class SnapshotBuffer implements SnapshotSource {

    private final StampedLock lock = new StampedLock();
    private final boolean simulated;
    private final int capacity_mAh;
    private final List<String> temperatureNames;
    private final List<String> outputNames;

    // Written only by the control thread, inside a write stamp.
    private long sequence;
    private long time_ms;
    private PackState state = PackState.STARTING;
    private final int[] cellVoltage_mV;
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
    private double charge_mAs;
    private double minCellSoc_pct;
    private double maxCellSoc_pct;
    private double learnedCapacity_mAh;
    private int capacityLearnings;
    private double socUncertainty_pct;
    private double currentOffset_mA;
    private double discharged_mAh;
    private SocCalibration lastCalibration = SocCalibration.NONE;
    private long lastCalibrationAt_ms;
    private boolean anchored;
    private double anchorSoc_pct;
    private double countedSinceAnchor_mAs;
    private int anchorMinTemperature_dC;
    private int anchorMaxTemperature_dC;
    private final int[] temperature_dC;
    private final boolean[] temperatureValid;
    private boolean chargeMos;
    private int cvl_mV;
    private int ccl_mA;
    private int dcl_mA;
    private boolean floatCharging;
    private boolean dischargeMos;
    private boolean precharging;
    private int outputMask;
    private boolean chargeManualOff;
    private boolean dischargeManualOff;
    private boolean acc;
    private boolean accValid;
    private boolean lowPower;
    private Balancing.Command balancingCommand = Balancing.Command.AUTO;
    private Balancing.Activity balancingActivity = Balancing.Activity.BELOW_START;
    private final int[] balancingCurrent_mA;
    private final double[] balanced_mAh;
    private long faultMask;
    private long lockedOutMask;
    private long restoredMask;
    private final int[] faultSource = new int[FaultId.count()];
    private final int[] faultValue = new int[FaultId.count()];
    private final int[] faultThreshold = new int[FaultId.count()];
    private long latchedMask;
    private long starts;
    private ProtectionSettings protectionSettings;
    private final long[] trips = new long[FaultId.count()];

    private volatile PackSnapshot latest;

    public SnapshotBuffer(int cellCount, List<String> temperatureNames, List<String> outputNames, int capacity_mAh,
            boolean simulated) {
        this.simulated = simulated;
        this.capacity_mAh = capacity_mAh;
        this.temperatureNames = List.copyOf(temperatureNames);
        this.outputNames = List.copyOf(outputNames);
        this.cellVoltage_mV = new int[cellCount];
        this.balancingCurrent_mA = new int[cellCount];
        this.balanced_mAh = new double[cellCount];
        this.temperature_dC = new int[temperatureNames.size()];
        this.temperatureValid = new boolean[temperatureNames.size()];
    }

    /** Publishes one tick. Control thread only; allocates nothing. */
    void publish(long sequence, long time_ms, PackState state, Measurement m, SocEstimator soc,
            long lastCalibrationAt_ms, boolean chargeMos, boolean dischargeMos, boolean precharging, int outputMask, boolean chargeManualOff,
            boolean dischargeManualOff, boolean lowPower, Balancer balancer, Protection protection,
            ChargeLimits limits, long starts) {
        long stamp = lock.writeLock();
        try {
            this.sequence = sequence;
            this.time_ms = time_ms;
            this.state = state;
            for (int i = 0; i < cellVoltage_mV.length; i++) {
                cellVoltage_mV[i] = m.cellVoltage_mV(i);
            }
            this.cellVoltagesValid = m.cellVoltagesValid();
            this.packVoltage_mV = m.packVoltage_mV();
            this.packVoltageValid = m.packVoltageValid();
            this.loadVoltage_mV = m.loadVoltage_mV();
            this.loadVoltageValid = m.loadVoltageValid();
            this.shuntBusVoltage_mV = m.shuntBusVoltage_mV();
            this.shuntBusVoltageValid = m.shuntBusVoltageValid();
            this.current_mA = m.current_mA();
            this.currentValid = m.currentValid();
            this.soc_pct = soc.soc_pct();
            this.socValid = soc.initialised();
            this.charge_mAs = soc.charge_mAs();
            this.minCellSoc_pct = soc.minCellSoc_pct();
            this.maxCellSoc_pct = soc.maxCellSoc_pct();
            this.learnedCapacity_mAh = soc.capacity_mAh();
            this.capacityLearnings = soc.capacityLearnings();
            this.socUncertainty_pct = soc.uncertainty_pct();
            this.currentOffset_mA = soc.offset_mA();
            this.discharged_mAh = soc.discharged_mAh();
            this.lastCalibration = soc.lastCalibration();
            this.lastCalibrationAt_ms = lastCalibrationAt_ms;
            this.anchored = soc.anchored();
            this.anchorSoc_pct = soc.anchorSoc_pct();
            this.countedSinceAnchor_mAs = soc.countedSinceAnchor_mAs();
            this.anchorMinTemperature_dC = soc.anchorMinTemperature_dC();
            this.anchorMaxTemperature_dC = soc.anchorMaxTemperature_dC();
            for (int i = 0; i < temperature_dC.length; i++) {
                temperature_dC[i] = m.temperature_dC(i);
                temperatureValid[i] = m.temperatureValid(i);
            }
            this.chargeMos = chargeMos;
            this.dischargeMos = dischargeMos;
            this.cvl_mV = limits.cvl_mV();
            this.ccl_mA = limits.ccl_mA();
            this.dcl_mA = limits.dcl_mA();
            this.floatCharging = limits.phase() == ChargeLimits.Phase.FLOAT;
            this.precharging = precharging;
            this.outputMask = outputMask;
            this.chargeManualOff = chargeManualOff;
            this.dischargeManualOff = dischargeManualOff;
            this.acc = m.acc();
            this.accValid = m.accValid();
            this.lowPower = lowPower;
            this.balancingCommand = balancer.command();
            this.balancingActivity = balancer.activity();
            for (int i = 0; i < balancingCurrent_mA.length; i++) {
                balancingCurrent_mA[i] = balancer.current_mA(i);
                balanced_mAh[i] = balancer.balanced_mAh(i);
            }
            this.faultMask = protection.active();
            this.lockedOutMask = protection.lockedOut();
            this.restoredMask = protection.restored();
            for (int i = 0; i < faultSource.length; i++) {
                FaultId id = FaultId.byOrdinal(i);
                faultSource[i] = protection.tripSource(id);
                faultValue[i] = protection.tripValue(id);
                faultThreshold[i] = protection.threshold(id);
                trips[i] = protection.trips(id);
            }
            this.latchedMask = protection.persistent();
            this.starts = starts;
            this.protectionSettings = protection.settings();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public PackSnapshot latest() {
        while (true) {
            long stamp = lock.tryOptimisticRead();
            if (stamp == 0) {
                Thread.onSpinWait();
                continue;
            }
            PackSnapshot cached = latest;
            if (cached != null && cached.sequence() == sequence && lock.validate(stamp)) {
                return cached;
            }
            PackSnapshot copy = copy();
            if (lock.validate(stamp)) {
                latest = copy;
                return copy;
            }
        }
    }

    private PackSnapshot copy() {
        return PackSnapshot.builder()
                .sequence(sequence)
                .time_ms(time_ms)
                .state(state)
                .simulated(simulated)
                .cellVoltages_mV(cellVoltage_mV, cellVoltagesValid)
                .packVoltage_mV(packVoltage_mV, packVoltageValid)
                .loadVoltage_mV(loadVoltage_mV, loadVoltageValid)
                .shuntBusVoltage_mV(shuntBusVoltage_mV, shuntBusVoltageValid)
                .current_mA(current_mA, currentValid)
                .soc_pct(soc_pct, socValid)
                .capacity_mAh(capacity_mAh)
                .soc(socValid ? socState() : null)
                .temperatures(temperatureNames, temperature_dC, temperatureValid)
                .mos(chargeMos, dischargeMos)
                .chargeLimits(cvl_mV, ccl_mA, dcl_mA, floatCharging)
                .precharging(precharging)
                .manualOff(chargeManualOff, dischargeManualOff)
                .outputs(outputNames, outputStates())
                .acc(acc, accValid)
                .lowPower(lowPower)
                .balancing(balancing())
                .faults(faults())
                .latched(FaultId.fromMask(latchedMask))
                .counters(counters())
                .protection(protectionSettings)
                .build();
    }

    private Counters counters() {
        Map<FaultId, Long> counts = new EnumMap<>(FaultId.class);
        for (int i = 0; i < trips.length; i++) {
            counts.put(FaultId.byOrdinal(i), trips[i]);
        }
        return new Counters(starts, counts);
    }

    private SocState socState() {
        return new SocState(time_ms, charge_mAs, soc_pct, minCellSoc_pct, maxCellSoc_pct, learnedCapacity_mAh,
                capacityLearnings,
                socUncertainty_pct, currentOffset_mA, discharged_mAh, lastCalibration, lastCalibrationAt_ms,
                anchored ? new SocState.Anchor(anchorSoc_pct, countedSinceAnchor_mAs, anchorMinTemperature_dC,
                        anchorMaxTemperature_dC) : null);
    }

    private Balancing.State balancing() {
        List<Integer> currents = new ArrayList<>(balancingCurrent_mA.length);
        List<Double> bled = new ArrayList<>(balanced_mAh.length);
        for (int i = 0; i < balancingCurrent_mA.length; i++) {
            currents.add(balancingCurrent_mA[i]);
            bled.add(balanced_mAh[i]);
        }
        return new Balancing.State(balancingCommand, balancingActivity, currents, bled);
    }

    private boolean[] outputStates() {
        boolean[] on = new boolean[outputNames.size()];
        for (int i = 0; i < on.length; i++) {
            on[i] = (outputMask & (1 << i)) != 0;
        }
        return on;
    }

    private List<ActiveFault> faults() {
        List<ActiveFault> faults = new ArrayList<>();
        for (FaultId id : FaultId.fromMask(faultMask)) {
            int i = id.ordinal();
            faults.add(new ActiveFault(id, (lockedOutMask & id.bit()) != 0 ? ActiveFault.State.LOCKED_OUT
                    : ActiveFault.State.ACTIVE, (restoredMask & id.bit()) != 0 ? ActiveFault.LATCHED_BEFORE_RESTART
                            : ActiveFault.sourceName(id.quantity().source(), faultSource[i], temperatureNames),
                    faultValue[i], faultThreshold[i]));
        }
        return faults;
    }
}
