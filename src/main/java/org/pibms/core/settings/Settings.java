package org.pibms.core.settings;

import java.util.List;
import java.util.Optional;

/**
 * Everything the config file says, validated: a value that reaches a record is in range and
 * consistent with the others.
 *
 * @param outputs    the digital outputs (DO1–DO3), in config order
 * @param ports      the serial ports and the protocol each serves
 * @param modbusTcp  present when the Modbus TCP server is enabled
 * @param web        present when the web app is enabled
 * @param mqtt       present when pibms publishes to an MQTT broker
 * @param simulation present when the daemon runs on the built-in simulated pack
 * @param listing    every setting as the file names it, defaults included
 */
public record Settings(
        PackSettings pack,
        ProtectionSettings protection,
        List<TemperatureSensorSettings> temperatureSensors,
        HardwareSettings hardware,
        List<OutputSettings> outputs,
        SwitchingSettings switching,
        LowPowerSettings lowPower,
        BalancingSettings balancing,
        OpenWireSettings openWire,
        ControlSettings control,
        DaemonSettings daemon,
        SocSettings soc,
        RecorderSettings recorder,
        ChargeLimitSettings chargeLimits,
        List<PortSettings> ports,
        Optional<ModbusTcpSettings> modbusTcp,
        Optional<CanSettings> can,
        Optional<WebSettings> web,
        Optional<MqttSettings> mqtt,
        Optional<SimulationSettings> simulation,
        ConfigListing listing) {

    public Settings {
        temperatureSensors = List.copyOf(temperatureSensors);
        outputs = List.copyOf(outputs);
        ports = List.copyOf(ports);
    }

    public List<String> temperatureSensorNames() {
        return temperatureSensors.stream().map(TemperatureSensorSettings::name).toList();
    }

    /** True when an output is the pre-charge relay, so the discharge MOS closes only after a pre-charge. */
    public boolean hasPrecharge() {
        return outputs.stream().anyMatch(o -> o.function() == OutputSettings.Function.PRECHARGE);
    }

    /** The protection table's view of the pack. */
    public ProtectionSettings.Pack protectedPack() {
        return new ProtectionSettings.Pack(pack.chemistry(), pack.cellCount(), pack.capacity_mAh(),
                (int) Math.round(hardware.ina228().maxCurrent_A() * 1000));
    }
}
