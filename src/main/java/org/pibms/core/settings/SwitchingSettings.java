package org.pibms.core.settings;

/**
 * How the MOSFETs are switched on.
 *
 * @param prechargeTimeout_ms how long the pre-charge may take to bring the load up to the pack
 *                            before it counts as failed (only with a {@code precharge} output)
 * @param prechargeMargin_mV  the load is charged when it is within this of the pack voltage
 */
public record SwitchingSettings(int prechargeTimeout_ms, int prechargeMargin_mV) {
}
