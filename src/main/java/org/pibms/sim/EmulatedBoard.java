package org.pibms.sim;

import org.pibms.hw.Board;
import org.pibms.hw.BusException;
import org.pibms.hw.DigitalInput;
import org.pibms.hw.DigitalOutput;
import org.pibms.hw.I2cDevice;
import org.pibms.hw.SpiDevice;

/** The simulator's buses and pins: the emulated chips where the config says they are wired. */
final class EmulatedBoard implements Board {

    private final Simulator simulator;

    EmulatedBoard(Simulator simulator) {
        this.simulator = simulator;
    }

    @Override
    public SpiDevice spi(int bus, int chipSelect, int clock_Hz) throws BusException {
        return simulator.afeEmulator();
    }

    @Override
    public I2cDevice i2c(int bus, int address) throws BusException {
        if (address == simulator.ina228Address()) {
            return simulator.ina228Emulator();
        }
        if (address == simulator.ads1115Address()) {
            return simulator.ads1115Emulator();
        }
        throw new BusException(String.format("emulated I2C bus %d: nothing at 0x%02X", bus, address));
    }

    @Override
    public DigitalOutput output(int line, String name) throws BusException {
        return simulator.pin(line);
    }

    @Override
    public DigitalInput input(int line, String name) throws BusException {
        return simulator.pin(line);
    }

    @Override
    public void close() {
        // nothing to release
    }
}
