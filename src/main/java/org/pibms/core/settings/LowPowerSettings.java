package org.pibms.core.settings;

import java.util.Locale;
import java.util.Optional;

/**
 * The low-power mode, pibms's version of the ANT's sleep: after {@code idle_ms} with the current
 * below {@code idleCurrent_mA} and ACC inactive, the loop ticks every {@code period_ms} and the
 * MOSFETs follow {@code mos}. Current above the idle level, ACC, a fault or a command wake it.
 */
public record LowPowerSettings(boolean enabled, int idle_ms, int idleCurrent_mA, int period_ms, MosPolicy mos) {

    /** What the MOSFETs do while the BMS sleeps. */
    public enum MosPolicy {
        /** They stay as they were, so a load or charger can draw current and wake the BMS. */
        KEEP,
        /** Both open; only ACC or a command wakes the BMS (the ANT's deep sleep). */
        OFF;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<MosPolicy> fromId(String id) {
            for (MosPolicy p : values()) {
                if (p.id().equals(id)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }
}
