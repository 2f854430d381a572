package org.pibms.core.settings;

import java.util.ArrayList;
import java.util.List;
import org.pibms.core.Chemistry;
import org.pibms.core.FaultId;
import org.pibms.core.Recovery;
import org.pibms.core.Unit;
import org.pibms.core.settings.ProtectionSettings.Limit;
import org.pibms.core.settings.ProtectionSettings.Pack;
import org.pibms.core.settings.ProtectionSettings.PulseBudget;
import org.pibms.core.settings.ProtectionSettings.Retry;

/**
 * The keys of the protection table and the rules its values must follow. The config loader and
 * the run-time {@code pibms set} command both go through here, so a value the daemon would
 * refuse at start is refused at run time too, with the same reason.
 */
public final class ProtectionRules {

    /** A value that breaks a rule: the row, the key in that row, and why. */
    public record Problem(FaultId fault, String key, String message) {
        @Override
        public String toString() {
            return "protection." + fault.id() + "." + key + ": " + message;
        }
    }

    static final int MAX_DELAY_ms = 60_000;
    static final int MAX_FAST_DELAY_ms = 1000;
    static final int MAX_RECOVER_DELAY_ms = 3_600_000;

    private ProtectionRules() {
    }

    /** Every key a row has in the config, in the order docs/protection.md lists them. */
    public static List<String> keys(FaultId id) {
        List<String> keys = new ArrayList<>();
        Unit unit = id.quantity().unit();
        if (id.optional()) {
            keys.add("enabled");
        }
        if (id == FaultId.MOS_PULSE_OVERLOAD) {
            keys.addAll(List.of("rated_A", "pulse_A", "pulse_s", "recover_pct"));
            return keys;
        }
        if (unit != Unit.FLAG) {
            keys.add("trip_" + unit.suffix());
        }
        if (id.recovery() == Recovery.AUTO && unit != Unit.FLAG) {
            keys.add("recover_" + unit.suffix());
        }
        keys.add("delay_ms");
        if (id.recovery() == Recovery.AUTO) {
            keys.add("recover_delay_ms");
        }
        if (id.recovery() == Recovery.RETRY) {
            keys.addAll(List.of("retry_s", "max_retries", "retry_window_s"));
        }
        if (id.recovery() != Recovery.PERSISTENT) {
            keys.add("recovery");
        }
        return keys;
    }

    /**
     * Applies one run-time change written as {@code pibms set} takes it: {@code fault.key} (e.g.
     * {@code cell_overvoltage.trip_mV}) and the value as text, in the config's unit. Checks the
     * key and the form of the value; {@link #check} checks the rules.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ProtectionSettings apply(ProtectionSettings settings, String key, String value) {
        FaultId id = fault(key);
        String field = key.substring(key.indexOf('.') + 1);
        return switch (field) {
            case "enabled" -> setEnabled(settings, id, parseBoolean(value));
            case "recovery" -> setRecovery(settings, id, Recovery.fromId(value).orElseThrow(
                    () -> new IllegalArgumentException("expected manual or persistent, got '" + value + "'")));
            default -> set(settings, id, field, parseNumber(value));
        };
    }

    /** The value of a {@code fault.key} as the config file would write it. */
    public static Object value(ProtectionSettings settings, String key) {
        return value(settings, fault(key), key.substring(key.indexOf('.') + 1));
    }

    private static FaultId fault(String key) {
        int dot = key.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("'" + key + "' is not a protection key: write it as fault.key, e.g."
                    + " cell_overvoltage.trip_mV");
        }
        String row = key.substring(0, dot);
        return FaultId.fromId(row).orElseThrow(() -> new IllegalArgumentException("protection has no fault '" + row
                + "'"));
    }

    private static boolean parseBoolean(String text) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false, got '" + text + "'");
        };
    }

    private static double parseNumber(String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number, got '" + text + "'");
        }
    }

    /** The current value of a key, as the config file would write it. */
    public static Object value(ProtectionSettings settings, FaultId id, String key) {
        Limit limit = settings.limit(id);
        Unit unit = id.quantity().unit();
        PulseBudget pulse = settings.pulse();
        return switch (key) {
            case "enabled" -> limit.enabled();
            case "delay_ms" -> limit.delay_ms();
            case "recover_delay_ms" -> limit.recoverDelay_ms();
            case "retry_s" -> limit.retry().retry_ms() / 1000.0;
            case "max_retries" -> limit.retry().maxRetries();
            case "retry_window_s" -> limit.retry().window_ms() / 1000.0;
            case "recovery" -> limit.recovery().id();
            case "rated_A" -> pulse.rated_mA() / 1000.0;
            case "pulse_A" -> pulse.pulse_mA() / 1000.0;
            case "pulse_s" -> pulse.pulse_ms() / 1000.0;
            default -> {
                if (key.equals("trip_" + unit.suffix())) {
                    yield display(unit, limit.trip());
                }
                if (key.equals("recover_" + unit.suffix())) {
                    yield display(unit, limit.recover());
                }
                throw new IllegalArgumentException("protection." + id.id() + " has no key '" + key + "'");
            }
        };
    }

    /** A whole number for whole-number units, so 3650 reads as 3650 and not 3650.0. */
    private static Object display(Unit unit, int base) {
        if (unit.decimal()) {
            return unit.toDisplay(base);
        }
        return base;
    }

    /**
     * Sets one numeric key, converting from the config's unit. Whole-number keys must get whole
     * numbers. Checks only the form of the value: {@link #check} checks the rules.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ProtectionSettings set(ProtectionSettings settings, FaultId id, String key, double value) {
        if (!keys(id).contains(key)) {
            throw new IllegalArgumentException("protection." + id.id() + " has no key '" + key + "'; its keys are "
                    + String.join(", ", keys(id)));
        }
        if (!Double.isFinite(value) || Math.abs(value) > 1e9) {
            throw new IllegalArgumentException("'" + value + "' is not a usable number");
        }
        Limit limit = settings.limit(id);
        Unit unit = id.quantity().unit();
        PulseBudget pulse = settings.pulse();
        return switch (key) {
            case "enabled", "recovery" -> throw new IllegalArgumentException(key + " is not a number");
            case "delay_ms" -> settings.with(id, limit.withDelay_ms(whole(key, value)));
            case "recover_delay_ms" -> settings.with(id, limit.withRecoverDelay_ms(whole(key, value)));
            case "retry_s" -> settings.with(id, limit.withRetry(new Retry(millis(value), limit.retry().maxRetries(),
                    limit.retry().window_ms())));
            case "max_retries" -> settings.with(id, limit.withRetry(new Retry(limit.retry().retry_ms(),
                    whole(key, value), limit.retry().window_ms())));
            case "retry_window_s" -> settings.with(id, limit.withRetry(new Retry(limit.retry().retry_ms(),
                    limit.retry().maxRetries(), millis(value))));
            case "rated_A" -> settings.withPulse(new PulseBudget(milli(value), pulse.pulse_mA(), pulse.pulse_ms()));
            case "pulse_A" -> settings.withPulse(new PulseBudget(pulse.rated_mA(), milli(value), pulse.pulse_ms()));
            case "pulse_s" -> settings.withPulse(new PulseBudget(pulse.rated_mA(), pulse.pulse_mA(), millis(value)));
            default -> {
                int base = unit.decimal() ? unit.fromDisplay(value) : whole(key, value);
                if (key.startsWith("trip_")) {
                    yield settings.with(id, limit.withTrip(base));
                }
                yield settings.with(id, limit.withRecover(base));
            }
        };
    }

    private static int whole(String key, double value) {
        if (value != Math.rint(value)) {
            throw new IllegalArgumentException(key + " takes a whole number, not " + value);
        }
        return (int) value;
    }

    private static int millis(double seconds) {
        return (int) Math.round(seconds * 1000);
    }

    private static int milli(double amperes) {
        return (int) Math.round(amperes * 1000);
    }

    public static ProtectionSettings setEnabled(ProtectionSettings settings, FaultId id, boolean enabled) {
        if (!id.optional()) {
            throw new IllegalArgumentException(id.id() + " protects the pack and cannot be switched off");
        }
        return settings.with(id, settings.limit(id).withEnabled(enabled));
    }

    /** @throws IllegalArgumentException if the recovery is less strict than the table's */
    public static ProtectionSettings setRecovery(ProtectionSettings settings, FaultId id, Recovery recovery) {
        if (recovery.compareTo(id.recovery()) < 0 || (recovery == Recovery.RETRY && id.recovery() != Recovery.RETRY)
                || (recovery == Recovery.AUTO && id.recovery() != Recovery.AUTO)) {
            throw new IllegalArgumentException(id.id() + " recovers " + id.recovery().id()
                    + " at least; only a stricter recovery (" + stricter(id) + ") may be set");
        }
        return settings.with(id, settings.limit(id).withRecovery(recovery));
    }

    private static String stricter(FaultId id) {
        return String.join(", ", recoveries(id));
    }

    /** The recoveries a row may be given: its own, and the stricter manual ones. */
    public static List<String> recoveries(FaultId id) {
        List<String> words = new ArrayList<>();
        for (Recovery r : Recovery.values()) {
            if (r.compareTo(id.recovery()) >= 0 && (r.manual() || r == id.recovery())) {
                words.add(r.id());
            }
        }
        return words;
    }

    /** Every rule the settings break; empty when they are safe and consistent. */
    public static List<Problem> check(ProtectionSettings s, Pack pack) {
        List<Problem> problems = new ArrayList<>();
        Window cell = cellWindow(pack.chemistry());
        for (FaultId id : FaultId.values()) {
            Limit limit = s.limit(id);
            Unit unit = id.quantity().unit();
            String trip = "trip_" + unit.suffix();
            String recover = "recover_" + unit.suffix();
            Window window = window(id, pack, cell);
            if (window != null && id != FaultId.MOS_PULSE_OVERLOAD) {
                if (outside(limit.trip(), window)) {
                    problems.add(new Problem(id, trip, unit.format(limit.trip()) + " is outside the safe range "
                            + unit.format(window.min) + " .. " + unit.format(window.max) + window.why));
                }
            }
            if (limit.recovery() == Recovery.AUTO && unit != Unit.FLAG && id != FaultId.MOS_PULSE_OVERLOAD) {
                boolean above = id.trip() == FaultId.Trip.ABOVE;
                if (above ? limit.recover() >= limit.trip() : limit.recover() <= limit.trip()) {
                    problems.add(new Problem(id, recover, "must be " + (above ? "below" : "above") + " " + trip + " ("
                            + unit.format(limit.trip()) + "), or the fault could never clear"));
                } else if (outside(limit.recover(), window(id, pack, cell, true))) {
                    Window w = window(id, pack, cell, true);
                    problems.add(new Problem(id, recover, unit.format(limit.recover()) + " is outside "
                            + unit.format(w.min) + " .. " + unit.format(w.max)));
                }
            }
            int maxDelay = id == FaultId.DISCHARGE_OVERCURRENT_FAST || id == FaultId.SHORT_CIRCUIT ? MAX_FAST_DELAY_ms
                    : MAX_DELAY_ms;
            if (limit.delay_ms() < 0 || limit.delay_ms() > maxDelay) {
                problems.add(new Problem(id, "delay_ms", limit.delay_ms() + " ms is outside 0 .. " + maxDelay + " ms"));
            }
            if (limit.recoverDelay_ms() < 0 || limit.recoverDelay_ms() > MAX_RECOVER_DELAY_ms) {
                problems.add(new Problem(id, "recover_delay_ms", limit.recoverDelay_ms() + " ms is outside 0 .. "
                        + MAX_RECOVER_DELAY_ms + " ms"));
            }
            if (limit.retry() != null) {
                Retry r = limit.retry();
                if (r.retry_ms() < 1000 || r.retry_ms() > 3_600_000) {
                    problems.add(new Problem(id, "retry_s", r.retry_ms() / 1000.0 + " s is outside 1 .. 3600 s"));
                }
                if (r.maxRetries() < 0 || r.maxRetries() > 100) {
                    problems.add(new Problem(id, "max_retries", r.maxRetries() + " is outside 0 .. 100"));
                }
                if (r.window_ms() < r.retry_ms() || r.window_ms() > 86_400_000) {
                    problems.add(new Problem(id, "retry_window_s", r.window_ms() / 1000.0
                            + " s must be at least retry_s (" + r.retry_ms() / 1000.0 + " s) and at most 86400 s"));
                }
            }
        }
        relations(s, problems);
        pulse(s, pack, problems);
        return problems;
    }

    private static void relations(ProtectionSettings s, List<Problem> problems) {
        below(s, FaultId.CELL_OVERVOLTAGE_WARNING, FaultId.CELL_OVERVOLTAGE, "the warning must come before the trip",
                problems);
        below(s, FaultId.CELL_UNDERVOLTAGE, FaultId.CELL_UNDERVOLTAGE_WARNING, "the warning must come before the trip",
                problems);
        below(s, FaultId.CELL_DEEP_DISCHARGE, FaultId.CELL_UNDERVOLTAGE,
                "deep discharge is the last line, below under-voltage", problems);
        below(s, FaultId.CELL_UNDERVOLTAGE, FaultId.CELL_OVERVOLTAGE, "a cell could be too high and too low at once",
                problems);
        Limit uv = s.limit(FaultId.CELL_UNDERVOLTAGE);
        Limit ov = s.limit(FaultId.CELL_OVERVOLTAGE);
        if (uv.recover() >= ov.recover()) {
            problems.add(new Problem(FaultId.CELL_UNDERVOLTAGE, "recover_mV", "must be below cell_overvoltage.recover_mV ("
                    + ov.recover() + " mV), or a cell could need to be too high and too low at once to recover"));
        }
        below(s, FaultId.PACK_UNDERVOLTAGE, FaultId.PACK_OVERVOLTAGE, "the pack window would be empty", problems);
        below(s, FaultId.DISCHARGE_OVERCURRENT, FaultId.DISCHARGE_OVERCURRENT_FAST,
                "level 2 is the higher current", problems);
        if (s.limit(FaultId.DISCHARGE_OVERCURRENT_FAST).delay_ms() > s.limit(FaultId.DISCHARGE_OVERCURRENT).delay_ms()) {
            problems.add(new Problem(FaultId.DISCHARGE_OVERCURRENT_FAST, "delay_ms", "must not be longer than"
                    + " discharge_overcurrent.delay_ms (" + s.limit(FaultId.DISCHARGE_OVERCURRENT).delay_ms()
                    + " ms): the higher current must trip sooner"));
        }
        below(s, FaultId.CHARGE_UNDERTEMPERATURE, FaultId.CHARGE_OVERTEMPERATURE, "the charge window would be empty",
                problems);
        below(s, FaultId.DISCHARGE_UNDERTEMPERATURE, FaultId.DISCHARGE_OVERTEMPERATURE,
                "the discharge window would be empty", problems);
    }

    /** {@code low}'s trip level must be below {@code high}'s. */
    private static void below(ProtectionSettings s, FaultId low, FaultId high, String why, List<Problem> problems) {
        Unit unit = low.quantity().unit();
        int lowTrip = s.limit(low).trip();
        int highTrip = s.limit(high).trip();
        if (lowTrip >= highTrip) {
            FaultId blamed = low.optional() ? low : high.optional() ? high : low;
            int other = blamed == low ? highTrip : lowTrip;
            FaultId otherId = blamed == low ? high : low;
            problems.add(new Problem(blamed, "trip_" + unit.suffix(), "must be " + (blamed == low ? "below " : "above ")
                    + otherId.id() + ".trip_" + unit.suffix() + " (" + unit.format(other) + "): " + why));
        }
    }

    private static void pulse(ProtectionSettings s, Pack pack, List<Problem> problems) {
        PulseBudget p = s.pulse();
        FaultId id = FaultId.MOS_PULSE_OVERLOAD;
        if (p.rated_mA() < 1000 || p.rated_mA() > 2_000_000) {
            problems.add(new Problem(id, "rated_A", p.rated_mA() / 1000.0 + " A is outside 1 .. 2000 A"));
        }
        if (p.pulse_mA() <= p.rated_mA() || p.pulse_mA() > 5_000_000) {
            problems.add(new Problem(id, "pulse_A", "must be above rated_A (" + p.rated_mA() / 1000.0
                    + " A) and at most 5000 A"));
        }
        if (p.pulse_ms() < 100 || p.pulse_ms() > 600_000) {
            problems.add(new Problem(id, "pulse_s", p.pulse_ms() / 1000.0 + " s is outside 0.1 .. 600 s"));
        }
        int recover = s.limit(id).recover();
        if (recover < 0 || recover > 900) {
            problems.add(new Problem(id, "recover_pct", recover / 10.0 + " % is outside 0 .. 90 %"));
        }
    }

    /** The lowest and highest cell voltage any protection level may be set to. */
    public static Window cellWindow(Chemistry chemistry) {
        return switch (chemistry) {
            case LFP -> new Window(2000, 3800, " for LFP cells");
            case NMC -> new Window(2500, 4300, " for NMC cells");
        };
    }

    /** An allowed range, in base units. */
    public record Window(int min, int max, String why) {
    }

    private static Window window(FaultId id, Pack pack, Window cell) {
        return window(id, pack, cell, false);
    }

    private static Window window(FaultId id, Pack pack, Window cell, boolean recovery) {
        int n = pack.cells();
        int sensor = pack.currentSensorMax_mA();
        return switch (id) {
            case CELL_OVERVOLTAGE_WARNING, CELL_OVERVOLTAGE, CELL_UNDERVOLTAGE_WARNING, CELL_UNDERVOLTAGE,
                    CELL_DEEP_DISCHARGE -> cell;
            case PACK_OVERVOLTAGE, PACK_UNDERVOLTAGE -> new Window(n * cell.min(), n * cell.max(),
                    " (" + n + " cells" + cell.why() + ")");
            case CHARGE_OVERCURRENT, DISCHARGE_OVERCURRENT, DISCHARGE_OVERCURRENT_FAST -> new Window(1000, sensor,
                    ": the current sensor measures up to " + Unit.MILLIAMPERE.format(sensor));
            case CHARGE_OVERTEMPERATURE -> recovery ? temperatures() : new Window(200, 600,
                    ": charging lithium cells above 60 °C is unsafe");
            case CHARGE_UNDERTEMPERATURE -> recovery ? temperatures() : new Window(-100, 150,
                    ": charging lithium cells below -10 °C plates lithium");
            case DISCHARGE_OVERTEMPERATURE -> recovery ? temperatures() : new Window(300, 750, "");
            case DISCHARGE_UNDERTEMPERATURE -> recovery ? temperatures() : new Window(-300, 100, "");
            case MOS_OVERTEMPERATURE -> recovery ? temperatures() : new Window(500, 1200, "");
            case BALANCE_OVERTEMPERATURE -> recovery ? temperatures() : new Window(400, 1000, "");
            case CELL_IMBALANCE -> new Window(10, 2000, "");
            case AFE_COMMUNICATION_LOST -> recovery ? new Window(0, 49, "") : new Window(1, 50, "");
            case AFE_PEC_ERROR_STORM -> recovery ? new Window(0, 9999, "") : new Window(1, 10_000, "");
            case CURRENT_SENSOR_FAILURE -> recovery ? new Window(0, 99, "") : new Window(1, 100, "");
            case PACK_VOLTAGE_MISMATCH -> new Window(100, 20_000, "");
            case LOW_SOC -> recovery ? new Window(0, 1000, "") : new Window(0, 500, "");
            case MOS_PULSE_OVERLOAD, SHORT_CIRCUIT, OPEN_WIRE, TEMPERATURE_SENSOR_FAILURE, PRECHARGE_FAILED -> null;
        };
    }

    private static boolean outside(int value, Window window) {
        return value < window.min() || value > window.max();
    }

    private static Window temperatures() {
        return new Window(-400, 1300, "");
    }

}
