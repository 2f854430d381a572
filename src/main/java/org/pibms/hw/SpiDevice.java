package org.pibms.hw;

/** One SPI device (bus and chip select), as the chip drivers need it. */
public interface SpiDevice {

    /**
     * Clocks {@code length} bytes out of {@code tx} while reading as many into {@code rx}, with
     * chip select held low for the whole transfer. {@code tx} and {@code rx} may be the same
     * array.
     */
    void transfer(byte[] tx, byte[] rx, int length) throws BusException;

    /** SPI clock in Hz: the drivers use it to time wake-up pulses made of dummy bytes. */
    int clock_Hz();

    /** Names the device in messages, e.g. {@code /dev/spidev0.0}. */
    String name();
}
