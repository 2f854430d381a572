package org.pibms.core;

import java.util.Locale;

/** What an active fault switches off. */
public enum Reaction {
    NONE(false, false),
    /** The charge MOS opens; discharging goes on. */
    CHARGE(true, false),
    /** The discharge MOS opens; charging goes on. */
    DISCHARGE(false, true),
    /** Both MOS open. */
    BOTH(true, true),
    /** Balancing stops; the MOSFETs are not touched. */
    BALANCING(false, false);

    private final boolean blocksCharge;
    private final boolean blocksDischarge;

    Reaction(boolean blocksCharge, boolean blocksDischarge) {
        this.blocksCharge = blocksCharge;
        this.blocksDischarge = blocksDischarge;
    }

    public boolean blocksCharge() {
        return blocksCharge;
    }

    public boolean blocksDischarge() {
        return blocksDischarge;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
