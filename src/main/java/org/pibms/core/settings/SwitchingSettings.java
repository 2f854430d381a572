package org.pibms.core.settings;

import java.util.Locale;
import java.util.Optional;

/**
 * How the MOSFETs are switched on, and what happens to them when the daemon stops.
 *
 * @param prechargeTimeout_ms how long the pre-charge may take to bring the load up to the pack
 *                            before it counts as failed (only with a {@code precharge} output)
 * @param prechargeMargin_mV  the load is charged when it is within this of the pack voltage
 * @param onStopCharge        the charge MOS when the daemon stops
 * @param onStopDischarge     the discharge MOS when the daemon stops
 */
public record SwitchingSettings(int prechargeTimeout_ms, int prechargeMargin_mV, OnStop onStopCharge,
        OnStop onStopDischarge) {

    /** What a clean stop (SIGTERM, `systemctl stop`) does to one MOSFET. */
    public enum OnStop {
        /** Opened: nothing flows through an unprotected pack. The default. */
        OFF,
        /** Left as it was: a load keeps its power while pibms restarts, without protection meanwhile. */
        KEEP;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<OnStop> fromId(String id) {
            for (OnStop o : values()) {
                if (o.id().equals(id)) {
                    return Optional.of(o);
                }
            }
            return Optional.empty();
        }
    }
}
