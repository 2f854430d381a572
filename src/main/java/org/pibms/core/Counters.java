package org.pibms.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What pibms counts over its whole life, kept in the state file: how often the daemon started
 * and how often each fault tripped.
 *
 * @param starts the daemon's starts, this one included
 * @param trips  per fault, how often it went from clear to active; faults never tripped are absent
 */
public record Counters(long starts, Map<FaultId, Long> trips) {

    public static final Counters NONE = new Counters(0, Map.of());

    public Counters {
        if (starts < 0) {
            throw new IllegalArgumentException("starts is " + starts);
        }
        EnumMap<FaultId, Long> copy = new EnumMap<>(FaultId.class);
        trips.forEach((id, count) -> {
            if (count < 0) {
                throw new IllegalArgumentException(id.id() + " tripped " + count + " times");
            }
            if (count > 0) {
                copy.put(id, count);
            }
        });
        trips = Collections.unmodifiableMap(copy);
    }

    public long trips(FaultId id) {
        return trips.getOrDefault(id, 0L);
    }

    /** The same counts with one more start. */
    public Counters started() {
        return new Counters(starts + 1, trips);
    }
}
