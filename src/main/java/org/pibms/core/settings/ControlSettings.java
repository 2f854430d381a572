package org.pibms.core.settings;

/** @param period_ms control tick period, 10–1000 ms */
public record ControlSettings(int period_ms) {
}
