package org.pibms.core;

/** The simulator as the control loop sees it: it applies {@link SimulationCommand}s. */
public interface SimulationControl {

    /** Applies a command on the control loop's thread; a rejection explains what was wrong. */
    CommandResult apply(SimulationCommand command);
}
