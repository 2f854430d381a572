package org.pibms.hw;

/**
 * Where the drivers get their buses and pins: the Raspberry Pi's own (through Pi4J), or the
 * simulator's emulated chips. Everything opened is closed with the board.
 */
public interface Board extends AutoCloseable {

    /** The SPI device {@code /dev/spidev<bus>.<chipSelect>}, mode 3, at {@code clock_Hz}. */
    SpiDevice spi(int bus, int chipSelect, int clock_Hz) throws BusException;

    /** The device at a 7-bit {@code address} on I2C bus {@code bus}. */
    I2cDevice i2c(int bus, int address) throws BusException;

    /** A GPIO output line, driven low until set. */
    DigitalOutput output(int line, String name) throws BusException;

    /** A GPIO input line. */
    DigitalInput input(int line, String name) throws BusException;

    @Override
    void close();
}
