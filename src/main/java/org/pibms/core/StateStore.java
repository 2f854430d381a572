package org.pibms.core;

import java.util.Optional;

/**
 * Keeps the state of charge, learned capacity, sensor offset, cycle count and the charge bled
 * per cell across restarts and power cuts.
 */
public interface StateStore {

    /**
     * The last state saved, or empty when there is none or none that can be trusted (a torn or
     * corrupt file is reported in the log, once, and never stops the daemon: the estimator then
     * starts from the cell voltages).
     */
    Optional<SavedState> load();

    /** @return false if it could not be written; the next save tries again */
    boolean save(SavedState state);
}
