package org.pibms.core.settings;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The CAN bus pibms talks on ({@code can:} in the config).
 *
 * @param iface            the SocketCAN interface (socketcan)
 * @param device           the serial device of a USB SLCAN adapter (slcan)
 * @param period_ms        how often an inverter profile sends its frames
 * @param inverterTimeout_ms keep-alives missing this long mean the inverter is gone
 * @param j1939Address     the ant profile's source address
 * @param j1939Name        the ant profile's 64-bit NAME for its address claim
 */
public record CanSettings(Transport transport, String iface, Path device, Profile profile, int period_ms,
        int inverterTimeout_ms, int j1939Address, long j1939Name) {

    /** How pibms reaches the bus. */
    public enum Transport {
        SOCKETCAN, SLCAN;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Who is on the other end. */
    public enum Profile {
        PYLON, SMA, VICTRON, ANT;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
