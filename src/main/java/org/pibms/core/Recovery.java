package org.pibms.core;

import java.util.Locale;
import java.util.Optional;

/** How an active fault ends. Ordered from the most lenient to the strictest. */
public enum Recovery {
    /** Clears by itself once the reading is back past the recovery level (hysteresis). */
    AUTO,
    /**
     * Clears by itself after the retry time; tripping again more than the allowed number of times
     * within the retry window locks it out until a manual reset.
     */
    RETRY,
    /** Stays until {@code pibms fault reset}, which works only once the cause is gone. */
    MANUAL,
    /** Like {@link #MANUAL}, and still active after the daemon restarts. */
    PERSISTENT;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Recovery> fromId(String id) {
        for (Recovery r : values()) {
            if (r.id().equals(id)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** True when only a manual reset ends the fault. */
    public boolean manual() {
        return this == MANUAL || this == PERSISTENT;
    }
}
