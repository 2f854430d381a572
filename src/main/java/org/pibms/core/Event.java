package org.pibms.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One record of the event log, pibms's "system log in flash": what happened, when, a sentence
 * for people and the values behind it for programs.
 *
 * @param time_ms wall-clock time
 * @param text    one line saying what happened, e.g. "cell_overvoltage tripped: cell 7, 3.652 V, trip 3.650 V"
 * @param data    the values behind the text, in order; each a String, Long, Integer, Double or Boolean
 */
public record Event(long time_ms, Kind kind, String text, Map<String, Object> data) {

    public enum Kind {
        /** The daemon started, and how the run before it ended. */
        START,
        /** The daemon stopped, and why. */
        STOP,
        /** A fault went active. */
        FAULT,
        /** A fault cleared. */
        RECOVERY,
        /** A MOSFET or the pre-charge switched, and why. */
        MOS,
        /** A command from outside, who sent it and the answer. */
        COMMAND,
        /** A setting changed, at run time or in the config file between two starts. */
        CONFIG,
        /** The state of charge was set from the cells, or the capacity learned. */
        CALIBRATION,
        /** The state or the event log could not be written, or could again. */
        STORAGE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Kind> fromId(String id) {
            for (Kind kind : values()) {
                if (kind.id().equals(id)) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }
    }

    public Event {
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
        data.forEach((key, value) -> copy.put(key, checked(key, value)));
        data = Collections.unmodifiableMap(copy);
    }

    /**
     * An event with its values given as key, value, key, value, ….
     *
     * @throws IllegalArgumentException if a key is not a String or a value is of another type
     */
    public static Event of(long time_ms, Kind kind, String text, Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("a key without a value in " + text);
        }
        LinkedHashMap<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (!(keysAndValues[i] instanceof String key)) {
                throw new IllegalArgumentException("key " + keysAndValues[i] + " is not a String");
            }
            data.put(key, keysAndValues[i + 1]);
        }
        return new Event(time_ms, kind, text, data);
    }

    private static Object checked(String key, Object value) {
        if (value instanceof String || value instanceof Long || value instanceof Integer || value instanceof Double
                || value instanceof Boolean) {
            return value;
        }
        throw new IllegalArgumentException(key + " is " + (value == null ? "null" : value.getClass().getSimpleName())
                + "; an event holds only text, numbers and booleans");
    }
}
