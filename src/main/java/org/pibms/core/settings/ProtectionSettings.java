package org.pibms.core.settings;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.pibms.core.Chemistry;
import org.pibms.core.FaultId;
import org.pibms.core.Recovery;
import org.pibms.core.Unit;

/**
 * The levels of the protection table ({@link FaultId}): one {@link Limit} per fault, in the
 * fault's base unit, plus the MOSFETs' pulse-current budget. The defaults per chemistry are the
 * consensus of open and commercial BMSs; docs/protection.md lists them with their sources.
 * {@link ProtectionRules} says which values are allowed.
 */
public record ProtectionSettings(Map<FaultId, Limit> limits, PulseBudget pulse) {

    /** The pack a protection table is for: the defaults and allowed ranges follow from it. */
    public record Pack(Chemistry chemistry, int cells, int capacity_mAh, int currentSensorMax_mA) {
    }

    /**
     * One row's levels.
     *
     * @param enabled         false only for the optional rows ({@link FaultId#optional()})
     * @param trip            the level, in the fault's base unit; unused for yes/no faults
     * @param recover         the recovery level (automatic recovery only)
     * @param delay_ms        how long the trip condition must hold
     * @param recoverDelay_ms how long the recovery condition must hold (automatic recovery only)
     * @param recovery        the table's recovery or a stricter one
     * @param retry           for {@link Recovery#RETRY}: when to try again and when to give up
     */
    public record Limit(boolean enabled, int trip, int recover, int delay_ms, int recoverDelay_ms, Recovery recovery,
            Retry retry) {

        public Limit withTrip(int value) {
            return new Limit(enabled, value, recover, delay_ms, recoverDelay_ms, recovery, retry);
        }

        public Limit withRecover(int value) {
            return new Limit(enabled, trip, value, delay_ms, recoverDelay_ms, recovery, retry);
        }

        public Limit withDelay_ms(int value) {
            return new Limit(enabled, trip, recover, value, recoverDelay_ms, recovery, retry);
        }

        public Limit withRecoverDelay_ms(int value) {
            return new Limit(enabled, trip, recover, delay_ms, value, recovery, retry);
        }

        public Limit withEnabled(boolean value) {
            return new Limit(value, trip, recover, delay_ms, recoverDelay_ms, recovery, retry);
        }

        public Limit withRecovery(Recovery value) {
            return new Limit(enabled, trip, recover, delay_ms, recoverDelay_ms, value, retry);
        }

        public Limit withRetry(Retry value) {
            return new Limit(enabled, trip, recover, delay_ms, recoverDelay_ms, recovery, value);
        }
    }

    /**
     * Timed retry: the fault clears {@code retry_ms} after it tripped; the
     * ({@code maxRetries}+1)-th trip within {@code window_ms} of the first locks it out until a
     * manual reset.
     */
    public record Retry(int retry_ms, int maxRetries, int window_ms) {
    }

    /**
     * The MOSFETs' heat budget: they carry {@code rated_mA} for ever and {@code pulse_mA} for
     * {@code pulse_ms}. Current above the rating fills the budget as (I² − rated²)·t; current
     * below it drains the budget at the same rate.
     */
    public record PulseBudget(int rated_mA, int pulse_mA, int pulse_ms) {

        /** The full budget in A²·ms: what {@code pulse_mA} for {@code pulse_ms} uses up. */
        public double budget_A2ms() {
            double rated_A = rated_mA / 1000.0;
            double pulse_A = pulse_mA / 1000.0;
            return (pulse_A * pulse_A - rated_A * rated_A) * pulse_ms;
        }
    }

    public ProtectionSettings {
        EnumMap<FaultId, Limit> copy = new EnumMap<>(FaultId.class);
        copy.putAll(limits);
        for (FaultId id : FaultId.values()) {
            if (!copy.containsKey(id)) {
                throw new IllegalArgumentException("no limit for " + id.id());
            }
        }
        limits = Collections.unmodifiableMap(copy);
    }

    public Limit limit(FaultId id) {
        return limits.get(id);
    }

    /** These settings with one row replaced. */
    public ProtectionSettings with(FaultId id, Limit limit) {
        EnumMap<FaultId, Limit> copy = new EnumMap<>(limits);
        copy.put(id, limit);
        return new ProtectionSettings(copy, pulse);
    }

    public ProtectionSettings withPulse(PulseBudget value) {
        return new ProtectionSettings(limits, value);
    }

    /** The default table for a pack. */
    public static ProtectionSettings defaultsFor(Pack pack) {
        boolean lfp = pack.chemistry() == Chemistry.LFP;
        int n = pack.cells();
        int oneC_mA = pack.capacity_mAh();
        int sensorCap_mA = pack.currentSensorMax_mA() / 100 * 95;
        EnumMap<FaultId, Limit> t = new EnumMap<>(FaultId.class);
        t.put(FaultId.CELL_OVERVOLTAGE_WARNING, auto(lfp ? 3550 : 4150, lfp ? 3450 : 4100, 1000, 1000));
        t.put(FaultId.CELL_OVERVOLTAGE, auto(lfp ? 3650 : 4250, lfp ? 3400 : 4100, 1000, 1000));
        t.put(FaultId.CELL_UNDERVOLTAGE_WARNING, auto(lfp ? 2900 : 3200, lfp ? 3000 : 3300, 1000, 1000));
        t.put(FaultId.CELL_UNDERVOLTAGE, auto(lfp ? 2700 : 3000, lfp ? 3000 : 3300, 1000, 1000));
        t.put(FaultId.CELL_DEEP_DISCHARGE, manual(lfp ? 2000 : 2500, 2000, Recovery.PERSISTENT));
        t.put(FaultId.PACK_OVERVOLTAGE, auto(n * (lfp ? 3600 : 4200), n * (lfp ? 3400 : 4100), 2000, 1000));
        t.put(FaultId.PACK_UNDERVOLTAGE, auto(n * (lfp ? 2800 : 3100), n * (lfp ? 3050 : 3350), 2000, 1000));
        Retry overcurrentRetry = new Retry(60_000, 5, 1_800_000);
        // level 2 at 2 C, level 1 at 1 C; a small current sensor caps both, level 1 staying below level 2
        int fast_mA = Math.min(2 * oneC_mA, sensorCap_mA);
        t.put(FaultId.CHARGE_OVERCURRENT, retry(Math.min(oneC_mA, sensorCap_mA), 2000, overcurrentRetry));
        t.put(FaultId.DISCHARGE_OVERCURRENT, retry(Math.min(oneC_mA, fast_mA / 5 * 4), 5000, overcurrentRetry));
        t.put(FaultId.DISCHARGE_OVERCURRENT_FAST, retry(fast_mA, 300, overcurrentRetry));
        t.put(FaultId.MOS_PULSE_OVERLOAD, auto(1000, 500, 0, 0));
        t.put(FaultId.SHORT_CIRCUIT, manual(1, 0, Recovery.MANUAL));
        t.put(FaultId.CHARGE_OVERTEMPERATURE, auto(lfp ? 500 : 450, lfp ? 450 : 400, 2000, 5000));
        t.put(FaultId.CHARGE_UNDERTEMPERATURE, auto(0, 50, 2000, 5000));
        t.put(FaultId.DISCHARGE_OVERTEMPERATURE, auto(600, 500, 2000, 5000));
        t.put(FaultId.DISCHARGE_UNDERTEMPERATURE, auto(-200, -150, 2000, 5000));
        t.put(FaultId.MOS_OVERTEMPERATURE, auto(900, 700, 2000, 5000));
        t.put(FaultId.BALANCE_OVERTEMPERATURE, auto(700, 600, 2000, 5000));
        t.put(FaultId.CELL_IMBALANCE, auto(300, 150, 30_000, 5000));
        t.put(FaultId.OPEN_WIRE, manual(1, 0, Recovery.MANUAL));
        t.put(FaultId.AFE_COMMUNICATION_LOST, auto(5, 0, 0, 1000));
        t.put(FaultId.AFE_PEC_ERROR_STORM, auto(50, 5, 0, 10_000));
        t.put(FaultId.CURRENT_SENSOR_FAILURE, auto(10, 0, 0, 1000));
        int nominal_mV = n * (lfp ? 3200 : 3700);
        int mismatch_mV = Math.max(1000, nominal_mV * 3 / 100);
        t.put(FaultId.PACK_VOLTAGE_MISMATCH, auto(mismatch_mV, mismatch_mV / 2, 5000, 5000));
        t.put(FaultId.TEMPERATURE_SENSOR_FAILURE, auto(1, 0, 3000, 3000));
        t.put(FaultId.LOW_SOC, auto(50, 100, 5000, 5000).withEnabled(false));
        t.put(FaultId.PRECHARGE_FAILED, retry(1, 0, new Retry(30_000, 3, 600_000)));
        return new ProtectionSettings(t, new PulseBudget(150_000, 400_000, 30_000));
    }

    private static Limit auto(int trip, int recover, int delay_ms, int recoverDelay_ms) {
        return new Limit(true, trip, recover, delay_ms, recoverDelay_ms, Recovery.AUTO, null);
    }

    private static Limit manual(int trip, int delay_ms, Recovery recovery) {
        return new Limit(true, trip, 0, delay_ms, 0, recovery, null);
    }

    private static Limit retry(int trip, int delay_ms, Retry retry) {
        return new Limit(true, trip, 0, delay_ms, 0, Recovery.RETRY, retry);
    }

    /** A level for a log line or an answer, in the fault's display unit. */
    public static String format(FaultId id, int value) {
        Unit unit = id.quantity().unit();
        return unit.format(value);
    }
}
