package org.pibms.core.settings;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * One serial port pibms serves a protocol on ({@code ports:} in the config). Several may run at
 * once, unlike on the ANT20S.
 *
 * @param device            the serial device, e.g. /dev/ttyUSB0 or /dev/serial0
 * @param baud              8N1 at this rate
 * @param rs485             drive RTS as the transceiver's direction line while sending
 * @param password          writes on this port need it; empty = the port is read-only
 * @param dischargePositive the ANT's current sign (positive while discharging), unless set otherwise
 * @param chargeMosFirst    the new status frame's first MOS byte is the charge MOSFET
 */
public record PortSettings(Path device, Protocol protocol, int baud, boolean rs485, Optional<String> password,
        boolean dischargePositive, boolean chargeMosFirst) {

    /** What a port speaks. */
    public enum Protocol {
        /** Both generations of the ANT BMS protocol, told apart frame by frame. */
        ANT;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
