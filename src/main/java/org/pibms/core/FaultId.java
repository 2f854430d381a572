package org.pibms.core;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Every fault the protection can raise. The control loop keeps the active ones as a bit mask
 * ({@link #bit()}) so that evaluating them allocates nothing.
 */
public enum FaultId {
    /** The highest cell is above the over-voltage trip level: charging stops. */
    CELL_OVERVOLTAGE(true, false),
    /** The lowest cell is below the under-voltage trip level: discharging stops. */
    CELL_UNDERVOLTAGE(false, true),
    /** No valid cell voltages from the AFE: the pack is unmonitored, so both MOS open. */
    AFE_COMMUNICATION_LOST(true, true);

    private static final FaultId[] ALL = values();

    private final boolean blocksCharge;
    private final boolean blocksDischarge;

    FaultId(boolean blocksCharge, boolean blocksDischarge) {
        this.blocksCharge = blocksCharge;
        this.blocksDischarge = blocksDischarge;
    }

    /** The fault's name in the status JSON, the log and the protocols. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public long bit() {
        return 1L << ordinal();
    }

    /** Mask of the faults that forbid charging. */
    public static long chargeBlockingMask() {
        return maskOf(true);
    }

    /** Mask of the faults that forbid discharging. */
    public static long dischargeBlockingMask() {
        return maskOf(false);
    }

    private static long maskOf(boolean charge) {
        long mask = 0;
        for (FaultId f : ALL) {
            if (charge ? f.blocksCharge : f.blocksDischarge) {
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

    public static FaultId fromId(String id) {
        for (FaultId f : ALL) {
            if (f.id().equals(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown fault id '" + id + "'");
    }
}
