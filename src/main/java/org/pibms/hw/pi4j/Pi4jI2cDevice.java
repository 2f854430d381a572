package org.pibms.hw.pi4j;

import com.pi4j.io.i2c.I2C;
import org.pibms.hw.BusException;
import org.pibms.hw.I2cDevice;

/** One I2C device through Pi4J. */
final class Pi4jI2cDevice implements I2cDevice {

    private final I2C i2c;
    private final String name;

    Pi4jI2cDevice(I2C i2c, String name) {
        this.i2c = i2c;
        this.name = name;
    }

    @Override
    public void readRegister(int register, byte[] into, int length) throws BusException {
        int read;
        try {
            read = i2c.readRegister(register, into, 0, length);
        } catch (RuntimeException e) {
            throw new BusException(name + ": reading register 0x" + Integer.toHexString(register) + " failed: "
                    + e.getMessage(), e);
        }
        if (read != length) {
            throw new BusException(name + ": read " + read + " of " + length + " bytes of register 0x"
                    + Integer.toHexString(register));
        }
    }

    @Override
    public void writeRegister(int register, byte[] data, int length) throws BusException {
        int written;
        try {
            written = i2c.writeRegister(register, data, 0, length);
        } catch (RuntimeException e) {
            throw new BusException(name + ": writing register 0x" + Integer.toHexString(register) + " failed: "
                    + e.getMessage(), e);
        }
        if (written < length) {
            throw new BusException(name + ": wrote " + written + " of " + length + " bytes of register 0x"
                    + Integer.toHexString(register));
        }
    }

    @Override
    public String name() {
        return name;
    }
}
