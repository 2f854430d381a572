package org.pibms.core;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Commands that operate the BMS: manual MOS control, fault reset and run-time limit changes. */
public sealed interface ControlCommand extends Command {

    /** The command as the event log and the answers name it, e.g. {@code mos charge off}. */
    String describe();

    /** A current path through the MOSFETs. */
    enum Path {
        CHARGE, DISCHARGE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Path> fromId(String id) {
            for (Path p : values()) {
                if (p.id().equals(id)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Manual MOS control. Off holds the path open until a manual on; on only takes back a manual
     * off, it never overrides a protection.
     */
    record SetMos(Path path, boolean on) implements ControlCommand {

        @Override
        public String describe() {
            return "mos " + path.id() + " " + (on ? "on" : "off");
        }
    }

    /** Ends every manual-reset and locked-out fault whose cause is gone, and re-runs the open-wire check. */
    record ResetFaults() implements ControlCommand {

        @Override
        public String describe() {
            return "fault reset";
        }
    }

    /**
     * Changes one protection key at run time, in the config's unit, e.g. {@code cell_overvoltage.trip_mV}
     * = 3600. Validated by the same rules as the config file; lasts until the daemon restarts.
     */
    record SetProtection(String key, String value) implements ControlCommand {

        @Override
        public String describe() {
            return "set protection." + key + " " + value;
        }
    }

    /**
     * Several protection keys changed at once, as the web app's settings page saves them: all
     * are applied or none, and the table is checked as a whole, so a trip and its recovery level
     * can move together.
     */
    record ChangeProtection(List<SetProtection> changes) implements ControlCommand {

        public ChangeProtection {
            if (changes.isEmpty()) {
                throw new IllegalArgumentException("no protection key to change");
            }
            changes = List.copyOf(changes);
        }

        @Override
        public String describe() {
            StringBuilder text = new StringBuilder("set");
            for (SetProtection change : changes) {
                text.append(" protection.").append(change.key()).append(" ").append(change.value());
            }
            return text.toString();
        }
    }

    /** {@code pibms balance on|off|auto}: lasts until the next such command or a restart. */
    record SetBalancing(Balancing.Command command) implements ControlCommand {

        @Override
        public String describe() {
            return "balance " + command.id();
        }
    }
}
