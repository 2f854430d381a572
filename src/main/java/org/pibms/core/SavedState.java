package org.pibms.core;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything that outlives a restart, kept together in one state file so that a power cut
 * leaves either the whole old state or the whole new one.
 *
 * @param soc          the state-of-charge estimator's state; empty before the first estimate
 * @param balanced_mAh the charge each cell has bled, cell 1 first; empty when nothing was counted
 * @param latched      the faults whose recovery is {@link Recovery#PERSISTENT} and that were active
 * @param counters     the lifetime counters
 * @param configDigest the SHA-256 of the config file the daemon ran with, in hex; empty when unknown
 */
public record SavedState(Optional<SocState> soc, List<Double> balanced_mAh, Set<FaultId> latched, Counters counters,
        String configDigest) {

    /** A first start: nothing saved. */
    public static final SavedState NONE = new SavedState(Optional.empty(), List.of(), Set.of(), Counters.NONE, "");

    public SavedState {
        balanced_mAh = List.copyOf(balanced_mAh);
        latched = latched.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(latched));
    }

    /** A state of charge and nothing else. */
    public static SavedState of(SocState soc) {
        return NONE.withSoc(soc);
    }

    public SavedState withSoc(SocState state) {
        return new SavedState(Optional.of(state), balanced_mAh, latched, counters, configDigest);
    }

    public SavedState withBalanced(List<Double> values_mAh) {
        return new SavedState(soc, values_mAh, latched, counters, configDigest);
    }

    public SavedState withLatched(Set<FaultId> faults) {
        return new SavedState(soc, balanced_mAh, faults, counters, configDigest);
    }

    public SavedState withCounters(Counters values) {
        return new SavedState(soc, balanced_mAh, latched, values, configDigest);
    }

    public SavedState withConfigDigest(String digest) {
        return new SavedState(soc, balanced_mAh, latched, counters, digest);
    }

    public double[] balancedArray_mAh() {
        return balanced_mAh.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
