package org.pibms.core;

/**
 * A request to the control loop from outside it (control socket, protocols, web page). The loop
 * drains its command queue at the start of every tick, so every change to BMS state is made by
 * the loop's own thread.
 */
public sealed interface Command permits ControlCommand, SimulationCommand {
}
