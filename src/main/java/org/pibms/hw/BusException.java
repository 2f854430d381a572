package org.pibms.hw;

import java.io.IOException;

/**
 * A bus transfer failed: the device did not acknowledge, the bus driver refused, the adapter is
 * gone. The message names the device (for example {@code /dev/i2c-1 0x40}).
 */
public class BusException extends IOException {

    public BusException(String message) {
        super(message);
    }

    public BusException(String message, Throwable cause) {
        super(message, cause);
    }
}
