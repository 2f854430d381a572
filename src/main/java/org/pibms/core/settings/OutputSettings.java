package org.pibms.core.settings;

import java.util.Locale;
import java.util.Optional;

/**
 * One digital output (the ANT's DO1–DO3): a GPIO line driven by a BMS function.
 *
 * @param activeHigh true when the line is high while the function is on
 */
public record OutputSettings(String name, int gpio, Function function, boolean activeHigh) {

    /** What drives an output. */
    public enum Function {
        /** On while any alarm or protection fault is active. */
        ALARM,
        /** On while charging is allowed: tells a charger or inverter it may charge. */
        CHARGE_ENABLE,
        /** On while discharging is allowed. */
        DISCHARGE_ENABLE,
        /** The pre-charge relay or MOS: on while the load is being pre-charged. */
        PRECHARGE,
        /** Beeps (half a second on, half off) while any alarm or protection fault is active. */
        BUZZER,
        /** On while the cells are too cold to charge: asks a heater to warm them. */
        HEATER;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Function> fromId(String id) {
            for (Function f : values()) {
                if (f.id().equals(id)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }
    }
}
