package org.pibms.control;

import org.pibms.core.FaultId;
import org.pibms.core.Measurement;
import org.pibms.core.settings.ProtectionSettings;
import org.pibms.core.settings.VoltageLimit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each tick which faults are active, from the measurement alone.
 *
 * <p>A fault trips when its condition has held for its delay and clears at its recovery level,
 * so a value near a threshold cannot make a MOS chatter. While the cell readings are invalid the
 * cell-voltage faults keep their state: nothing is cleared on data that was not measured. Every
 * transition is logged as {@code id: FROM -> TO (reason)}.
 */
final class Protection {

    /** How long the AFE may fail to deliver cell voltages before the pack counts as unmonitored. */
    static final int AFE_COMMUNICATION_DELAY_ms = 1000;

    private static final Logger log = LoggerFactory.getLogger(Protection.class);
    private static final long NOT_PENDING = Long.MIN_VALUE;

    private final CellLevel overvoltage;
    private final CellLevel undervoltage;

    private long active;
    private long afeLostSince_ns = NOT_PENDING;

    Protection(ProtectionSettings settings) {
        this.overvoltage = new CellLevel(FaultId.CELL_OVERVOLTAGE, settings.cellOvervoltage(), true);
        this.undervoltage = new CellLevel(FaultId.CELL_UNDERVOLTAGE, settings.cellUndervoltage(), false);
    }

    /** Updates and returns the mask of active faults ({@link FaultId#bit()}). */
    long evaluate(Measurement m) {
        long now = m.time_ns();
        if (!m.cellVoltagesValid()) {
            if (afeLostSince_ns == NOT_PENDING) {
                afeLostSince_ns = now;
            }
            if (!isActive(FaultId.AFE_COMMUNICATION_LOST)
                    && now - afeLostSince_ns >= AFE_COMMUNICATION_DELAY_ms * 1_000_000L) {
                active |= FaultId.AFE_COMMUNICATION_LOST.bit();
                log.error("{}: clear -> active (no valid cell voltages for {} ms)",
                        FaultId.AFE_COMMUNICATION_LOST.id(), (now - afeLostSince_ns) / 1_000_000);
            }
            return active;
        }
        afeLostSince_ns = NOT_PENDING;
        if (isActive(FaultId.AFE_COMMUNICATION_LOST)) {
            active &= ~FaultId.AFE_COMMUNICATION_LOST.bit();
            log.warn("{}: active -> clear (cell voltages valid again)", FaultId.AFE_COMMUNICATION_LOST.id());
        }
        int high = m.maxCell();
        evaluate(overvoltage, high, m.cellVoltage_mV(high), now);
        int low = m.minCell();
        evaluate(undervoltage, low, m.cellVoltage_mV(low), now);
        return active;
    }

    long active() {
        return active;
    }

    private void evaluate(CellLevel level, int cell, int voltage_mV, long now) {
        VoltageLimit limit = level.limit;
        if (isActive(level.fault)) {
            if (level.recovered(voltage_mV)) {
                active &= ~level.fault.bit();
                log.warn("{}: active -> clear (cell {} {} mV {} {} mV)",
                        level.fault.id(), cell + 1, voltage_mV, level.high ? "<=" : ">=", limit.recover_mV());
            }
        } else if (level.beyondTrip(voltage_mV)) {
            if (level.since_ns == NOT_PENDING) {
                level.since_ns = now;
            }
            if (now - level.since_ns >= limit.delay_ms() * 1_000_000L) {
                active |= level.fault.bit();
                level.since_ns = NOT_PENDING;
                log.warn("{}: clear -> active (cell {} {} mV {} {} mV for {} ms)",
                        level.fault.id(), cell + 1, voltage_mV, level.high ? ">=" : "<=", limit.trip_mV(),
                        limit.delay_ms());
            }
        } else {
            level.since_ns = NOT_PENDING;
        }
    }

    private boolean isActive(FaultId fault) {
        return (active & fault.bit()) != 0;
    }

    /** A cell-voltage fault: over a high level or under a low one. */
    private static final class CellLevel {
        final FaultId fault;
        final VoltageLimit limit;
        final boolean high;
        long since_ns = NOT_PENDING;

        CellLevel(FaultId fault, VoltageLimit limit, boolean high) {
            this.fault = fault;
            this.limit = limit;
            this.high = high;
        }

        boolean beyondTrip(int voltage_mV) {
            return high ? voltage_mV >= limit.trip_mV() : voltage_mV <= limit.trip_mV();
        }

        boolean recovered(int voltage_mV) {
            return high ? voltage_mV <= limit.recover_mV() : voltage_mV >= limit.recover_mV();
        }
    }
}
