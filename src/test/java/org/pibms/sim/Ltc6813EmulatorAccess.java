package org.pibms.sim;

import org.pibms.core.settings.ThermistorSettings;

/** Lets tests in other packages reach the emulator's own PEC and NTC model, to check them independently. */
public final class Ltc6813EmulatorAccess {

    private Ltc6813EmulatorAccess() {
    }

    public static int pec(byte[] data) {
        return Ltc6813Emulator.pec(data, 0, data.length);
    }

    public static int pecBitwise(byte[] data) {
        return Ltc6813Emulator.pecBitwise(data, 0, data.length);
    }

    public static double ntcResistance_Ohm(ThermistorSettings thermistor, double celsius) {
        return Ltc6813Emulator.ntcResistance_Ohm(thermistor, celsius);
    }
}
