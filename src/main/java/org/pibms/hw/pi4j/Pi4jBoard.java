package org.pibms.hw.pi4j;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiChipSelect;
import com.pi4j.io.spi.SpiMode;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.i2c.LinuxFsI2CProvider;
import com.pi4j.plugin.linuxfs.provider.spi.LinuxFsSpiProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pibms.hw.Board;
import org.pibms.hw.BusException;
import org.pibms.hw.DigitalInput;
import org.pibms.hw.DigitalOutput;
import org.pibms.hw.I2cDevice;
import org.pibms.hw.SpiDevice;

/**
 * The Raspberry Pi's buses through Pi4J 2: SPI and I2C through the kernel's spidev and i2c-dev
 * (linuxfs provider), GPIO through libgpiod. The context is built from exactly these providers,
 * never auto-detected: an auto-detected context prefers whatever provider ranks highest, which
 * can be a mock or one that needs root.
 */
public final class Pi4jBoard implements Board {

    private final Context pi4j;
    private final boolean checkDeviceFiles;

    Pi4jBoard(Context pi4j, boolean checkDeviceFiles) {
        this.pi4j = pi4j;
        this.checkDeviceFiles = checkDeviceFiles;
    }

    /**
     * The Pi's own buses.
     *
     * @throws BusException if the GPIO character device is missing (not a Pi, or no access)
     */
    public static Pi4jBoard open() throws BusException {
        requireDevice(Path.of("/dev/gpiochip0"), "GPIO", "run pibms on the Raspberry Pi the MOSFET drivers are"
                + " wired to, as a user in the gpio group");
        try {
            Context pi4j = Pi4J.newContextBuilder()
                    .add(LinuxFsSpiProvider.newInstance(), LinuxFsI2CProvider.newInstance(),
                            GpioDDigitalInputProvider.newInstance(), GpioDDigitalOutputProvider.newInstance())
                    .build();
            return new Pi4jBoard(pi4j, true);
        } catch (RuntimeException | LinkageError e) {
            throw new BusException("cannot start Pi4J with the linuxfs and gpiod providers: " + e, e);
        }
    }

    @Override
    public SpiDevice spi(int bus, int chipSelect, int clock_Hz) throws BusException {
        String device = "/dev/spidev" + bus + "." + chipSelect;
        if (checkDeviceFiles) {
            requireDevice(Path.of(device), "SPI", "enable SPI with dtparam=spi=on in /boot/firmware/config.txt,"
                    + " reboot, and run pibms as a user in the spi group");
        }
        try {
            Spi spi = pi4j.create(Spi.newConfigBuilder(pi4j)
                    .id("spi" + bus + "-" + chipSelect)
                    .bus(bus)
                    .chipSelect(SpiChipSelect.getByNumber(chipSelect))
                    .mode(SpiMode.MODE_3)
                    .baud(clock_Hz)
                    .build());
            return new Pi4jSpiDevice(spi, device, clock_Hz);
        } catch (RuntimeException e) {
            throw new BusException("cannot open " + device + ": " + e.getMessage(), e);
        }
    }

    @Override
    public I2cDevice i2c(int bus, int address) throws BusException {
        String device = "/dev/i2c-" + bus;
        if (checkDeviceFiles) {
            requireDevice(Path.of(device), "I2C", "enable I2C with dtparam=i2c_arm=on in /boot/firmware/config.txt,"
                    + " reboot, and run pibms as a user in the i2c group");
        }
        String name = String.format("%s 0x%02X", device, address);
        try {
            I2C i2c = pi4j.create(I2C.newConfigBuilder(pi4j)
                    .id(String.format("i2c%d-%02x", bus, address))
                    .bus(bus)
                    .device(address)
                    .build());
            return new Pi4jI2cDevice(i2c, name);
        } catch (RuntimeException e) {
            throw new BusException("cannot open " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public DigitalOutput output(int line, String name) throws BusException {
        try {
            com.pi4j.io.gpio.digital.DigitalOutput output = pi4j.create(
                    com.pi4j.io.gpio.digital.DigitalOutput.newConfigBuilder(pi4j)
                            .id("gpio" + line)
                            .name(name)
                            .address(line)
                            .initial(DigitalState.LOW)
                            .shutdown(DigitalState.LOW)
                            .build());
            return new Pi4jDigitalOutput(output, name + " (GPIO " + line + ")");
        } catch (RuntimeException e) {
            throw new BusException("cannot open GPIO " + line + " (" + name + ") as an output: " + e.getMessage(), e);
        }
    }

    @Override
    public DigitalInput input(int line, String name) throws BusException {
        try {
            com.pi4j.io.gpio.digital.DigitalInput input = pi4j.create(
                    com.pi4j.io.gpio.digital.DigitalInput.newConfigBuilder(pi4j)
                            .id("gpio" + line)
                            .name(name)
                            .address(line)
                            .pull(PullResistance.PULL_UP)
                            .build());
            return new Pi4jDigitalInput(input, name + " (GPIO " + line + ")");
        } catch (RuntimeException e) {
            throw new BusException("cannot open GPIO " + line + " (" + name + ") as an input: " + e.getMessage(), e);
        }
    }

    /** Shuts Pi4J down, which drives every output to its shutdown state: low, MOSFETs off. */
    @Override
    public void close() {
        pi4j.shutdown();
    }

    private static void requireDevice(Path device, String bus, String advice) throws BusException {
        if (!Files.exists(device)) {
            throw new BusException(device + " does not exist, so " + bus + " is not available: " + advice);
        }
    }
}
