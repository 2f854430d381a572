package org.pibms.core.settings;

import org.pibms.core.Chemistry;

/**
 * The built-in simulated pack.
 *
 * @param seed           seeds every random draw, so a run can be repeated exactly
 * @param timeScale      simulated seconds per real second; infinity = as fast as possible
 * @param initialSoc_pct mean state of charge of the cells at start
 * @param ambient_dC     ambient temperature of the thermal model
 */
public record SimulationSettings(
        long seed,
        double timeScale,
        double initialSoc_pct,
        int ambient_dC,
        SimulatedCells cells,
        double mosResistance_mOhm,
        SimulatedSensors sensors,
        Load load) {

    /**
     * Cell model parameters and their cell-to-cell spread (standard deviations, in per cent of
     * the mean).
     */
    public record SimulatedCells(
            double socSpread_pct,
            double capacitySpread_pct,
            double resistanceSpread_pct,
            double selfDischarge_pctPerMonth,
            double r0_mOhm,
            double r1_mOhm,
            double tau1_s,
            double hysteresis_mV) {
    }

    /** Measurement errors of the simulated sensors. */
    public record SimulatedSensors(double voltageNoise_mV, double currentNoise_mA, int currentOffset_mA,
            double currentGainError_pct) {
    }

    /**
     * What sits on the load side of the MOSFETs: an inverter's input capacitors, the pre-charge
     * resistor that charges them, and a bleed resistor that slowly empties them while the load
     * is disconnected.
     */
    public record Load(double capacitance_uF, double prechargeResistor_Ohm, double bleedResistor_Ohm) {

        /** The pre-charge time constant, R × C. */
        public double prechargeTau_s() {
            return prechargeResistor_Ohm * capacitance_uF * 1e-6;
        }

        /** The time constant in which the load empties while disconnected. */
        public double bleedTau_s() {
            return bleedResistor_Ohm * capacitance_uF * 1e-6;
        }
    }

    /**
     * Typical ohmic resistance of one cell of a given capacity: about 0.5 mΩ for a 100 Ah
     * prismatic LFP cell, and an NMC pack built from 18650s (30 mΩ at 3 Ah) in parallel
     * (soc-guide §3.3). Resistance falls inversely with capacity.
     */
    public static double typicalR0_mOhm(Chemistry chemistry, int capacity_mAh) {
        double ohmAh_mOhm = switch (chemistry) {
            case LFP -> 50.0;
            case NMC -> 90.0;
        };
        return ohmAh_mOhm / (capacity_mAh / 1000.0);
    }
}
