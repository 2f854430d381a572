package org.pibms.core;

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

    /** Simulated seconds per real second; {@link Double#POSITIVE_INFINITY} runs as fast as possible. */
    record SetTimeScale(double timeScale) implements SimulationCommand {
    }
}
