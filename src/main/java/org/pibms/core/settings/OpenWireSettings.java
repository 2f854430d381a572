package org.pibms.core.settings;

/**
 * When the AFE's open-wire test runs besides at start and after a fault reset: every
 * {@code interval_ms} (0 = never), and after a cell reading moved {@code jump_mV} more than the
 * pack's cells did on average within one tick, which a loose sense wire does and a load step
 * does not.
 */
public record OpenWireSettings(int interval_ms, int jump_mV) {

    public static OpenWireSettings defaults() {
        return new OpenWireSettings(600_000, 100);
    }
}
