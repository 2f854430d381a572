package org.pibms.core.settings;

import java.util.List;
import java.util.Optional;

/**
 * Everything the config file says, validated: a value that reaches a record is in range and
 * consistent with the others.
 *
 * @param simulation present when the daemon runs on the built-in simulated pack
 */
public record Settings(
        PackSettings pack,
        ProtectionSettings protection,
        List<TemperatureSensorSettings> temperatureSensors,
        HardwareSettings hardware,
        ControlSettings control,
        DaemonSettings daemon,
        Optional<SimulationSettings> simulation) {

    public Settings {
        temperatureSensors = List.copyOf(temperatureSensors);
    }

    public List<String> temperatureSensorNames() {
        return temperatureSensors.stream().map(TemperatureSensorSettings::name).toList();
    }
}
