package org.pibms.control;

import org.pibms.core.Balancing.Activity;
import org.pibms.core.Balancing.Command;
import org.pibms.core.Measurement;
import org.pibms.core.settings.BalancingSettings;

/**
 * Decides which cells bleed, tick by tick (docs/balancing.md). Pure: it sees a measurement,
 * the time and whether a fault forbids balancing, and returns the balance switches to set.
 *
 * <p>The cells to bleed are chosen once per window, from the reading taken at its start; within
 * the window each chosen cell's switch is closed for its duty, the share that turns the bleed
 * resistor's current into the configured one (and less when the resistors are warm). The
 * last {@code measure_pause_ms} of a window every switch is open, so the next choice is made
 * from an undisturbed reading. What stops balancing for safety (a command, a fault, no
 * reading, heat, the open-wire check) acts at once, not at the end of a window.
 *
 * <p>The switches returned by one step reach the chip with the next cell read and stay until
 * the one after, so the bled charge of an interval is counted with the switches in effect
 * during it. Control thread only; allocates nothing.
 */
public final class Balancer {

    /** A longer gap between steps is not counted: the chip's watchdog has opened the switches by then. */
    private static final long MAX_COUNTED_GAP_ms = 2000;

    private final BalancingSettings settings;
    private final int cells;
    private final double resistor_Ohm;
    private final int[] balanceSensors;

    private Command command = Command.AUTO;
    private Activity activity = Activity.BELOW_START;
    private boolean holdOff;
    private boolean decideNow = true;
    private boolean hot;
    private long windowStart_ms;
    private long lastStep_ms = Long.MIN_VALUE;
    private long decided;
    private long inEffect;
    private int balanceTemperature_dC = Integer.MIN_VALUE;
    private final boolean[] wanted;
    private final boolean[] selected;
    private final int[] on_ms;
    private final int[] effective_mA;
    private final int[] lastVoltage_mV;
    private final double[] balanced_mAs;

    /**
     * @param balanceSensors the temperature sensors on the balance resistors; none means no
     *                       thermal limit (the configuration warns about that at start)
     */
    public Balancer(BalancingSettings settings, int cells, double resistor_Ohm, int[] balanceSensors) {
        this.settings = settings;
        this.cells = cells;
        this.resistor_Ohm = resistor_Ohm;
        this.balanceSensors = balanceSensors.clone();
        this.wanted = new boolean[cells];
        this.selected = new boolean[cells];
        this.on_ms = new int[cells];
        this.effective_mA = new int[cells];
        this.lastVoltage_mV = new int[cells];
        this.balanced_mAs = new double[cells];
    }

    /** The operator's choice; takes effect at the next step, which chooses afresh. */
    public void setCommand(Command command) {
        this.command = command;
        decideNow = true;
    }

    public Command command() {
        return command;
    }

    /** While held off every switch is open; used to run the open-wire test on quiet wires. */
    public void holdOff(boolean hold) {
        if (holdOff && !hold) {
            decideNow = true;
        }
        holdOff = hold;
    }

    /** True when no switch is closed in the chip nor about to be. */
    public boolean switchesOpen() {
        return decided == 0 && inEffect == 0;
    }

    /**
     * One tick.
     *
     * @param blocked a fault that stops balancing is active
     * @return the balance switches to set: bit i = cell i+1 bleeds
     */
    public long step(long time_ms, Measurement m, boolean blocked) {
        count(time_ms, m);
        inEffect = decided;
        readTemperature(m);
        Activity stop = stopNow(m, blocked);
        if (stop != null) {
            activity = stop;
            // the open-wire test's pause keeps who was bleeding, so the stop delta still holds for them
            if (stop != Activity.OPEN_WIRE_CHECK) {
                release();
            }
            decided = 0;
            return 0;
        }
        if (decideNow || time_ms - windowStart_ms >= settings.window_ms()) {
            decideNow = false;
            windowStart_ms = time_ms;
            choose(m);
        }
        long elapsed = time_ms - windowStart_ms;
        long mask = 0;
        if (activity == Activity.BALANCING) {
            for (int i = 0; i < cells; i++) {
                if (selected[i] && elapsed < on_ms[i]) {
                    mask |= 1L << i;
                }
            }
        }
        decided = mask;
        return mask;
    }

    private void count(long time_ms, Measurement m) {
        if (m.cellVoltagesValid()) {
            for (int i = 0; i < cells; i++) {
                lastVoltage_mV[i] = m.cellVoltage_mV(i);
            }
        }
        long dt = time_ms - lastStep_ms;
        lastStep_ms = time_ms;
        if (inEffect == 0 || dt <= 0 || dt > MAX_COUNTED_GAP_ms) {
            return;
        }
        for (int i = 0; i < cells; i++) {
            if ((inEffect & (1L << i)) != 0) {
                balanced_mAs[i] += lastVoltage_mV[i] / resistor_Ohm * dt / 1000.0;
            }
        }
    }

    private void readTemperature(Measurement m) {
        int highest = Integer.MIN_VALUE;
        for (int sensor : balanceSensors) {
            if (m.temperatureValid(sensor)) {
                highest = Math.max(highest, m.temperature_dC(sensor));
            }
        }
        balanceTemperature_dC = highest;
        if (highest != Integer.MIN_VALUE) {
            if (highest >= settings.thermal().stop_dC()) {
                hot = true;
            } else if (highest <= settings.thermal().derateFrom_dC()) {
                hot = false;
            }
        }
    }

    /** The reasons that open every switch at once, or null. */
    private Activity stopNow(Measurement m, boolean blocked) {
        if (command == Command.OFF) {
            return Activity.OFF;
        }
        if (command == Command.AUTO && !settings.enabled()) {
            return Activity.DISABLED;
        }
        if (blocked) {
            return Activity.BLOCKED;
        }
        if (holdOff) {
            return Activity.OPEN_WIRE_CHECK;
        }
        if (!m.cellVoltagesValid()) {
            return Activity.NO_READING;
        }
        if (balanceSensors.length > 0 && balanceTemperature_dC == Integer.MIN_VALUE) {
            return Activity.NO_TEMPERATURE;
        }
        if (hot) {
            return Activity.TOO_HOT;
        }
        return null;
    }

    /** Ends every bleed; the next allowed step chooses afresh. */
    private void release() {
        for (int i = 0; i < cells; i++) {
            wanted[i] = false;
            selected[i] = false;
            effective_mA[i] = 0;
        }
        decideNow = true;
    }

    private void choose(Measurement m) {
        Activity gate = command == Command.ON ? null : modeGate(m);
        if (gate != null) {
            activity = gate;
            release();
            decideNow = false;
            return;
        }
        int lowest = Integer.MAX_VALUE;
        for (int i = 0; i < cells; i++) {
            lowest = Math.min(lowest, m.cellVoltage_mV(i));
        }
        // a cell wants to bleed from the start delta down to the stop delta, whether or not the
        // channel limit lets it bleed in this window
        long candidates = 0;
        for (int i = 0; i < cells; i++) {
            int voltage_mV = m.cellVoltage_mV(i);
            int delta = voltage_mV - lowest;
            wanted[i] = (wanted[i] ? delta > settings.stopDelta_mV() : delta >= settings.startDelta_mV())
                    && voltage_mV >= settings.floor_mV();
            if (wanted[i]) {
                candidates |= 1L << i;
            }
        }
        long chosen = 0;
        for (int n = 0; n < settings.maxChannels(); n++) {
            int best = -1;
            for (int i = 0; i < cells; i++) {
                if ((candidates & (1L << i)) != 0 && (best < 0 || m.cellVoltage_mV(i) > m.cellVoltage_mV(best))) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            chosen |= 1L << best;
            candidates &= ~(1L << best);
            if (settings.nonAdjacent()) {
                candidates &= ~((1L << (best + 1)) | (best > 0 ? 1L << (best - 1) : 0));
            }
        }
        int bleeding_ms = settings.window_ms() - settings.measurePause_ms();
        double derating = derating();
        for (int i = 0; i < cells; i++) {
            selected[i] = (chosen & (1L << i)) != 0;
            int full_mA = (int) Math.round(m.cellVoltage_mV(i) / resistor_Ohm);
            if (selected[i]) {
                double duty = Math.min(1.0, (double) settings.current_mA() / full_mA) * derating;
                on_ms[i] = (int) Math.round(duty * bleeding_ms);
                effective_mA[i] = (int) Math.round((double) full_mA * on_ms[i] / settings.window_ms());
            } else {
                on_ms[i] = 0;
                effective_mA[i] = 0;
            }
        }
        activity = chosen != 0 ? Activity.BALANCING : Activity.BALANCED;
    }

    /** Why the mode or the start voltage holds balancing back, or null when they allow it. */
    private Activity modeGate(Measurement m) {
        int rest_mA = settings.restCurrent_mA();
        int current_mA = m.current_mA();
        if (settings.mode() != BalancingSettings.Mode.ALWAYS && !m.currentValid()) {
            return Activity.NO_CURRENT;
        }
        switch (settings.mode()) {
            case CHARGING -> {
                if (current_mA <= rest_mA) {
                    return Activity.NOT_CHARGING;
                }
            }
            case CHARGING_OR_RESTING -> {
                if (current_mA < -rest_mA) {
                    return Activity.DISCHARGING;
                }
            }
            case ALWAYS -> {
                // every current
            }
        }
        int highest = Integer.MIN_VALUE;
        for (int i = 0; i < cells; i++) {
            highest = Math.max(highest, m.cellVoltage_mV(i));
        }
        return highest < settings.start_mV() ? Activity.BELOW_START : null;
    }

    /** 1 below the derating temperature, falling linearly to 0 at the stop temperature. */
    private double derating() {
        if (balanceTemperature_dC == Integer.MIN_VALUE) {
            return 1;
        }
        BalancingSettings.Thermal t = settings.thermal();
        double share = (double) (t.stop_dC() - balanceTemperature_dC) / (t.stop_dC() - t.derateFrom_dC());
        return Math.max(0, Math.min(1, share));
    }

    public Activity activity() {
        return activity;
    }

    /** The switches this step set. */
    public long mask() {
        return decided;
    }

    /** Cell {@code cell}'s bleed current averaged over the window, 0 when it does not bleed. */
    public int current_mA(int cell) {
        return activity == Activity.BALANCING ? effective_mA[cell] : 0;
    }

    /** All the charge cell {@code cell} has bled, restored ones included. */
    public double balanced_mAh(int cell) {
        return balanced_mAs[cell] / 3600;
    }

    /** The charge bled before a restart; ignored (with the caller warning) when the cell count differs. */
    public boolean restoreBalanced(double[] balanced_mAh) {
        if (balanced_mAh.length != cells) {
            return false;
        }
        for (int i = 0; i < cells; i++) {
            balanced_mAs[i] = balanced_mAh[i] * 3600;
        }
        return true;
    }

    /** The hottest balance-resistor reading, or {@link Integer#MIN_VALUE} without one. */
    public int balanceTemperature_dC() {
        return balanceTemperature_dC;
    }
}
