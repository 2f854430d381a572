package org.pibms.core;

import java.util.List;

/**
 * A fault as the status shows it: which, how it stands, where it came from and the reading that
 * tripped it against its level.
 *
 * @param source    "cell 3", "sensor mos", "wire above cell 4", "" for pack-wide faults, or
 *                  {@link #LATCHED_BEFORE_RESTART}
 * @param value     the reading that tripped it, in the fault's base unit (0 when latched before a
 *                  restart: that reading belongs to the earlier run, see the log)
 * @param threshold the trip level, in the same unit
 */
public record ActiveFault(FaultId id, State state, String source, int value, int threshold) {

    /** The source of a fault restored from the latch store: no reading of this run tripped it. */
    public static final String LATCHED_BEFORE_RESTART = "latched before the restart";

    /** Whether this fault was restored from the latch store rather than tripped by this run. */
    public boolean latchedBeforeRestart() {
        return LATCHED_BEFORE_RESTART.equals(source);
    }

    /** How an active fault stands. */
    public enum State {
        /** Active; it ends as its recovery says. */
        ACTIVE,
        /** A retry fault that tripped too often: it waits for {@code pibms fault reset}. */
        LOCKED_OUT;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The name of a cell, sensor or wire by index, as faults and logs give it; "" if none. */
    public static String sourceName(Quantity.Source kind, int index, List<String> sensorNames) {
        if (index < 0) {
            return "";
        }
        return switch (kind) {
            case NONE -> "";
            case CELL -> "cell " + (index + 1);
            case SENSOR -> index < sensorNames.size() ? "sensor " + sensorNames.get(index) : "sensor " + (index + 1);
            case WIRE -> index == 0 ? "wire below cell 1" : "wire above cell " + index;
        };
    }
}
