package org.pibms.core.settings;

import java.util.Locale;
import java.util.Optional;
import org.pibms.core.Chemistry;

/**
 * The passive balancer's rules (docs/balancing.md). A cell bleeds when the highest cell has
 * reached {@code start_mV}, the mode allows it, the cell is {@code startDelta_mV} above the
 * lowest, and it is itself above {@code floor_mV}; it stops {@code stopDelta_mV} above the lowest.
 *
 * @param enabled         false: the rules never bleed a cell ({@code pibms balance on} still can)
 * @param mode            when balancing may run
 * @param start_mV        the highest cell must be at least this: below it the cells' voltages
 *                        say too little about their charge
 * @param startDelta_mV   a cell starts bleeding this far above the lowest cell
 * @param stopDelta_mV    and stops this close to it
 * @param floor_mV        a cell below this never bleeds
 * @param restCurrent_mA  below this either way the pack rests; above it, charging
 * @param maxChannels     at most this many cells bleed at once
 * @param nonAdjacent     never two neighbouring cells at once
 * @param current_mA      the bleed current wanted per cell; less than the resistor gives is
 *                        made by switching within each window
 * @param window_ms       the balancer decides once per window and switches within it
 * @param measurePause_ms at the end of each window every switch is open this long, so the
 *                        reading the next decision uses is not pulled by a bleed current
 * @param thermal         derating by the balance-resistor temperature
 */
public record BalancingSettings(boolean enabled, Mode mode, int start_mV, int startDelta_mV, int stopDelta_mV, int floor_mV,
        int restCurrent_mA, int maxChannels, boolean nonAdjacent, int current_mA, int window_ms, int measurePause_ms,
        Thermal thermal) {

    /** When balancing may run. */
    public enum Mode {
        /** Only while the pack is being charged. */
        CHARGING,
        /** While charging and while resting, never while discharging (the default). */
        CHARGING_OR_RESTING,
        /** Whenever the other rules allow. */
        ALWAYS;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Mode> fromId(String id) {
            for (Mode m : values()) {
                if (m.id().equals(id)) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * The duty falls linearly from full at {@code derateFrom_dC} to nothing at {@code stop_dC};
     * after a stop balancing resumes only once the resistors are back at {@code derateFrom_dC}.
     */
    public record Thermal(int derateFrom_dC, int stop_dC) {
    }

    /** Peers' consensus (reference/peers.md): start LFP 3.40 V, NMC 3.90 V; start 15 mV, stop 5 mV. */
    public static BalancingSettings defaultsFor(Chemistry chemistry, int capacity_mAh) {
        boolean lfp = chemistry == Chemistry.LFP;
        return new BalancingSettings(true, Mode.CHARGING_OR_RESTING, lfp ? 3400 : 3900, 15, 5, lfp ? 3200 : 3600,
                Math.max(100, capacity_mAh / 50), 8, false, 100, 10_000, 0, new Thermal(500, 600));
    }
}
