package org.pibms.sim;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.pibms.core.AnalogFrontEnd;
import org.pibms.core.CommandResult;
import org.pibms.core.CurrentSensor;
import org.pibms.core.SimulationCommand;
import org.pibms.core.SimulationCommand.ForceCellVoltage;
import org.pibms.core.SimulationCommand.ForceTemperature;
import org.pibms.core.SimulationCommand.ReleaseCellVoltage;
import org.pibms.core.SimulationCommand.ReleaseTemperature;
import org.pibms.core.SimulationCommand.SetAmbientTemperature;
import org.pibms.core.SimulationCommand.SetExternalCurrent;
import org.pibms.core.SimulationCommand.SetTimeScale;
import org.pibms.core.SimulationControl;
import org.pibms.core.Switches;
import org.pibms.core.VoltageSensor;
import org.pibms.core.settings.Settings;
import org.pibms.core.settings.SimulationSettings;

/**
 * The simulated pack as a whole: the {@link PackModel}, the ports that read and switch it, and
 * the simulation commands ({@code pibms sim …}) that steer it.
 */
public final class Simulator implements SimulationControl {

    /** The widest values a simulation command may set. */
    static final int MAX_CURRENT_mA = 2_000_000;
    static final int MAX_CELL_mV = 5000;
    static final int MIN_TEMPERATURE_dC = -400;
    static final int MAX_TEMPERATURE_dC = 1500;
    static final double MIN_TIME_SCALE = 0.01;
    static final double MAX_TIME_SCALE = 1_000_000;

    private final PackModel model;
    private final SimulatedClock clock;
    private final List<String> sensorNames;
    private final AnalogFrontEnd afe;
    private final CurrentSensor currentSensor;
    private final VoltageSensor voltageSensor;
    private final Switches switches;

    private Simulator(PackModel model, SimulatedClock clock, List<String> sensorNames, SimulationSettings sim) {
        this.model = model;
        this.clock = clock;
        this.sensorNames = List.copyOf(sensorNames);
        SplittableRandom random = new SplittableRandom(sim.seed() ^ 0x5DEECE66DL);
        this.afe = new SimulatedAfe(model, random.split(), sim.sensors().voltageNoise_mV());
        this.currentSensor = new SimulatedCurrentSensor(model, random.split(), sim.sensors().currentNoise_mA(),
                sim.sensors().currentOffset_mA());
        this.voltageSensor = new SimulatedVoltageSensor(model);
        this.switches = new SimulatedSwitches(model);
    }

    /**
     * Builds the simulated pack that {@code settings} describe.
     *
     * @throws IllegalArgumentException if the settings have no simulation section
     */
    public static Simulator create(Settings settings, SimulatedClock clock) {
        SimulationSettings sim = settings.simulation()
                .orElseThrow(() -> new IllegalArgumentException("the settings describe no simulated pack"));
        PackModel model = PackModel.create(settings.pack(), sim, settings.temperatureSensors(), clock);
        return new Simulator(model, clock, settings.temperatureSensorNames(), sim);
    }

    public PackModel model() {
        return model;
    }

    public SimulatedClock clock() {
        return clock;
    }

    public AnalogFrontEnd afe() {
        return afe;
    }

    public CurrentSensor currentSensor() {
        return currentSensor;
    }

    public VoltageSensor voltageSensor() {
        return voltageSensor;
    }

    public Switches switches() {
        return switches;
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
        if (command instanceof SetTimeScale c) {
            double scale = c.timeScale();
            if (!(scale == Double.POSITIVE_INFINITY || (scale >= MIN_TIME_SCALE && scale <= MAX_TIME_SCALE))) {
                return CommandResult.rejected("speed " + scale + " is outside " + MIN_TIME_SCALE + ".."
                        + String.format(Locale.ROOT, "%.0f", MAX_TIME_SCALE) + " (or max)");
            }
            clock.setTimeScale(scale);
            return CommandResult.accepted("simulated time runs at " + SimulatedClock.describe(scale));
        }
        return CommandResult.rejected("unknown simulation command " + command);
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
