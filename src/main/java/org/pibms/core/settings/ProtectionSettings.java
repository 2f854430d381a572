package org.pibms.core.settings;

import org.pibms.core.Chemistry;

/**
 * Protection limits. The defaults per chemistry are the consensus of open and commercial BMSs
 * (docs/safety.md lists the sources).
 */
public record ProtectionSettings(VoltageLimit cellOvervoltage, VoltageLimit cellUndervoltage) {

    public static ProtectionSettings defaultsFor(Chemistry chemistry) {
        return switch (chemistry) {
            case LFP -> new ProtectionSettings(
                    new VoltageLimit(3650, 3400, 1000),
                    new VoltageLimit(2700, 3000, 1000));
            case NMC -> new ProtectionSettings(
                    new VoltageLimit(4250, 4100, 1000),
                    new VoltageLimit(3000, 3300, 1000));
        };
    }

    /**
     * The widest cell-voltage window a setting may use for a chemistry: a level outside it is
     * refused as unsafe.
     */
    public static SafeWindow safeWindow(Chemistry chemistry) {
        return switch (chemistry) {
            case LFP -> new SafeWindow(2000, 3800);
            case NMC -> new SafeWindow(2500, 4300);
        };
    }

    /** Lowest and highest cell voltage any protection level may be set to. */
    public record SafeWindow(int min_mV, int max_mV) {
    }
}
