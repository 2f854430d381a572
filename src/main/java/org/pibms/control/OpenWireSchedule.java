package org.pibms.control;

import org.pibms.core.Measurement;
import org.pibms.core.settings.OpenWireSettings;

/**
 * When the open-wire test is due: at start, after a fault reset, every {@code interval_min}, and
 * after a cell reading jumped. A jump is a cell moving {@code jump_mV} more than the cells did
 * on average within one tick: a loose sense wire moves one cell up and its neighbour down, a
 * load step moves them all together. Control thread only; allocates nothing.
 */
final class OpenWireSchedule {

    /** Why a check is due, for the log. */
    enum Reason {
        START, RESET, PERIODIC, JUMP
    }

    private final OpenWireSettings settings;
    private final int[] previous_mV;
    private boolean previousValid;
    private Reason due = Reason.START;
    private long lastCheck_ms = Long.MIN_VALUE;
    private int jumpCell = -1;
    private int jump_mV;

    OpenWireSchedule(OpenWireSettings settings, int cells) {
        this.settings = settings;
        this.previous_mV = new int[cells];
    }

    void request(Reason reason) {
        if (due == null) {
            due = reason;
        }
    }

    /** Looks at one tick's cells; call after every read. */
    void observe(long time_ms, Measurement m) {
        if (due == null && settings.interval_ms() > 0 && lastCheck_ms != Long.MIN_VALUE
                && time_ms - lastCheck_ms >= settings.interval_ms()) {
            due = Reason.PERIODIC;
        }
        if (!m.cellVoltagesValid()) {
            previousValid = false;
            return;
        }
        int cells = previous_mV.length;
        if (previousValid) {
            long sum = 0;
            for (int i = 0; i < cells; i++) {
                sum += m.cellVoltage_mV(i) - previous_mV[i];
            }
            double mean = (double) sum / cells;
            for (int i = 0; i < cells; i++) {
                double apart = m.cellVoltage_mV(i) - previous_mV[i] - mean;
                if (Math.abs(apart) >= settings.jump_mV() && due == null) {
                    due = Reason.JUMP;
                    jumpCell = i;
                    jump_mV = (int) Math.round(apart);
                }
            }
        }
        for (int i = 0; i < cells; i++) {
            previous_mV[i] = m.cellVoltage_mV(i);
        }
        previousValid = true;
    }

    /** The reason the test is due, or null. */
    Reason due() {
        return due;
    }

    /** The cell (index) whose jump made the test due, and by how much it moved against the others. */
    int jumpCell() {
        return jumpCell;
    }

    int jump_mV() {
        return jump_mV;
    }

    /** The test ran. */
    void done(long time_ms) {
        due = null;
        jumpCell = -1;
        lastCheck_ms = time_ms;
    }
}
