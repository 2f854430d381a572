package org.pibms.sim;

/**
 * A lumped thermal mass with one thermal resistance to ambient. Each step uses the exact
 * solution for constant power, so any step length is stable.
 */
final class ThermalNode {

    private final double heatCapacity_JperK;
    private final double resistanceToAmbient_KperW;
    private double temperature_C;

    ThermalNode(double heatCapacity_JperK, double resistanceToAmbient_KperW, double temperature_C) {
        this.heatCapacity_JperK = heatCapacity_JperK;
        this.resistanceToAmbient_KperW = resistanceToAmbient_KperW;
        this.temperature_C = temperature_C;
    }

    void step(double power_W, double ambient_C, double dt_s) {
        double equilibrium_C = ambient_C + power_W * resistanceToAmbient_KperW;
        double decay = Math.exp(-dt_s / (heatCapacity_JperK * resistanceToAmbient_KperW));
        temperature_C = equilibrium_C + (temperature_C - equilibrium_C) * decay;
    }

    double temperature_C() {
        return temperature_C;
    }
}
