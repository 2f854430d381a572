package org.pibms.core;

import java.util.Locale;

/** What the BMS is doing, as shown in the status. */
public enum PackState {
    /** No valid cell reading yet; both MOS stay open. */
    STARTING,
    /** No fault; both MOS may close. */
    NORMAL,
    /** At least one fault is active and holds a MOS open. */
    FAULT,
    /** The daemon has stopped and opened both MOS. */
    STOPPED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PackState fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
