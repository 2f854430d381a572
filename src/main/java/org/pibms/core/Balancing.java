package org.pibms.core;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The balancer's vocabulary, shared by the control loop, the status and the commands. */
public final class Balancing {

    private Balancing() {
    }

    /**
     * The balancer as one tick left it.
     *
     * @param current_mA   per cell, cell 1 first: its bleed current averaged over the window, 0
     *                     when it does not bleed
     * @param balanced_mAh per cell: all it has bled, across restarts
     */
    public record State(Command command, Activity activity, List<Integer> current_mA, List<Double> balanced_mAh) {

        public State {
            current_mA = List.copyOf(current_mA);
            balanced_mAh = List.copyOf(balanced_mAh);
        }

        /** Nothing bleeding, nothing bled: before the first tick. */
        public static State idle(int cells) {
            return new State(Command.AUTO, Activity.BELOW_START, Collections.nCopies(cells, 0),
                    Collections.nCopies(cells, 0.0));
        }

        /** Bit i set = cell i+1 bleeds in this window. */
        public long mask() {
            long mask = 0;
            for (int i = 0; i < current_mA.size(); i++) {
                if (current_mA.get(i) > 0) {
                    mask |= 1L << i;
                }
            }
            return mask;
        }
    }

    /** What the operator chose ({@code pibms balance on|off|auto}); AUTO until told otherwise. */
    public enum Command {
        /** The configured rules decide. */
        AUTO,
        /** Bleed now, whatever the mode and the start voltage say; deltas, floor, heat and faults still rule. */
        ON,
        /** Never bleed. */
        OFF;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Command> fromId(String id) {
            for (Command c : values()) {
                if (c.id().equals(id)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }
    }

    /** What the balancer is doing, and if nothing, why. */
    public enum Activity {
        BALANCING("bleeding the cells above the lowest"),
        BALANCED("no cell is far enough above the lowest"),
        BELOW_START("the highest cell is below the start voltage"),
        NOT_CHARGING("the mode allows balancing only while charging"),
        DISCHARGING("the mode does not allow balancing while discharging"),
        NO_CURRENT("the mode needs a valid current reading"),
        DISABLED("balancing.enabled is false"),
        OFF("switched off by command"),
        BLOCKED("a fault stops balancing"),
        NO_READING("no valid cell voltages"),
        TOO_HOT("the balance resistors are too hot"),
        NO_TEMPERATURE("the balance-resistor temperature cannot be read"),
        OPEN_WIRE_CHECK("paused for the open-wire check");

        private final String description;

        Activity(String description) {
            this.description = description;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public String description() {
            return description;
        }

        public static Optional<Activity> fromId(String id) {
            for (Activity a : values()) {
                if (a.id().equals(id)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }
}
