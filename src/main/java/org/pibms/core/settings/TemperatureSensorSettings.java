package org.pibms.core.settings;

/** A named temperature sensor; the name appears in the status and the log. */
public record TemperatureSensorSettings(String name, SensorLocation location) {
}
