package org.pibms.hw;

/** One device on an I2C bus, at its address, as the chip drivers need it. */
public interface I2cDevice {

    /** Writes the register pointer, then reads {@code length} bytes (repeated start). */
    void readRegister(int register, byte[] into, int length) throws BusException;

    /** Writes the register pointer followed by {@code length} bytes of {@code data}. */
    void writeRegister(int register, byte[] data, int length) throws BusException;

    /** Names the device in messages, e.g. {@code /dev/i2c-1 0x40}. */
    String name();
}
