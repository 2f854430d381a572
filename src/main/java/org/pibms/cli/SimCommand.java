package org.pibms.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.pibms.core.Command;
import org.pibms.core.SimulationCommand;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code pibms sim …}: steer the simulated pack of a running daemon. */
@picocli.CommandLine.Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Steer the simulated pack (only while the daemon runs simulated).",
        subcommands = {SimCommand.Current.class, SimCommand.Cell.class, SimCommand.Temp.class, SimCommand.Acc.class,
            SimCommand.Speed.class, SimCommand.Fault.class, SimCommand.Hang.class})
final class SimCommand {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    /** What every {@code sim} subcommand shares: the config that names the daemon, and sending. */
    abstract static class Subcommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        SimCommand parent;
        @Mixin
        ConfigOption config;

        /** Sends one command to the daemon named by the config ({@code sim --config} or the subcommand's); prints its answer. */
        int send(Command command) {
            ConfigOption chosen = config.file.toString().equals(ConfigOption.DEFAULT) ? parent.config : config;
            return CommandSender.send(spec, chosen, command);
        }
    }

    @picocli.CommandLine.Command(name = "current", mixinStandardHelpOptions = true,
            description = "Set the current of the external load or charger, in A (charge positive).")
    static final class Current extends Subcommand {
        @Parameters(index = "0", paramLabel = "AMPS", description = "e.g. 20 to charge at 20 A, -50 to draw 50 A.")
        double amps;

        @Override
        public Integer call() {
            return send(new SimulationCommand.SetExternalCurrent((int) Math.round(amps * 1000)));
        }
    }

    @picocli.CommandLine.Command(name = "cell", mixinStandardHelpOptions = true,
            description = "Force what cell N's voltage reads, or release it.")
    static final class Cell extends Subcommand {
        @Parameters(index = "0", paramLabel = "N", description = "Cell number, 1 = the bottom cell.")
        int cell;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Reading reading;

        static final class Reading {
            @Option(names = "--mV", paramLabel = "MILLIVOLTS", description = "The voltage the cell reads from now on.")
            Integer voltage_mV;
            @Option(names = "--clear", description = "Let the cell read its simulated voltage again.")
            boolean clear;
        }

        @Override
        public Integer call() {
            Command command = reading.clear
                    ? new SimulationCommand.ReleaseCellVoltage(cell)
                    : new SimulationCommand.ForceCellVoltage(cell, reading.voltage_mV);
            return send(command);
        }
    }

    @picocli.CommandLine.Command(name = "temp", mixinStandardHelpOptions = true,
            description = "Force what a temperature sensor reads, or release it; 'ambient' sets the air temperature.")
    static final class Temp extends Subcommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "A sensor name from the config, or ambient.")
        String sensor;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Reading reading;

        static final class Reading {
            @Option(names = "--C", paramLabel = "CELSIUS", description = "The temperature in °C.")
            Double celsius;
            @Option(names = "--clear", description = "Let the sensor follow the thermal model again.")
            boolean clear;
        }

        @Override
        public Integer call() {
            boolean ambient = sensor.equals("ambient");
            if (ambient && reading.clear) {
                spec.commandLine().getErr().println("pibms: the ambient temperature is not forced; set it with --C");
                return 1;
            }
            Command command;
            if (reading.clear) {
                command = new SimulationCommand.ReleaseTemperature(sensor);
            } else {
                int temperature_dC = (int) Math.round(reading.celsius * 10);
                command = ambient
                        ? new SimulationCommand.SetAmbientTemperature(temperature_dC)
                        : new SimulationCommand.ForceTemperature(sensor, temperature_dC);
            }
            return send(command);
        }
    }

    @picocli.CommandLine.Command(name = "acc", mixinStandardHelpOptions = true,
            description = "Drive the ACC wake input active (on) or inactive (off); needs hardware.gpio.acc.")
    static final class Acc extends Subcommand {
        @Parameters(index = "0", paramLabel = "on|off")
        String state;

        @Override
        public Integer call() {
            if (!state.equals("on") && !state.equals("off")) {
                spec.commandLine().getErr().println("pibms: say on or off, not '" + state + "'");
                return 2;
            }
            return send(new SimulationCommand.SetAcc(state.equals("on")));
        }
    }

    @picocli.CommandLine.Command(name = "hang", mixinStandardHelpOptions = true,
            description = "Make the cell monitor's next SPI transfer hang, as a stuck driver would: the control loop"
                    + " stalls and, under systemd, the watchdog kills and restarts the daemon.")
    static final class Hang extends Subcommand {
        @Parameters(index = "0", paramLabel = "SECONDS", description = "How long the transfer hangs, in real seconds.")
        double seconds;

        @Override
        public Integer call() {
            return send(new SimulationCommand.HangBus((int) Math.round(seconds * 1000)));
        }
    }

    @picocli.CommandLine.Command(name = "speed", mixinStandardHelpOptions = true,
            description = "Set how many simulated seconds pass per real second, or 'max' for as fast as possible.")
    static final class Speed extends Subcommand {
        @Parameters(index = "0", paramLabel = "FACTOR", description = "e.g. 1, 60, 3600, or max.")
        String factor;

        @Override
        public Integer call() {
            double scale;
            if (factor.toLowerCase(Locale.ROOT).equals("max")) {
                scale = Double.POSITIVE_INFINITY;
            } else {
                try {
                    scale = Double.parseDouble(factor);
                } catch (NumberFormatException e) {
                    spec.commandLine().getErr().println("pibms: speed must be a number or max, not '" + factor + "'");
                    return 2;
                }
            }
            return send(new SimulationCommand.SetTimeScale(scale));
        }
    }

    @picocli.CommandLine.Command(name = "fault", mixinStandardHelpOptions = true,
            description = "Switch a hardware fault of the simulated chips on or off.",
            footer = {"", "Faults:",
                "  afe-comm        the LTC6813 chain stops answering",
                "  pec-errors      the chain's answers are corrupted (--rate, 0-1, default 0.1)",
                "  open-wire       the sense wire above cell --cell comes loose (0 = the one below cell 1)",
                "  ntc-open        the NTC of --sensor is unplugged",
                "  ntc-short       the NTC of --sensor is shorted",
                "  current-sensor  the INA228 stops answering",
                "  short-circuit   the load is shorted: the hardware latch cuts both MOSFETs (needs",
                "                  hardware.gpio.short_circuit); off removes the short and releases it",
                "  load-short      the load side is shorted behind the pre-charge resistor: a pre-charge",
                "                  never finishes"})
    static final class Fault extends Subcommand {
        @Parameters(index = "0", paramLabel = "FAULT", description = "afe-comm, pec-errors, open-wire, ntc-open,"
                + " ntc-short, current-sensor, short-circuit or load-short.")
        String name;

        @Parameters(index = "1", paramLabel = "on|off")
        String state;

        @Option(names = "--cell", paramLabel = "N", description = "For open-wire: the wire above cell N.")
        Integer cell;

        @Option(names = "--sensor", paramLabel = "NAME", description = "For ntc-open and ntc-short.")
        String sensor;

        @Option(names = "--rate", paramLabel = "R", defaultValue = "0.1",
                description = "For pec-errors: the fraction of answers corrupted (default ${DEFAULT-VALUE}).")
        double rate;

        @Override
        public Integer call() {
            var fault = SimulationCommand.InjectFault.Fault.fromId(name);
            String problem = null;
            if (fault.isEmpty()) {
                problem = "unknown fault '" + name + "'; see pibms sim fault --help";
            } else if (!state.equals("on") && !state.equals("off")) {
                problem = "say on or off, not '" + state + "'";
            } else if (state.equals("on") && fault.get() == SimulationCommand.InjectFault.Fault.OPEN_WIRE
                    && cell == null) {
                problem = "open-wire needs --cell N";
            } else if ((fault.get() == SimulationCommand.InjectFault.Fault.NTC_OPEN
                    || fault.get() == SimulationCommand.InjectFault.Fault.NTC_SHORT) && sensor == null) {
                problem = fault.get().id() + " needs --sensor NAME";
            }
            if (problem != null) {
                spec.commandLine().getErr().println("pibms: " + problem);
                return 2;
            }
            return send(new SimulationCommand.InjectFault(fault.get(), state.equals("on"), cell == null ? -1 : cell,
                    sensor == null ? "" : sensor, rate));
        }
    }
}
