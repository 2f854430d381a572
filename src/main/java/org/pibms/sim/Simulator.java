package org.pibms.sim;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.pibms.core.CommandResult;
import org.pibms.core.SimulationCommand;
import org.pibms.core.SimulationCommand.ForceCellVoltage;
import org.pibms.core.SimulationCommand.ForceTemperature;
import org.pibms.core.SimulationCommand.InjectFault;
import org.pibms.core.SimulationCommand.ReleaseCellVoltage;
import org.pibms.core.SimulationCommand.ReleaseTemperature;
import org.pibms.core.SimulationCommand.HangBus;
import org.pibms.core.SimulationCommand.SetAcc;
import org.pibms.core.SimulationCommand.SetAmbientTemperature;
import org.pibms.core.SimulationCommand.SetExternalCurrent;
import org.pibms.core.SimulationCommand.SetTimeScale;
import org.pibms.core.SimulationControl;
import org.pibms.core.settings.HardwareSettings;
import org.pibms.core.settings.OutputSettings;
import org.pibms.core.settings.Settings;
import org.pibms.core.settings.SimulationSettings;
import org.pibms.hw.Board;
import org.pibms.hw.BusException;

/**
 * The simulated pack as a whole: the {@link PackModel}, the emulated LTC6813 chain, INA228 and
 * ADS1115 on the buses the config names, the GPIO lines (MOSFETs, configured outputs, ALERT,
 * ACC and the short-circuit latch), and the simulation commands ({@code pibms sim …}) that
 * steer the model and inject hardware faults. The daemon runs its real drivers on
 * {@link #board()}.
 *
 * <p>Every output line starts low, as the Pi's do; the ACC and short-circuit inputs start inactive.
 */
public final class Simulator implements SimulationControl {

    /** The widest values a simulation command may set. */
    static final int MAX_CURRENT_mA = 2_000_000;
    static final int MAX_CELL_mV = 5000;
    static final int MIN_TEMPERATURE_dC = -400;
    static final int MAX_TEMPERATURE_dC = 1500;
    static final double MIN_TIME_SCALE = 0.01;
    static final double MAX_TIME_SCALE = 1_000_000;
    static final int MAX_HANG_ms = 600_000;

    private final PackModel model;
    private final SimulatedClock clock;
    private final List<String> sensorNames;
    private final Ltc6813Emulator afe;
    private final Ina228Emulator ina228;
    private final Ads1115Emulator ads1115;
    private final int ina228Address;
    private final int ads1115Address;
    private final Map<Integer, EmulatedPin> pins = new HashMap<>();
    private final EmulatedPin chargePin;
    private final EmulatedPin dischargePin;
    private final Map<String, EmulatedPin> outputPins = new LinkedHashMap<>();
    /** The pre-charge output (the config allows one), or null when there is none. */
    private Line prechargeOutput;
    /** The ACC input, or null when not wired. */
    private final Line acc;
    /** The short-circuit latch input, or null when not wired. */
    private final Line shortCircuit;
    private final Board board = new EmulatedBoard(this);
    /**
     * The host's {@link System#nanoTime()} when a forced cell voltage was last applied to the
     * model (0 before the first): from then on every cell conversion that ends reports it.
     * {@code pibms bench fault} times the protection's reaction from here.
     */
    private volatile long lastCellForced_ns;

    private Simulator(Settings settings, SimulationSettings sim, SimulatedClock clock) {
        HardwareSettings hardware = settings.hardware();
        this.clock = clock;
        this.sensorNames = settings.temperatureSensorNames();
        this.model = PackModel.create(settings.pack(), sim, settings.temperatureSensors(),
                hardware.ltc6813().balanceResistor_Ohm(), clock);
        SplittableRandom random = new SplittableRandom(sim.seed() ^ 0x5DEECE66DL);
        this.afe = new Ltc6813Emulator(model, clock, hardware.spi().clock_Hz(), hardware.ltc6813(),
                settings.temperatureSensors(), random.split(), sim.sensors().voltageNoise_mV(), false);
        this.chargePin = new EmulatedPin("charge MOS", false, high -> updateMosfets());
        this.dischargePin = new EmulatedPin("discharge MOS", false, high -> updateMosfets());
        pins.put(hardware.gpio().chargeMos(), chargePin);
        pins.put(hardware.gpio().dischargeMos(), dischargePin);
        for (OutputSettings output : settings.outputs()) {
            boolean precharge = output.function() == OutputSettings.Function.PRECHARGE;
            EmulatedPin pin = new EmulatedPin(output.name(), false, precharge ? high -> updatePrecharge() : null);
            if (precharge) {
                prechargeOutput = new Line(pin, output.activeHigh());
            }
            outputPins.put(output.name(), pin);
            pins.put(output.gpio(), pin);
        }
        updatePrecharge(); // an active-low pre-charge is on until the daemon drives its line
        this.acc = input(hardware.gpio().acc(), "ACC");
        this.shortCircuit = input(hardware.gpio().shortCircuit(), "short-circuit latch");
        EmulatedPin alert = hardware.ina228().alertGpio()
                .map(line -> {
                    EmulatedPin pin = new EmulatedPin("INA228 ALERT", true, null);
                    pins.put(line, pin);
                    return pin;
                })
                .orElse(null);
        this.ina228Address = hardware.ina228().address();
        this.ina228 = new Ina228Emulator(model, ina228Address, hardware.ina228().shunt_uOhm() * 1e-6, random.split(),
                sim.sensors().currentNoise_mA(), sim.sensors().currentOffset_mA(), sim.sensors().currentGainError_pct(),
                alert);
        this.ads1115Address = hardware.ads1115().address();
        this.ads1115 = new Ads1115Emulator(model, clock, ads1115Address, hardware.ads1115().pack(),
                hardware.ads1115().load());
    }

    /**
     * Builds the simulated pack that {@code settings} describe.
     *
     * @throws IllegalArgumentException if the settings have no simulation section
     */
    public static Simulator create(Settings settings, SimulatedClock clock) {
        SimulationSettings sim = settings.simulation()
                .orElseThrow(() -> new IllegalArgumentException("the settings describe no simulated pack"));
        return new Simulator(settings, sim, clock);
    }

    public PackModel model() {
        return model;
    }

    /** The buses and pins the drivers use. */
    public Board board() {
        return board;
    }

    public Ltc6813Emulator afeEmulator() {
        return afe;
    }

    public Ina228Emulator ina228Emulator() {
        return ina228;
    }

    public Ads1115Emulator ads1115Emulator() {
        return ads1115;
    }

    int ina228Address() {
        return ina228Address;
    }

    int ads1115Address() {
        return ads1115Address;
    }

    public EmulatedPin chargePin() {
        return chargePin;
    }

    public EmulatedPin dischargePin() {
        return dischargePin;
    }

    /**
     * The line of the configured output called {@code name}.
     *
     * @throws IllegalArgumentException if no output has that name
     */
    public EmulatedPin outputPin(String name) {
        EmulatedPin pin = outputPins.get(name);
        if (pin == null) {
            throw new IllegalArgumentException("no output is called '" + name + "'; the outputs are "
                    + outputPins.keySet());
        }
        return pin;
    }

    /** The ACC input's line, or null when {@code hardware.gpio.acc} is not set. */
    public EmulatedPin accPin() {
        return acc == null ? null : acc.pin();
    }

    /** The short-circuit latch input's line, or null when {@code hardware.gpio.short_circuit} is not set. */
    public EmulatedPin shortCircuitPin() {
        return shortCircuit == null ? null : shortCircuit.pin();
    }

    /** {@link System#nanoTime()} when a {@code ForceCellVoltage} was last applied; 0 if never. */
    public long lastCellForced_ns() {
        return lastCellForced_ns;
    }

    EmulatedPin pin(int line) throws BusException {
        EmulatedPin pin = pins.get(line);
        if (pin == null) {
            throw new BusException("emulated GPIO line " + line + " is not wired to anything");
        }
        return pin;
    }

    /** A GPIO line and the level at which its function is active. */
    private record Line(EmulatedPin pin, boolean activeHigh) {
        boolean active() {
            return pin.isHigh() == activeHigh;
        }

        /** Drives an input line as the simulated hardware. */
        void drive(boolean active) {
            pin.drive(active == activeHigh);
        }
    }

    /** An input line the simulated hardware drives, starting inactive; null when not wired. */
    private Line input(Optional<HardwareSettings.Input> wired, String name) {
        if (wired.isEmpty()) {
            return null;
        }
        EmulatedPin pin = new EmulatedPin(name, !wired.get().activeHigh(), null);
        pins.put(wired.get().line(), pin);
        return new Line(pin, wired.get().activeHigh());
    }

    private void updateMosfets() {
        model.setMosfets(chargePin.isHigh(), dischargePin.isHigh());
    }

    /** The pre-charge resistor conducts while the pre-charge output is at its active level. */
    private void updatePrecharge() {
        model.setPrecharge(prechargeOutput != null && prechargeOutput.active());
    }

    @Override
    public CommandResult apply(SimulationCommand command) {
        if (command instanceof SetExternalCurrent c) {
            if (Math.abs(c.current_mA()) > MAX_CURRENT_mA) {
                return CommandResult.rejected("current " + amps(c.current_mA()) + " is beyond ±"
                        + amps(MAX_CURRENT_mA));
            }
            model.setExternalCurrent_A(c.current_mA() / 1000.0);
            return CommandResult.accepted("external current " + amps(c.current_mA())
                    + (c.current_mA() > 0 ? " (charging)" : c.current_mA() < 0 ? " (discharging)" : ""));
        }
        if (command instanceof ForceCellVoltage c) {
            String problem = checkCell(c.cell());
            if (problem == null && (c.voltage_mV() < 0 || c.voltage_mV() > MAX_CELL_mV)) {
                problem = "cell voltage " + c.voltage_mV() + " mV is outside 0.." + MAX_CELL_mV + " mV";
            }
            if (problem != null) {
                return CommandResult.rejected(problem);
            }
            model.forceCellVoltage(c.cell() - 1, c.voltage_mV());
            lastCellForced_ns = System.nanoTime();
            return CommandResult.accepted("cell " + c.cell() + " reads " + c.voltage_mV() + " mV until released");
        }
        if (command instanceof ReleaseCellVoltage c) {
            String problem = checkCell(c.cell());
            if (problem != null) {
                return CommandResult.rejected(problem);
            }
            model.releaseCellVoltage(c.cell() - 1);
            return CommandResult.accepted("cell " + c.cell() + " reads the simulated cell again");
        }
        if (command instanceof ForceTemperature c) {
            int sensor = sensorNames.indexOf(c.sensor());
            String problem = sensor < 0 ? unknownSensor(c.sensor()) : checkTemperature(c.temperature_dC());
            if (problem != null) {
                return CommandResult.rejected(problem);
            }
            model.forceTemperature(sensor, c.temperature_dC());
            return CommandResult.accepted("sensor " + c.sensor() + " reads " + celsius(c.temperature_dC())
                    + " until released");
        }
        if (command instanceof ReleaseTemperature c) {
            int sensor = sensorNames.indexOf(c.sensor());
            if (sensor < 0) {
                return CommandResult.rejected(unknownSensor(c.sensor()));
            }
            model.releaseTemperature(sensor);
            return CommandResult.accepted("sensor " + c.sensor() + " follows the thermal model again");
        }
        if (command instanceof SetAmbientTemperature c) {
            String problem = checkTemperature(c.temperature_dC());
            if (problem != null) {
                return CommandResult.rejected(problem);
            }
            model.setAmbient_C(c.temperature_dC() / 10.0);
            return CommandResult.accepted("ambient temperature " + celsius(c.temperature_dC()));
        }
        if (command instanceof SetAcc c) {
            if (acc == null) {
                return CommandResult.rejected("the ACC input is not wired: set hardware.gpio.acc");
            }
            acc.drive(c.active());
            return CommandResult.accepted("ACC " + (c.active() ? "active" : "inactive"));
        }
        if (command instanceof HangBus c) {
            if (c.duration_ms() < 1 || c.duration_ms() > MAX_HANG_ms) {
                return CommandResult.rejected("a hang lasts 1 ms to " + MAX_HANG_ms / 1000 + " s, not " + c.duration_ms()
                        + " ms");
            }
            afe.hangOnce(c.duration_ms());
            return CommandResult.accepted("the LTC6813's next SPI transfer hangs for " + c.duration_ms() + " ms");
        }
        if (command instanceof SetTimeScale c) {
            double scale = c.timeScale();
            if (!(scale == Double.POSITIVE_INFINITY || (scale >= MIN_TIME_SCALE && scale <= MAX_TIME_SCALE))) {
                return CommandResult.rejected("speed " + scale + " is outside " + MIN_TIME_SCALE + ".."
                        + String.format(Locale.ROOT, "%.0f", MAX_TIME_SCALE) + " (or max)");
            }
            clock.setTimeScale(scale);
            return CommandResult.accepted("simulated time runs at " + SimulatedClock.describe(scale));
        }
        if (command instanceof InjectFault c) {
            return injectFault(c);
        }
        return CommandResult.rejected("unknown simulation command " + command);
    }

    private CommandResult injectFault(InjectFault c) {
        String state = c.on() ? "on" : "off";
        switch (c.fault()) {
            case AFE_COMM -> {
                afe.setSilent(c.on());
                return CommandResult.accepted("fault afe-comm " + state + ": the LTC6813 chain "
                        + (c.on() ? "no longer answers" : "answers again"));
            }
            case PEC_ERRORS -> {
                double rate = c.on() ? c.rate() : 0;
                if (!(rate >= 0 && rate <= 1)) {
                    return CommandResult.rejected("a PEC error rate is between 0 and 1, not " + rate);
                }
                afe.setPecErrorRate(rate);
                return CommandResult.accepted("fault pec-errors " + state
                        + (c.on() ? String.format(Locale.ROOT, ": %.0f %% of the chips' answers corrupted", rate * 100)
                                : ""));
            }
            case OPEN_WIRE -> {
                if (c.on() && (c.cell() < 0 || c.cell() > model.cellCount())) {
                    return CommandResult.rejected("sense wire " + c.cell() + " does not exist: the wires are 0 (below"
                            + " cell 1) to " + model.cellCount() + " (above cell " + model.cellCount() + ")");
                }
                afe.setOpenWire(c.on() ? c.cell() : -1);
                return CommandResult.accepted(c.on()
                        ? "fault open-wire on: the sense wire " + (c.cell() == 0 ? "below cell 1" : "above cell "
                                + c.cell()) + " is open"
                        : "fault open-wire off: every sense wire is connected");
            }
            case NTC_OPEN, NTC_SHORT -> {
                int sensor = sensorNames.indexOf(c.sensor());
                if (sensor < 0) {
                    return CommandResult.rejected(unknownSensor(c.sensor()));
                }
                boolean open = c.fault() == InjectFault.Fault.NTC_OPEN;
                if (open) {
                    afe.setNtcOpen(sensor, c.on());
                } else {
                    afe.setNtcShorted(sensor, c.on());
                }
                return CommandResult.accepted("fault " + c.fault().id() + " " + state + " for sensor " + c.sensor());
            }
            case CURRENT_SENSOR -> {
                ina228.setSilent(c.on());
                return CommandResult.accepted("fault current-sensor " + state + ": the INA228 "
                        + (c.on() ? "no longer answers" : "answers again"));
            }
            case SHORT_CIRCUIT -> {
                if (shortCircuit == null) {
                    return CommandResult.rejected("the short-circuit latch input is not wired:"
                            + " set hardware.gpio.short_circuit");
                }
                model.setShortCircuit(c.on());
                shortCircuit.drive(c.on());
                return CommandResult.accepted("fault short-circuit " + state + (c.on()
                        ? ": the comparator has latched and holds both MOSFETs off"
                        : ": the short is gone and the latch released"));
            }
            case LOAD_SHORT -> {
                model.setLoadShorted(c.on());
                return CommandResult.accepted("fault load-short " + state + ": the load side "
                        + (c.on() ? "is shorted; a pre-charge cannot raise it" : "is no longer shorted"));
            }
            default -> {
                return CommandResult.rejected("unknown fault " + c.fault());
            }
        }
    }

    private String checkCell(int cell) {
        if (cell < 1 || cell > model.cellCount()) {
            return "cell " + cell + " does not exist: the pack has cells 1.." + model.cellCount();
        }
        return null;
    }

    private static String checkTemperature(int temperature_dC) {
        if (temperature_dC < MIN_TEMPERATURE_dC || temperature_dC > MAX_TEMPERATURE_dC) {
            return "temperature " + celsius(temperature_dC) + " is outside " + celsius(MIN_TEMPERATURE_dC) + ".."
                    + celsius(MAX_TEMPERATURE_dC);
        }
        return null;
    }

    private String unknownSensor(String name) {
        String sensors = sensorNames.isEmpty()
                ? "no temperature sensors are configured"
                : "the sensors are " + String.join(", ", sensorNames);
        return "no temperature sensor is called '" + name + "'; " + sensors + " (and 'ambient' sets the air temperature)";
    }

    private static String amps(int current_mA) {
        return String.format(Locale.ROOT, "%.3f A", current_mA / 1000.0);
    }

    private static String celsius(int temperature_dC) {
        return String.format(Locale.ROOT, "%.1f °C", temperature_dC / 10.0);
    }
}
