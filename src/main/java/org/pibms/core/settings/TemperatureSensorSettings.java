package org.pibms.core.settings;

/**
 * A named temperature sensor; the name appears in the status and the log.
 *
 * @param cell the cell (1-based) the probe sits on, where the config says; 0 = not tied to one cell
 */
public record TemperatureSensorSettings(String name, SensorLocation location, Input input, int cell) {

    /** Where the temperature is measured. */
    public sealed interface Input {
    }

    /** An NTC on a GPIO (1–9) of an LTC6813 (chip 1 = nearest the Pi). */
    public record LtcGpio(int chip, int gpio) implements Input {
    }

    /** The die temperature of an LTC6813. */
    public record LtcDie(int chip) implements Input {
    }

    /** The die temperature of the INA228, which sits on the shunt. */
    public record Ina228Die() implements Input {
    }
}
