package org.pibms.core;

import java.util.Set;

/**
 * Keeps the faults whose recovery is {@link Recovery#PERSISTENT} across a restart. The control
 * loop saves the set whenever it changes, which is rare (a deep discharge, a reset), so the
 * write happens on the loop's thread.
 */
public interface LatchStore {

    /**
     * Replaces the stored set.
     *
     * @return false if it could not be written; the fault stays active in this run either way
     */
    boolean save(Set<FaultId> latched);
}
