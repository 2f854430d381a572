package org.pibms.core;

import java.util.List;

/**
 * What outlives a restart besides the latched faults: the state of charge and the charge each
 * cell has bled through its balance resistor.
 *
 * @param balanced_mAh per cell, cell 1 first; empty when nothing was saved
 */
public record SavedState(SocState soc, List<Double> balanced_mAh) {

    public SavedState {
        balanced_mAh = List.copyOf(balanced_mAh);
    }

    /** A state of charge with no balancing record. */
    public static SavedState of(SocState soc) {
        return new SavedState(soc, List.of());
    }

    public double[] balancedArray_mAh() {
        return balanced_mAh.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
