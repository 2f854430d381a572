package org.pibms.sim;

import org.pibms.core.OcvCurve;

/**
 * One cell as an equivalent circuit: an open-circuit voltage source OCV(SOC, T), an ohmic
 * resistance R0 and one RC pair (R1, τ1), plus a self-discharge leak that drains the cell
 * without flowing through its terminals.
 *
 * <p>Beyond the ends of the OCV table the voltage keeps moving, by {@link #FULL_KNEE_mVPerPct}
 * per % SOC above full and {@link #EMPTY_KNEE_mVPerPct} below empty, which is how a real cell
 * runs away from its plateau when over-charged or over-discharged: a charger's CV phase ends
 * within a fraction of a per cent of the table's 100 %. R0 rises in the cold (Arrhenius form)
 * and towards empty.
 *
 * <p>LFP cells rest higher after a charge than after a discharge. That hysteresis is modelled
 * as in Plett's ESC model: a state h in −1..1 moves towards the sign of the current, by
 * {@link #HYSTERESIS_RATE} per unit of charge passed relative to the capacity, and adds
 * h × the hysteresis amplitude to the open-circuit voltage.
 */
final class SimulatedCell {

    static final double FULL_KNEE_mVPerPct = 200;
    static final double EMPTY_KNEE_mVPerPct = 50;
    /** h covers 1 − 1/e of the way to its branch within 2 % of the capacity passed. */
    private static final double HYSTERESIS_RATE = 50;
    /** Activation temperature of R0: about ×2 at 0 °C and ×4.4 at −20 °C against 25 °C. */
    private static final double R0_ACTIVATION_K = 2500;
    private static final double REFERENCE_K = 298.15;
    /** The model stops charge at this far past empty or full; the voltage is long past any limit there. */
    private static final double CHARGE_LIMIT_FRACTION = 0.10;

    private final OcvCurve ocv;
    private final double capacity_As;
    private final double r0_ohm;
    private final double r1_ohm;
    private final double tau1_s;
    private final double selfDischarge_A;
    private final double hysteresis_mV;

    private double charge_As;
    private double rc1_V;
    private double hysteresis;

    /*
     * The last terminal voltage and what it was computed for. Within one step of the physics the
     * emulated chips ask for the same voltage several times (the cell reads, the pack sum, the
     * load); the cell's state changes only in step and setSoc, which drop the cached value.
     */
    private boolean terminalKnown;
    private double terminalFor_A;
    private double terminalFor_C;
    private double terminal_mV;

    SimulatedCell(OcvCurve ocv, double capacity_As, double soc_pct, double r0_ohm, double r1_ohm, double tau1_s,
            double selfDischarge_A, double hysteresis_mV) {
        this.ocv = ocv;
        this.capacity_As = capacity_As;
        this.r0_ohm = r0_ohm;
        this.r1_ohm = r1_ohm;
        this.tau1_s = tau1_s;
        this.selfDischarge_A = selfDischarge_A;
        this.hysteresis_mV = hysteresis_mV;
        this.charge_As = soc_pct / 100.0 * capacity_As;
    }

    /**
     * Carries {@code current_A} (charge positive) through the terminals and {@code bleed_A} through
     * the balance resistor for {@code dt_s}; returns the heat dissipated inside the cell, in W.
     */
    double step(double current_A, double bleed_A, double dt_s, double temperature_C) {
        terminalKnown = false;
        charge_As = withinLimits(charge_As + (current_A - bleed_A - selfDischarge_A) * dt_s);
        double decay = Math.exp(-dt_s / tau1_s);
        rc1_V = rc1_V * decay + current_A * r1_ohm * (1 - decay);
        if (current_A != 0) {
            double approach = Math.exp(-HYSTERESIS_RATE * Math.abs(current_A) * dt_s / capacity_As);
            hysteresis = Math.signum(current_A) + (hysteresis - Math.signum(current_A)) * approach;
        }
        return current_A * current_A * r0(temperature_C) + rc1_V * rc1_V / r1_ohm;
    }

    /** Voltage at the cell's terminals while {@code current_A} flows. */
    double terminalVoltage_mV(double current_A, double temperature_C) {
        if (terminalKnown && current_A == terminalFor_A && temperature_C == terminalFor_C) {
            return terminal_mV;
        }
        terminal_mV = openCircuitVoltage_mV(temperature_C) + 1000 * (current_A * r0(temperature_C) + rc1_V);
        terminalFor_A = current_A;
        terminalFor_C = temperature_C;
        terminalKnown = true;
        return terminal_mV;
    }

    double openCircuitVoltage_mV(double temperature_C) {
        double soc = soc_pct();
        int temperature_dC = (int) Math.round(temperature_C * 10);
        double voltage;
        if (soc < 0) {
            voltage = ocv.voltage_mV(0, temperature_dC) + soc * EMPTY_KNEE_mVPerPct;
        } else if (soc > 100) {
            voltage = ocv.voltage_mV(100, temperature_dC) + (soc - 100) * FULL_KNEE_mVPerPct;
        } else {
            voltage = ocv.voltage_mV(soc, temperature_dC);
        }
        voltage += hysteresis * hysteresis_mV;
        return Math.max(0, Math.min(5000, voltage));
    }

    double soc_pct() {
        return 100.0 * charge_As / capacity_As;
    }

    /** Puts the charge at {@code soc_pct} of the capacity, within the model's limits; the RC pair keeps its state. */
    void setSoc(double soc_pct) {
        terminalKnown = false;
        charge_As = withinLimits(soc_pct / 100.0 * capacity_As);
    }

    private double withinLimits(double charge_As) {
        double min = -CHARGE_LIMIT_FRACTION * capacity_As;
        double max = (1 + CHARGE_LIMIT_FRACTION) * capacity_As;
        return Math.max(min, Math.min(max, charge_As));
    }

    double capacity_As() {
        return capacity_As;
    }

    double charge_As() {
        return charge_As;
    }

    double r0(double temperature_C) {
        double thermal = Math.exp(R0_ACTIVATION_K * (1 / (temperature_C + 273.15) - 1 / REFERENCE_K));
        double nearEmpty = 1 + 0.5 * Math.max(0, Math.min(1, (20 - soc_pct()) / 20));
        return r0_ohm * thermal * nearEmpty;
    }
}
