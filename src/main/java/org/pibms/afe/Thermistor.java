package org.pibms.afe;

import org.pibms.core.settings.ThermistorSettings;

/**
 * Temperature from the voltage of an NTC divider: the NTC to ground, a pull-up from the
 * reference to the measuring input. The reading is ratiometric, so only V/Vref matters.
 */
public final class Thermistor {

    /** Below this fraction of the reference the NTC is shorted (or the input is grounded). */
    static final double SHORTED_BELOW = 0.01;
    /** Above this fraction of the reference the NTC is open (or unplugged). */
    static final double OPEN_ABOVE = 0.99;
    /** Plausible range: a reading outside it is a fault, not a temperature. */
    public static final double MIN_C = -55;
    public static final double MAX_C = 150;

    private static final double KELVIN = 273.15;

    /** What a reading says. */
    public enum Reading { VALID, OPEN, SHORTED, OUT_OF_RANGE }

    private final ThermistorSettings settings;
    private Reading lastReading = Reading.VALID;

    public Thermistor(ThermistorSettings settings) {
        this.settings = settings;
    }

    /**
     * The temperature in 0.1 °C for a divider voltage, or {@link Integer#MIN_VALUE} when the
     * reading is not a temperature; {@link #lastReading()} then says why.
     */
    public int temperature_dC(double voltage_mV, double reference_mV) {
        double ratio = voltage_mV / reference_mV;
        if (!(ratio > SHORTED_BELOW)) {
            lastReading = Reading.SHORTED;
            return Integer.MIN_VALUE;
        }
        if (ratio >= OPEN_ABOVE) {
            lastReading = Reading.OPEN;
            return Integer.MIN_VALUE;
        }
        double resistance_Ohm = settings.pullup_Ohm() * ratio / (1 - ratio);
        double celsius = celsius(resistance_Ohm);
        if (!(celsius >= MIN_C && celsius <= MAX_C)) {
            lastReading = Reading.OUT_OF_RANGE;
            return Integer.MIN_VALUE;
        }
        lastReading = Reading.VALID;
        return (int) Math.round(celsius * 10);
    }

    public Reading lastReading() {
        return lastReading;
    }

    double celsius(double resistance_Ohm) {
        double inverseKelvin;
        if (settings instanceof ThermistorSettings.Beta beta) {
            inverseKelvin = 1 / (KELVIN + 25) + Math.log(resistance_Ohm / beta.r25_Ohm()) / beta.beta_K();
        } else {
            ThermistorSettings.SteinhartHart sh = (ThermistorSettings.SteinhartHart) settings;
            double ln = Math.log(resistance_Ohm);
            inverseKelvin = sh.a() + sh.b() * ln + sh.c() * ln * ln * ln;
        }
        return 1 / inverseKelvin - KELVIN;
    }
}
