package org.pibms.core.settings;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One serial port pibms serves a protocol on ({@code ports:} in the config). Several may run at
 * once, unlike on the ANT20S.
 *
 * @param device the serial device, e.g. /dev/ttyUSB0 or /dev/serial0
 * @param baud   8N1 at this rate
 * @param rs485  drive RTS as the transceiver's direction line while sending
 * @param speaks the protocol, with its own options
 */
public record PortSettings(Path device, int baud, boolean rs485, Speaks speaks) {

    /** What a port speaks. */
    public sealed interface Speaks {

        /** The protocol's name in the config. */
        String id();
    }

    /**
     * Both generations of the ANT BMS protocol, told apart frame by frame.
     *
     * @param password          writes on this port need it; empty = the port is read-only
     * @param dischargePositive the ANT's current sign (positive while discharging), unless set otherwise
     * @param chargeMosFirst    the new status frame's first MOS byte is the charge MOSFET
     */
    public record Ant(Optional<String> password, boolean dischargePositive, boolean chargeMosFirst)
            implements Speaks {

        @Override
        public String id() {
            return "ant";
        }
    }

    /**
     * Modbus RTU with the SunSpec map.
     *
     * @param unitId the address this port answers to (1–247)
     * @param writes whether clients may write the map's writable points
     */
    public record Modbus(int unitId, boolean writes) implements Speaks {

        @Override
        public String id() {
            return "modbus";
        }
    }
}
