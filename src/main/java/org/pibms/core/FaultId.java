package org.pibms.core;

import static org.pibms.core.FaultId.Trip.ABOVE;
import static org.pibms.core.FaultId.Trip.BELOW;
import static org.pibms.core.FaultId.Trip.WHEN_SET;
import static org.pibms.core.Quantity.AFE_FAILED_READS;
import static org.pibms.core.Quantity.AFE_PEC_ERRORS;
import static org.pibms.core.Quantity.BALANCE_TEMPERATURE;
import static org.pibms.core.Quantity.CELL_DELTA;
import static org.pibms.core.Quantity.CELL_SUM_DEVIATION;
import static org.pibms.core.Quantity.CHARGE_CURRENT;
import static org.pibms.core.Quantity.CURRENT_FAILED_READS;
import static org.pibms.core.Quantity.DISCHARGE_CURRENT;
import static org.pibms.core.Quantity.HIGHEST_CELL_TEMPERATURE;
import static org.pibms.core.Quantity.HIGHEST_CELL_VOLTAGE;
import static org.pibms.core.Quantity.LOWEST_CELL_TEMPERATURE;
import static org.pibms.core.Quantity.LOWEST_CELL_VOLTAGE;
import static org.pibms.core.Quantity.MOS_HEAT;
import static org.pibms.core.Quantity.MOS_TEMPERATURE;
import static org.pibms.core.Quantity.OPEN_WIRE;
import static org.pibms.core.Quantity.PACK_VOLTAGE;
import static org.pibms.core.Quantity.PRECHARGE_TIMEOUT;
import static org.pibms.core.Quantity.SHORT_CIRCUIT;
import static org.pibms.core.Quantity.STATE_OF_CHARGE;
import static org.pibms.core.Quantity.TEMPERATURE_SENSOR_FAILED;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The protection table: every fault pibms knows, with what it watches, which way it trips, how
 * serious it is, what it switches off and how it ends. The levels, delays and retry counts are
 * settings ({@link org.pibms.core.settings.ProtectionSettings}); this table is the part a user
 * cannot change, except to make a fault's recovery stricter. docs/protection.md shows it.
 *
 * <p>The control loop keeps the active faults as a bit mask ({@link #bit()}), so evaluating
 * them allocates nothing.
 */
public enum FaultId {
    CELL_OVERVOLTAGE_WARNING(HIGHEST_CELL_VOLTAGE, ABOVE, Severity.WARNING, Reaction.NONE, Recovery.AUTO, true),
    CELL_OVERVOLTAGE(HIGHEST_CELL_VOLTAGE, ABOVE, Severity.PROTECTION, Reaction.CHARGE, Recovery.AUTO, false),
    CELL_UNDERVOLTAGE_WARNING(LOWEST_CELL_VOLTAGE, BELOW, Severity.WARNING, Reaction.NONE, Recovery.AUTO, true),
    CELL_UNDERVOLTAGE(LOWEST_CELL_VOLTAGE, BELOW, Severity.PROTECTION, Reaction.DISCHARGE, Recovery.AUTO, false),
    /** A cell so low it may be damaged: nothing flows until a person has looked, even after a restart. */
    CELL_DEEP_DISCHARGE(LOWEST_CELL_VOLTAGE, BELOW, Severity.PROTECTION, Reaction.BOTH, Recovery.PERSISTENT, false),
    PACK_OVERVOLTAGE(PACK_VOLTAGE, ABOVE, Severity.PROTECTION, Reaction.CHARGE, Recovery.AUTO, false),
    PACK_UNDERVOLTAGE(PACK_VOLTAGE, BELOW, Severity.PROTECTION, Reaction.DISCHARGE, Recovery.AUTO, false),
    CHARGE_OVERCURRENT(CHARGE_CURRENT, ABOVE, Severity.PROTECTION, Reaction.CHARGE, Recovery.RETRY, false),
    /** Level 1: about 1 C held for seconds. */
    DISCHARGE_OVERCURRENT(DISCHARGE_CURRENT, ABOVE, Severity.PROTECTION, Reaction.DISCHARGE, Recovery.RETRY, false),
    /** Level 2: about 2 C for a few hundred milliseconds. */
    DISCHARGE_OVERCURRENT_FAST(DISCHARGE_CURRENT, ABOVE, Severity.PROTECTION, Reaction.DISCHARGE, Recovery.RETRY,
            false),
    /** The MOSFETs' I²t budget for currents above their rating is used up. */
    MOS_PULSE_OVERLOAD(MOS_HEAT, ABOVE, Severity.PROTECTION, Reaction.BOTH, Recovery.AUTO, false),
    /** The hardware has cut a short circuit; pibms reports it and keeps the MOS open until reset. */
    SHORT_CIRCUIT(Quantity.SHORT_CIRCUIT, WHEN_SET, Severity.PROTECTION, Reaction.BOTH, Recovery.MANUAL, false),
    CHARGE_OVERTEMPERATURE(HIGHEST_CELL_TEMPERATURE, ABOVE, Severity.PROTECTION, Reaction.CHARGE, Recovery.AUTO, false),
    CHARGE_UNDERTEMPERATURE(LOWEST_CELL_TEMPERATURE, BELOW, Severity.PROTECTION, Reaction.CHARGE, Recovery.AUTO, false),
    DISCHARGE_OVERTEMPERATURE(HIGHEST_CELL_TEMPERATURE, ABOVE, Severity.PROTECTION, Reaction.DISCHARGE, Recovery.AUTO,
            false),
    DISCHARGE_UNDERTEMPERATURE(LOWEST_CELL_TEMPERATURE, BELOW, Severity.PROTECTION, Reaction.DISCHARGE, Recovery.AUTO,
            false),
    MOS_OVERTEMPERATURE(MOS_TEMPERATURE, ABOVE, Severity.PROTECTION, Reaction.BOTH, Recovery.AUTO, false),
    BALANCE_OVERTEMPERATURE(BALANCE_TEMPERATURE, ABOVE, Severity.ALARM, Reaction.BALANCING, Recovery.AUTO, false),
    CELL_IMBALANCE(CELL_DELTA, ABOVE, Severity.ALARM, Reaction.NONE, Recovery.AUTO, true),
    OPEN_WIRE(Quantity.OPEN_WIRE, WHEN_SET, Severity.PROTECTION, Reaction.BOTH, Recovery.MANUAL, false),
    AFE_COMMUNICATION_LOST(AFE_FAILED_READS, ABOVE, Severity.PROTECTION, Reaction.BOTH, Recovery.AUTO, false),
    AFE_PEC_ERROR_STORM(AFE_PEC_ERRORS, ABOVE, Severity.PROTECTION, Reaction.BOTH, Recovery.AUTO, false),
    CURRENT_SENSOR_FAILURE(CURRENT_FAILED_READS, ABOVE, Severity.PROTECTION, Reaction.BOTH, Recovery.AUTO, false),
    /** The sum of the cells disagrees with the pack voltage: one of the two measurements is wrong. */
    PACK_VOLTAGE_MISMATCH(CELL_SUM_DEVIATION, ABOVE, Severity.PROTECTION, Reaction.BOTH, Recovery.AUTO, false),
    /** An NTC is open or shorted: the temperature limits cannot be checked, so charging stops. */
    TEMPERATURE_SENSOR_FAILURE(TEMPERATURE_SENSOR_FAILED, WHEN_SET, Severity.PROTECTION, Reaction.CHARGE,
            Recovery.AUTO, false),
    /** Optional cut-off at a low state of charge, before any cell reaches its under-voltage level. */
    LOW_SOC(STATE_OF_CHARGE, BELOW, Severity.PROTECTION, Reaction.DISCHARGE, Recovery.AUTO, true),
    PRECHARGE_FAILED(PRECHARGE_TIMEOUT, WHEN_SET, Severity.PROTECTION, Reaction.DISCHARGE, Recovery.RETRY, false);

    /** Which side of the trip level is the fault. */
    public enum Trip {
        /** Trips at or above the trip level, recovers at or below the recovery level. */
        ABOVE,
        /** Trips at or below the trip level, recovers at or above the recovery level. */
        BELOW,
        /** A yes/no condition: trips while set, recovers when clear. */
        WHEN_SET
    }

    private static final FaultId[] ALL = values();

    private final Quantity quantity;
    private final Trip trip;
    private final Severity severity;
    private final Reaction reaction;
    private final Recovery recovery;
    private final boolean optional;

    FaultId(Quantity quantity, Trip trip, Severity severity, Reaction reaction, Recovery recovery, boolean optional) {
        this.quantity = quantity;
        this.trip = trip;
        this.severity = severity;
        this.reaction = reaction;
        this.recovery = recovery;
        this.optional = optional;
    }

    /** The fault's name in the config, the status JSON, the log and the protocols. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Quantity quantity() {
        return quantity;
    }

    public Trip trip() {
        return trip;
    }

    public Severity severity() {
        return severity;
    }

    public Reaction reaction() {
        return reaction;
    }

    /** The least strict recovery this fault may have; the config may only make it stricter. */
    public Recovery recovery() {
        return recovery;
    }

    /** True when the config may switch this fault off ({@code enabled: false}). */
    public boolean optional() {
        return optional;
    }

    public long bit() {
        return 1L << ordinal();
    }

    public static int count() {
        return ALL.length;
    }

    public static FaultId byOrdinal(int ordinal) {
        return ALL[ordinal];
    }

    /** Mask of the faults that forbid charging. */
    public static long chargeBlockingMask() {
        long mask = 0;
        for (FaultId f : ALL) {
            if (f.reaction.blocksCharge()) {
                mask |= f.bit();
            }
        }
        return mask;
    }

    /**
     * True for the faults that stop balancing: those whose reaction is balancing, those that make
     * the cell readings untrustworthy, and those that say the cells are too empty to bleed.
     */
    public boolean stopsBalancing() {
        return switch (this) {
            case OPEN_WIRE, AFE_COMMUNICATION_LOST, AFE_PEC_ERROR_STORM, PACK_VOLTAGE_MISMATCH, CELL_UNDERVOLTAGE,
                    CELL_DEEP_DISCHARGE, PACK_UNDERVOLTAGE -> true;
            default -> reaction == Reaction.BALANCING;
        };
    }

    /** Mask of the faults that stop balancing. */
    public static long balancingBlockingMask() {
        long mask = 0;
        for (FaultId f : ALL) {
            if (f.stopsBalancing()) {
                mask |= f.bit();
            }
        }
        return mask;
    }

    /** Mask of the faults that forbid discharging. */
    public static long dischargeBlockingMask() {
        long mask = 0;
        for (FaultId f : ALL) {
            if (f.reaction.blocksDischarge()) {
                mask |= f.bit();
            }
        }
        return mask;
    }

    /** Mask of the faults of one severity. */
    public static long severityMask(Severity severity) {
        long mask = 0;
        for (FaultId f : ALL) {
            if (f.severity == severity) {
                mask |= f.bit();
            }
        }
        return mask;
    }

    public static Set<FaultId> fromMask(long mask) {
        EnumSet<FaultId> set = EnumSet.noneOf(FaultId.class);
        for (FaultId f : ALL) {
            if ((mask & f.bit()) != 0) {
                set.add(f);
            }
        }
        return Collections.unmodifiableSet(set);
    }

    /** The ids in a mask, comma separated, for log lines. */
    public static String describe(long mask) {
        StringBuilder text = new StringBuilder();
        for (FaultId f : fromMask(mask)) {
            text.append(text.length() == 0 ? "" : ", ").append(f.id());
        }
        return text.toString();
    }

    public static Optional<FaultId> fromId(String id) {
        for (FaultId f : ALL) {
            if (f.id().equals(id)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
