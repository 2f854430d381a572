package org.pibms.core.settings;

/**
 * An NTC thermistor in a divider: the NTC to ground, {@code pullup_Ohm} from the chip's
 * reference voltage to the measuring input.
 */
public sealed interface ThermistorSettings {

    double pullup_Ohm();

    /** R(T) = R25 · exp(B · (1/T − 1/298.15 K)). */
    record Beta(double r25_Ohm, double beta_K, double pullup_Ohm) implements ThermistorSettings {
    }

    /** 1/T = A + B · ln R + C · (ln R)³, T in kelvin, R in ohms. */
    record SteinhartHart(double a, double b, double c, double pullup_Ohm) implements ThermistorSettings {
    }
}
