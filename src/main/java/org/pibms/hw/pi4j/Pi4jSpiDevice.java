package org.pibms.hw.pi4j;

import com.pi4j.io.spi.Spi;
import org.pibms.hw.BusException;
import org.pibms.hw.SpiDevice;

/** An SPI device through Pi4J. */
final class Pi4jSpiDevice implements SpiDevice {

    private final Spi spi;
    private final String name;
    private final int clock_Hz;

    Pi4jSpiDevice(Spi spi, String name, int clock_Hz) {
        this.spi = spi;
        this.name = name;
        this.clock_Hz = clock_Hz;
    }

    @Override
    public void transfer(byte[] tx, byte[] rx, int length) throws BusException {
        int transferred;
        try {
            transferred = spi.transfer(tx, 0, rx, 0, length);
        } catch (RuntimeException e) {
            throw new BusException(name + ": transfer failed: " + e.getMessage(), e);
        }
        // linuxfs returns the length, or -1 when the ioctl failed (after logging errno)
        if (transferred < 0) {
            throw new BusException(name + ": the SPI transfer of " + length + " bytes failed");
        }
    }

    @Override
    public int clock_Hz() {
        return clock_Hz;
    }

    @Override
    public String name() {
        return name;
    }
}
