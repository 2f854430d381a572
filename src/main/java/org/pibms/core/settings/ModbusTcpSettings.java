package org.pibms.core.settings;

/**
 * The Modbus TCP server ({@code modbus_tcp:} in the config), serving the same SunSpec map as a
 * Modbus RTU port.
 *
 * @param address the IP address to listen on (127.0.0.1 unless configured)
 * @param writes  whether clients may write the map's writable points
 */
public record ModbusTcpSettings(String address, int port, boolean writes) {
}
