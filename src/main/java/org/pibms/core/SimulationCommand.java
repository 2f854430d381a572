package org.pibms.core;

import java.util.Locale;
import java.util.Optional;

/**
 * Commands that steer the simulated pack: accepted only while the daemon runs simulated.
 * Cells are numbered from 1, as the user sees them.
 */
public sealed interface SimulationCommand extends Command {

    /** The current the external load or charger draws; charge positive. */
    record SetExternalCurrent(int current_mA) implements SimulationCommand {
    }

    /** Makes cell {@code cell}'s measured voltage read {@code voltage_mV}, whatever the cell does. */
    record ForceCellVoltage(int cell, int voltage_mV) implements SimulationCommand {
    }

    /** Lets cell {@code cell}'s measured voltage follow the cell again. */
    record ReleaseCellVoltage(int cell) implements SimulationCommand {
    }

    /** Makes the named temperature sensor read {@code temperature_dC}. */
    record ForceTemperature(String sensor, int temperature_dC) implements SimulationCommand {
    }

    /** Lets the named temperature sensor follow the thermal model again. */
    record ReleaseTemperature(String sensor) implements SimulationCommand {
    }

    /** The ambient temperature the thermal model settles towards. */
    record SetAmbientTemperature(int temperature_dC) implements SimulationCommand {
    }

    /** Drives the ACC wake input active or inactive. */
    record SetAcc(boolean active) implements SimulationCommand {
    }

    /**
     * The cell monitor's SPI transfer hangs for {@code duration_ms} of real time, as a driver
     * stuck in the kernel would: the control loop stalls, and the systemd watchdog is no longer fed.
     */
    record HangBus(int duration_ms) implements SimulationCommand {
    }

    /** Simulated seconds per real second; {@link Double#POSITIVE_INFINITY} runs as fast as possible. */
    record SetTimeScale(double timeScale) implements SimulationCommand {
    }

    /**
     * Switches a hardware fault of the simulated chips on or off.
     *
     * @param cell   for {@code open-wire}: the sense wire above this cell (0 = the one below cell 1)
     * @param sensor for {@code ntc-open} and {@code ntc-short}: the temperature sensor's name
     * @param rate   for {@code pec-errors}: the fraction of the chips' answers corrupted, 0–1
     */
    record InjectFault(Fault fault, boolean on, int cell, String sensor, double rate) implements SimulationCommand {

        /** The hardware faults the simulator can inject. */
        public enum Fault {
            /** The LTC6813 chain stops answering. */
            AFE_COMM,
            /** The LTC6813 chain's answers arrive with bit errors. */
            PEC_ERRORS,
            /** A cell sense wire comes loose. */
            OPEN_WIRE,
            /** An NTC comes unplugged. */
            NTC_OPEN,
            /** An NTC is shorted. */
            NTC_SHORT,
            /** The INA228 stops answering. */
            CURRENT_SENSOR,
            /**
             * A short circuit on the load: the hardware comparator latches and cuts both MOS by
             * itself; off removes the short and releases the latch.
             */
            SHORT_CIRCUIT,
            /** The load side is shorted behind the pre-charge resistor: a pre-charge can never finish. */
            LOAD_SHORT;

            /** The fault's name on the command line: {@code afe-comm}, {@code pec-errors}, … */
            public String id() {
                return name().toLowerCase(Locale.ROOT).replace('_', '-');
            }

            public static Optional<Fault> fromId(String id) {
                for (Fault fault : values()) {
                    if (fault.id().equals(id)) {
                        return Optional.of(fault);
                    }
                }
                return Optional.empty();
            }
        }
    }
}
