package org.pibms.core.settings;

import java.util.Locale;
import java.util.Optional;

/** What a temperature sensor is fixed to. */
public enum SensorLocation {
    /** On a cell or between cells. */
    CELL,
    /** On the MOSFET heat sink. */
    MOS,
    /** On the balance resistors. */
    BALANCE,
    /** In the air around the pack. */
    AMBIENT;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SensorLocation> fromId(String id) {
        for (SensorLocation l : values()) {
            if (l.id().equals(id)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
