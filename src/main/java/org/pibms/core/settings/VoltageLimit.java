package org.pibms.core.settings;

/**
 * A cell-voltage protection level with hysteresis.
 *
 * @param trip_mV    the fault trips when the cell has been beyond this for {@code delay_ms}
 * @param recover_mV the fault clears when the cell is back past this level
 * @param delay_ms   how long the trip condition must hold
 */
public record VoltageLimit(int trip_mV, int recover_mV, int delay_ms) {
}
