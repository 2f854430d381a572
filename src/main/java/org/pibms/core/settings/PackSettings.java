package org.pibms.core.settings;

import org.pibms.core.Chemistry;

/**
 * @param cellCount    cells in series, 8–20
 * @param capacity_mAh nameplate capacity of the pack
 */
public record PackSettings(Chemistry chemistry, int cellCount, int capacity_mAh) {
}
