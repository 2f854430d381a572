package org.pibms.sim;

import org.pibms.hw.BusException;
import org.pibms.hw.I2cDevice;

/** What every emulated I2C chip shares: an address, and the fault of not acknowledging. */
abstract class I2cEmulator implements I2cDevice {

    private final int address;
    private boolean silent;

    I2cEmulator(int address) {
        this.address = address;
    }

    /** The chip stops acknowledging (unplugged, dead): every transfer fails. */
    public void setSilent(boolean silent) {
        this.silent = silent;
    }

    @Override
    public String name() {
        return String.format("emulated I2C 0x%02X", address);
    }

    /** Call first in every transfer. */
    void acknowledge() throws BusException {
        if (silent) {
            throw new BusException(name() + ": no acknowledge");
        }
    }
}
