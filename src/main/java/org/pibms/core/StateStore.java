package org.pibms.core;

import java.util.Optional;

/**
 * Keeps the {@link SavedState} across restarts and power cuts: the state of charge, learned
 * capacity and cycles, the latched faults and the lifetime counters.
 */
public interface StateStore {

    /**
     * The last state saved, or empty on a first start. A torn or corrupt newest copy is reported
     * in the log and an older whole copy used instead.
     *
     * @throws Untrusted if a state was saved but no copy of it can be trusted: it may be the only
     *                   record of a latched fault, so the daemon must not start as if it were new
     */
    Optional<SavedState> load() throws Untrusted;

    /** @return false if it could not be written; the caller tries again later */
    boolean save(SavedState state);

    /** A saved state exists and none of its copies can be read back whole. */
    final class Untrusted extends Exception {

        public Untrusted(String message) {
            super(message);
        }
    }
}
