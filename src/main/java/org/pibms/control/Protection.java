package org.pibms.control;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.pibms.core.ActiveFault;
import org.pibms.core.Counters;
import org.pibms.core.Event;
import org.pibms.core.EventSink;
import org.pibms.core.FaultId;
import org.pibms.core.Measurement;
import org.pibms.core.Quantity;
import org.pibms.core.Recovery;
import org.pibms.core.Severity;
import org.pibms.core.Unit;
import org.pibms.core.settings.ProtectionSettings;
import org.pibms.core.settings.ProtectionSettings.Limit;
import org.pibms.core.settings.SensorLocation;
import org.pibms.core.settings.Settings;
import org.pibms.core.settings.TemperatureSensorSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the protection table ({@link FaultId}) once per tick.
 *
 * <p>First every {@link Quantity} is worked out from the measurement, with the cell, sensor or
 * wire it comes from. Then each row is a small state machine: a fault trips when its condition
 * has held on every valid reading for its delay, and ends as its recovery says: at the
 * recovery level after the recovery delay (auto), after the retry time unless it tripped too
 * often (retry), or only by {@link #reset} once the cause is gone (manual, persistent). A
 * quantity that could not be measured this tick changes nothing: a fault is neither raised nor
 * cleared on data that was not there; the faults for failed sensors cover that case.
 *
 * <p>Every transition is logged once as {@code protection: FROM -> TO (fault, source, value,
 * threshold)}. Control thread only; steady-state evaluation allocates nothing.
 */
final class Protection {

    /** The window over which AFE PEC errors are counted. */
    static final long PEC_WINDOW_ns = 10_000_000_000L;

    private static final Logger log = LoggerFactory.getLogger(Protection.class);
    private static final long NEVER = Long.MIN_VALUE;
    private static final FaultId[] ROWS = FaultId.values();
    private static final Quantity[] QUANTITIES = Quantity.values();

    private ProtectionSettings settings;
    /** The rows of {@link #settings} by fault ordinal: a tick looks them up many times. */
    private final Limit[] limits = new Limit[ROWS.length];
    private final List<String> sensorNames;
    private final SensorLocation[] sensorLocation;
    private final boolean[] sensorOnAfe;
    /** Whether a hardware latch input exists: without one, only the current sensor's alert counts. */
    private final boolean latchWired;

    // the quantities of this tick
    private final int[] value = new int[QUANTITIES.length];
    private final int[] source = new int[QUANTITIES.length];
    private final boolean[] known = new boolean[QUANTITIES.length];

    // one state machine per row
    private final long[] pendingSince_ns = new long[ROWS.length];
    private final long[] recoveringSince_ns = new long[ROWS.length];
    private final long[] trippedAt_ns = new long[ROWS.length];
    private final long[] retryWindowStart_ns = new long[ROWS.length];
    private final int[] tripsInWindow = new int[ROWS.length];
    private final int[] tripValue = new int[ROWS.length];
    private final int[] tripSource = new int[ROWS.length];
    /** Lifetime trips per fault, restored from the state file. */
    private final long[] trips = new long[ROWS.length];
    private EventSink events = EventSink.NONE;
    private long eventTime_ms;
    private long active;
    private long lockedOut;
    /** Latched before a restart: no reading of this run belongs to them. */
    private long restored;
    private boolean stays;

    // inputs that are not in the measurement
    private int soc_permille;
    private boolean socKnown;
    private long pecErrors;
    private long openWires;
    private boolean openWiresKnown;
    private boolean prechargeTimedOut;
    private boolean temperaturesRead;

    // running state behind some quantities
    private int afeFailedReads;
    private int currentFailedReads;
    private double heat_A2ms;
    private long lastHeat_ns = NEVER;
    private long pecWindowStart_ns = NEVER;
    private long pecAtWindowStart;
    private int pecLastWindow;

    /**
     * @param sensorOnAfe per sensor: true when the AFE reads it, so an invalid reading while the
     *                    AFE answers means the sensor itself has failed
     * @param latchWired  whether the hardware short-circuit latch is wired to an input
     */
    /** The protection for a configured pack: its table, its temperature sensors and its latch input. */
    static Protection forSettings(Settings settings) {
        List<TemperatureSensorSettings> sensors = settings.temperatureSensors();
        SensorLocation[] locations = new SensorLocation[sensors.size()];
        boolean[] onAfe = new boolean[sensors.size()];
        for (int i = 0; i < locations.length; i++) {
            locations[i] = sensors.get(i).location();
            onAfe[i] = !(sensors.get(i).input() instanceof TemperatureSensorSettings.Ina228Die);
        }
        return new Protection(settings.protection(), settings.temperatureSensorNames(), locations, onAfe,
                settings.hardware().gpio().shortCircuit().isPresent());
    }

    Protection(ProtectionSettings settings, List<String> sensorNames, SensorLocation[] sensorLocation,
            boolean[] sensorOnAfe, boolean latchWired) {
        this.latchWired = latchWired;
        useSettings(settings);
        this.sensorNames = List.copyOf(sensorNames);
        this.sensorLocation = sensorLocation.clone();
        this.sensorOnAfe = sensorOnAfe.clone();
        Arrays.fill(pendingSince_ns, NEVER);
        Arrays.fill(recoveringSince_ns, NEVER);
        Arrays.fill(tripSource, -1);
    }

    ProtectionSettings settings() {
        return settings;
    }

    /** New limits from a validated command; a row switched off ends at once. */
    void setSettings(ProtectionSettings next) {
        useSettings(next);
        for (FaultId id : ROWS) {
            if (!limit(id).enabled() && isActive(id)) {
                end(id, "switched off");
            }
        }
    }

    private void useSettings(ProtectionSettings next) {
        this.settings = next;
        for (FaultId id : ROWS) {
            limits[id.ordinal()] = next.limit(id);
        }
    }

    private Limit limit(FaultId id) {
        return limits[id.ordinal()];
    }

    void setSoc(int soc_permille, boolean known) {
        this.soc_permille = soc_permille;
        this.socKnown = known;
    }

    /** The AFE's running count of PEC errors, recovered ones included. */
    void setPecErrors(long total) {
        this.pecErrors = total;
    }

    /** The result of the last open-wire check: bit w = wire w open. */
    void setOpenWires(long mask) {
        this.openWires = mask;
        this.openWiresKnown = true;
    }

    /** The pre-charge gave up this tick. */
    void setPrechargeTimedOut(boolean timedOut) {
        this.prechargeTimedOut = timedOut;
    }

    /** Whether the AFE answered the temperature read this tick. */
    void setTemperaturesRead(boolean read) {
        this.temperaturesRead = read;
    }

    /** Where trips and recoveries are recorded, stamped with the time of {@link #setEventTime}. */
    void setEvents(EventSink sink) {
        this.events = sink;
    }

    /** The wall-clock time of this tick, for the events it records. */
    void setEventTime(long time_ms) {
        this.eventTime_ms = time_ms;
    }

    /** The lifetime trip counts as the state file kept them. */
    void restoreTrips(Counters counters) {
        for (FaultId id : ROWS) {
            trips[id.ordinal()] = counters.trips(id);
        }
    }

    /** How often a fault has tripped, over the life the state file remembers. */
    long trips(FaultId id) {
        return trips[id.ordinal()];
    }

    /** Faults the state file says were latched when the daemon last ran. */
    void restoreLatched(long mask) {
        for (FaultId id : ROWS) {
            if ((mask & id.bit()) != 0 && !isActive(id)) {
                active |= id.bit();
                restored |= id.bit();
                tripSource[id.ordinal()] = -1;
                log.error("clear -> active ({}, latched before the restart; `pibms fault reset` once"
                        + " the cause is gone)", id.id());
            }
        }
    }

    /** Updates and returns the mask of active faults. */
    long evaluate(Measurement m) {
        long now = m.time_ns();
        measureQuantities(m, now);
        for (FaultId id : ROWS) {
            evaluate(id, now);
        }
        prechargeTimedOut = false;
        return active;
    }

    /** Whether this tick measured a quantity; {@link #value} is meaningful only then. */
    boolean known(Quantity q) {
        return known[q.ordinal()];
    }

    /** A quantity as this tick measured it, in its base unit. */
    int value(Quantity q) {
        return value[q.ordinal()];
    }

    long active() {
        return active;
    }

    /** Retry faults that tripped too often and now wait for a manual reset. */
    long lockedOut() {
        return lockedOut;
    }

    /** Faults active since before the restart, with no reading of this run. */
    long restored() {
        return restored;
    }

    /** Active faults that must be remembered across a restart. */
    long persistent() {
        long mask = 0;
        for (FaultId id : ROWS) {
            if (isActive(id) && limit(id).recovery() == Recovery.PERSISTENT) {
                mask |= id.bit();
            }
        }
        return mask;
    }

    /** The reading that tripped a fault, in its base unit. */
    int tripValue(FaultId id) {
        return tripValue[id.ordinal()];
    }

    /** Index of the cell, sensor or wire that tripped a fault; -1 if none. */
    int tripSource(FaultId id) {
        return tripSource[id.ordinal()];
    }

    /** The trip level of a fault now. */
    int threshold(FaultId id) {
        return limit(id).trip();
    }

    /**
     * Ends every manual-reset fault and locked-out retry fault whose cause is gone.
     *
     * @return what was reset and what is still there, one fault per line; empty if nothing waited
     */
    String reset(long now_ns) {
        stays = false;
        StringBuilder answer = new StringBuilder();
        for (FaultId id : ROWS) {
            boolean manual = limit(id).recovery().manual();
            boolean locked = (lockedOut & id.bit()) != 0;
            if (!isActive(id) || !(manual || locked)) {
                continue;
            }
            Quantity q = id.quantity();
            if (!known[q.ordinal()]) {
                stays = true;
                line(answer, id.id() + " stays: " + q.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                        + " cannot be measured now");
            } else if (beyondTrip(id, value[q.ordinal()])) {
                stays = true;
                String where = sourceName(id, source[q.ordinal()]);
                line(answer, id.id() + " stays: " + (q.unit() == Unit.FLAG
                        ? (where.isEmpty() ? "" : where + ": ") + "still present"
                        : describeNow(id) + " is still beyond " + ProtectionSettings.format(id, threshold(id))));
            } else {
                end(id, "reset by command");
                tripsInWindow[id.ordinal()] = 0;
                line(answer, id.id() + " reset");
            }
        }
        return answer.toString();
    }

    /** Whether the last {@link #reset} left a fault in place. */
    boolean resetLeftFaults() {
        return stays;
    }

    private static void line(StringBuilder text, String line) {
        text.append(text.length() == 0 ? "" : "\n").append(line);
    }

    private void evaluate(FaultId id, long now) {
        Limit limit = limit(id);
        int q = id.quantity().ordinal();
        int row = id.ordinal();
        if (!limit.enabled() || !known[q]) {
            return;
        }
        int v = value[q];
        boolean beyond = beyondTrip(id, v);
        if (!isActive(id)) {
            if (!beyond) {
                pendingSince_ns[row] = NEVER;
                return;
            }
            if (pendingSince_ns[row] == NEVER) {
                pendingSince_ns[row] = now;
            }
            if (now - pendingSince_ns[row] >= limit.delay_ms() * 1_000_000L) {
                trip(id, limit, v, source[q], now);
            }
            return;
        }
        switch (limit.recovery()) {
            case AUTO -> {
                if (!recovered(id, v)) {
                    recoveringSince_ns[row] = NEVER;
                    return;
                }
                if (recoveringSince_ns[row] == NEVER) {
                    recoveringSince_ns[row] = now;
                }
                if (now - recoveringSince_ns[row] >= limit.recoverDelay_ms() * 1_000_000L) {
                    end(id, describeNow(id) + " back past " + ProtectionSettings.format(id, limit.recover()));
                }
            }
            case RETRY -> {
                if ((lockedOut & id.bit()) == 0 && !beyond
                        && now - trippedAt_ns[row] >= limit.retry().retry_ms() * 1_000_000L) {
                    end(id, "retry after " + limit.retry().retry_ms() / 1000 + " s, trip "
                            + tripsInWindow[row] + " of " + (limit.retry().maxRetries() + 1) + " allowed in "
                            + limit.retry().window_ms() / 1000 + " s");
                }
            }
            case MANUAL, PERSISTENT -> {
                // only reset() ends these
            }
        }
    }

    private void trip(FaultId id, Limit limit, int v, int from, long now) {
        int row = id.ordinal();
        active |= id.bit();
        pendingSince_ns[row] = NEVER;
        recoveringSince_ns[row] = NEVER;
        trippedAt_ns[row] = now;
        tripValue[row] = v;
        tripSource[row] = from;
        StringBuilder why = new StringBuilder(id.id());
        String where = sourceName(id, from);
        if (!where.isEmpty()) {
            why.append(", ").append(where);
        }
        if (id.quantity().unit() != Unit.FLAG) {
            why.append(", ").append(ProtectionSettings.format(id, v))
                    .append(id.trip() == FaultId.Trip.BELOW ? " <= " : " >= ")
                    .append(ProtectionSettings.format(id, limit.trip()));
        }
        if (limit.delay_ms() > 0) {
            why.append(" for ").append(limit.delay_ms()).append(" ms");
        }
        why.append("; ").append(reactionText(id));
        if (id.severity() == Severity.PROTECTION) {
            log.error("clear -> active ({})", why);
        } else {
            log.warn("clear -> active ({})", why);
        }
        trips[row]++;
        Unit unit = id.quantity().unit();
        events.append(unit == Unit.FLAG
                ? Event.of(eventTime_ms, Event.Kind.FAULT, "tripped: " + why, "fault", id.id(),
                        "severity", id.severity().id(), "source", where)
                : Event.of(eventTime_ms, Event.Kind.FAULT, "tripped: " + why, "fault", id.id(),
                        "severity", id.severity().id(), "source", where, "value", unit.toDisplay(v),
                        "threshold", unit.toDisplay(limit.trip()), "unit", unit.suffix()));
        if (limit.recovery() == Recovery.RETRY) {
            if (tripsInWindow[row] == 0 || now - retryWindowStart_ns[row] > limit.retry().window_ms() * 1_000_000L) {
                retryWindowStart_ns[row] = now;
                tripsInWindow[row] = 0;
            }
            tripsInWindow[row]++;
            if (tripsInWindow[row] > limit.retry().maxRetries()) {
                lockedOut |= id.bit();
                log.error("active -> locked out ({}, {} trips within {} s; `pibms fault reset` needed)",
                        id.id(), tripsInWindow[row], limit.retry().window_ms() / 1000);
                events.append(Event.of(eventTime_ms, Event.Kind.FAULT, "locked out: " + id.id() + ", "
                        + tripsInWindow[row] + " trips within " + limit.retry().window_ms() / 1000
                        + " s; `pibms fault reset` needed", "fault", id.id(), "locked_out", true));
            }
        }
    }

    private void end(FaultId id, String why) {
        active &= ~id.bit();
        restored &= ~id.bit();
        lockedOut &= ~id.bit();
        pendingSince_ns[id.ordinal()] = NEVER;
        recoveringSince_ns[id.ordinal()] = NEVER;
        log.warn("active -> clear ({}, {})", id.id(), why);
        events.append(Event.of(eventTime_ms, Event.Kind.RECOVERY, "cleared: " + id.id() + ", " + why,
                "fault", id.id(), "reason", why));
    }

    private String reactionText(FaultId id) {
        return switch (id.reaction()) {
            case NONE -> id.severity().id();
            case CHARGE -> "charging stops";
            case DISCHARGE -> "discharging stops";
            case BOTH -> "charging and discharging stop";
            case BALANCING -> "balancing stops";
        };
    }

    private String describeNow(FaultId id) {
        int q = id.quantity().ordinal();
        String where = sourceName(id, source[q]);
        String now = ProtectionSettings.format(id, value[q]);
        return where.isEmpty() ? now : where + " at " + now;
    }

    /** "cell 3", "sensor mos", "wire above cell 4", or "" for pack-wide quantities. */
    String sourceName(FaultId id, int index) {
        return ActiveFault.sourceName(id.quantity().source(), index, sensorNames);
    }

    private boolean isActive(FaultId id) {
        return (active & id.bit()) != 0;
    }

    private boolean beyondTrip(FaultId id, int v) {
        int trip = limit(id).trip();
        return switch (id.trip()) {
            case ABOVE -> v >= trip;
            case BELOW -> v <= trip;
            case WHEN_SET -> v != 0;
        };
    }

    private boolean recovered(FaultId id, int v) {
        int recover = limit(id).recover();
        return switch (id.trip()) {
            case ABOVE -> v <= recover;
            case BELOW -> v >= recover;
            case WHEN_SET -> v == 0;
        };
    }

    // ---- the quantities ----

    private void measureQuantities(Measurement m, long now) {
        Arrays.fill(known, false);
        Arrays.fill(source, -1);
        boolean cells = m.cellVoltagesValid();
        afeFailedReads = cells ? 0 : Math.min(afeFailedReads + 1, 1_000_000);
        set(Quantity.AFE_FAILED_READS, afeFailedReads, -1);
        currentFailedReads = m.currentValid() ? 0 : Math.min(currentFailedReads + 1, 1_000_000);
        set(Quantity.CURRENT_FAILED_READS, currentFailedReads, -1);
        if (cells) {
            int high = m.maxCell();
            int low = m.minCell();
            set(Quantity.HIGHEST_CELL_VOLTAGE, m.cellVoltage_mV(high), high);
            set(Quantity.LOWEST_CELL_VOLTAGE, m.cellVoltage_mV(low), low);
            set(Quantity.CELL_DELTA, m.cellVoltage_mV(high) - m.cellVoltage_mV(low), high);
        }
        int measuredPack_mV = m.packVoltageValid() ? m.packVoltage_mV()
                : m.shuntBusVoltageValid() ? m.shuntBusVoltage_mV() : -1;
        if (measuredPack_mV >= 0) {
            set(Quantity.PACK_VOLTAGE, measuredPack_mV, -1);
        } else if (cells) {
            set(Quantity.PACK_VOLTAGE, m.cellVoltageSum_mV(), -1);
        }
        if (cells && measuredPack_mV >= 0) {
            set(Quantity.CELL_SUM_DEVIATION, Math.abs(m.cellVoltageSum_mV() - measuredPack_mV), -1);
        }
        if (m.currentValid()) {
            int current = m.current_mA();
            set(Quantity.CHARGE_CURRENT, Math.max(0, current), -1);
            set(Quantity.DISCHARGE_CURRENT, Math.max(0, -current), -1);
        }
        mosHeat(m, now);
        temperatures(m);
        if (socKnown) {
            set(Quantity.STATE_OF_CHARGE, soc_permille, -1);
        }
        pecStorm(now);
        shortCircuit(m);
        if (openWiresKnown) {
            set(Quantity.OPEN_WIRE, openWires != 0 ? 1 : 0, openWires != 0 ? Long.numberOfTrailingZeros(openWires) : -1);
        }
        set(Quantity.PRECHARGE_TIMEOUT, prechargeTimedOut ? 1 : 0, -1);
    }

    private void set(Quantity q, int v, int from) {
        value[q.ordinal()] = v;
        source[q.ordinal()] = from;
        known[q.ordinal()] = true;
    }

    /** I²t above the rated current fills the budget; below it, the MOSFETs cool at the same rate. */
    private void mosHeat(Measurement m, long now) {
        ProtectionSettings.PulseBudget pulse = settings.pulse();
        double budget = pulse.budget_A2ms();
        if (m.currentValid()) {
            if (lastHeat_ns != NEVER) {
                double dt_ms = (now - lastHeat_ns) / 1e6;
                double current_A = m.current_mA() / 1000.0;
                double rated_A = pulse.rated_mA() / 1000.0;
                heat_A2ms += (current_A * current_A - rated_A * rated_A) * dt_ms;
                heat_A2ms = Math.max(0, Math.min(budget, heat_A2ms));
            }
            lastHeat_ns = now;
        }
        // rounded down, so the budget is used up when it is, not a tick sooner
        set(Quantity.MOS_HEAT, (int) Math.floor(heat_A2ms / budget * 1000 + 1e-9), -1);
    }

    private void temperatures(Measurement m) {
        int cellHigh = -1;
        int cellLow = -1;
        int mos = -1;
        int balance = -1;
        int failed = -1;
        for (int i = 0; i < sensorLocation.length; i++) {
            if (!m.temperatureValid(i)) {
                if (temperaturesRead && sensorOnAfe[i] && failed < 0) {
                    failed = i;
                }
                continue;
            }
            int t = m.temperature_dC(i);
            switch (sensorLocation[i]) {
                case CELL -> {
                    if (cellHigh < 0 || t > m.temperature_dC(cellHigh)) {
                        cellHigh = i;
                    }
                    if (cellLow < 0 || t < m.temperature_dC(cellLow)) {
                        cellLow = i;
                    }
                }
                case MOS -> {
                    if (mos < 0 || t > m.temperature_dC(mos)) {
                        mos = i;
                    }
                }
                case BALANCE -> {
                    if (balance < 0 || t > m.temperature_dC(balance)) {
                        balance = i;
                    }
                }
                case AMBIENT -> {
                    // reported, not protected on
                }
            }
        }
        if (cellHigh >= 0) {
            set(Quantity.HIGHEST_CELL_TEMPERATURE, m.temperature_dC(cellHigh), cellHigh);
            set(Quantity.LOWEST_CELL_TEMPERATURE, m.temperature_dC(cellLow), cellLow);
        }
        if (mos >= 0) {
            set(Quantity.MOS_TEMPERATURE, m.temperature_dC(mos), mos);
        }
        if (balance >= 0) {
            set(Quantity.BALANCE_TEMPERATURE, m.temperature_dC(balance), balance);
        }
        if (temperaturesRead) {
            set(Quantity.TEMPERATURE_SENSOR_FAILED, failed >= 0 ? 1 : 0, failed);
        }
    }

    /** PEC errors are counted per 10 s window; the row sees the count of the last complete window. */
    private void pecStorm(long now) {
        if (pecWindowStart_ns == NEVER) {
            pecWindowStart_ns = now;
            pecAtWindowStart = pecErrors;
        } else if (now - pecWindowStart_ns >= PEC_WINDOW_ns) {
            pecLastWindow = (int) Math.min(Integer.MAX_VALUE, pecErrors - pecAtWindowStart);
            pecWindowStart_ns = now;
            pecAtWindowStart = pecErrors;
        }
        set(Quantity.AFE_PEC_ERRORS, pecLastWindow, -1);
    }

    private void shortCircuit(Measurement m) {
        if (m.currentAlert() || (m.shortCircuitLatchValid() && m.shortCircuitLatch())) {
            set(Quantity.SHORT_CIRCUIT, 1, -1);
        } else if (m.shortCircuitLatchValid() || !latchWired) {
            set(Quantity.SHORT_CIRCUIT, 0, -1);
        }
    }
}
