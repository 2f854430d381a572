package org.pibms.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pibms.afe.ads1115.Ads1115;
import org.pibms.afe.gpio.GpioInputs;
import org.pibms.afe.gpio.MosfetOutputs;
import org.pibms.afe.ina228.Ina228;
import org.pibms.afe.ltc681x.Ltc6813Chain;
import org.pibms.control.PackController;
import org.pibms.core.Clock;
import org.pibms.core.SimulationControl;
import org.pibms.core.settings.HardwareSettings;
import org.pibms.core.settings.OutputSettings;
import org.pibms.core.settings.Settings;
import org.pibms.core.settings.TemperatureSensorSettings;
import org.pibms.hw.Board;
import org.pibms.hw.BusException;
import org.pibms.hw.DigitalInput;

/**
 * The chip drivers on a {@link Board}: the same code whether the board is the Raspberry Pi's
 * or the simulator's emulated chips.
 */
public final class PackDrivers {

    private PackDrivers() {
    }

    /**
     * Opens the buses and builds the drivers.
     *
     * @param simulation the simulator to receive {@code pibms sim} commands, or null on hardware
     * @throws BusException if a bus or line cannot be opened
     */
    public static PackController.Ports open(Settings settings, Board board, Clock clock, SimulationControl simulation)
            throws BusException {
        HardwareSettings hardware = settings.hardware();
        HardwareSettings.Spi spi = hardware.spi();
        Ltc6813Chain afe = new Ltc6813Chain(board.spi(spi.bus(), spi.chipSelect(), spi.clock_Hz()), clock,
                hardware.ltc6813(), settings.protection(), settings.temperatureSensors());
        Optional<DigitalInput> alert = Optional.empty();
        if (hardware.ina228().alertGpio().isPresent()) {
            alert = Optional.of(board.input(hardware.ina228().alertGpio().get(), "INA228 ALERT"));
        }
        Ina228 ina228 = new Ina228(board.i2c(hardware.i2cBus(), hardware.ina228().address()), clock,
                hardware.ina228(), ina228DieSensor(settings.temperatureSensors()), alert);
        Ads1115 ads1115 = new Ads1115(board.i2c(hardware.i2cBus(), hardware.ads1115().address()), hardware.ads1115());
        List<MosfetOutputs.Output> outputs = new ArrayList<>();
        for (OutputSettings output : settings.outputs()) {
            outputs.add(new MosfetOutputs.Output(board.output(output.gpio(), output.name()), output.activeHigh()));
        }
        HardwareSettings.Gpio gpio = hardware.gpio();
        MosfetOutputs switches = new MosfetOutputs(board.output(gpio.chargeMos(), "charge MOS"),
                board.output(gpio.dischargeMos(), "discharge MOS"), outputs);
        GpioInputs inputs = new GpioInputs(input(board, gpio.acc(), "ACC"),
                input(board, gpio.shortCircuit(), "short-circuit latch"));
        return new PackController.Ports(afe, ina228, ads1115, switches, inputs, simulation);
    }

    private static Optional<GpioInputs.Input> input(Board board, Optional<HardwareSettings.Input> wired, String name)
            throws BusException {
        if (wired.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new GpioInputs.Input(board.input(wired.get().line(), name), wired.get().activeHigh()));
    }

    private static int ina228DieSensor(List<TemperatureSensorSettings> sensors) {
        for (int i = 0; i < sensors.size(); i++) {
            if (sensors.get(i).input() instanceof TemperatureSensorSettings.Ina228Die) {
                return i;
            }
        }
        return -1;
    }
}
