package org.pibms.core.settings;

import org.pibms.core.Chemistry;

/**
 * How the limits an inverter is told (CVL, CCL, DCL) are worked out ({@code charge_limits:} in the
 * config). Voltages per cell, currents in mA, temperatures in 0.1 °C, times in ms.
 *
 * @param chargeCell_mV          bulk charge voltage per cell: CVL = cells × this
 * @param floatCell_mV           float voltage per cell, after absorption
 * @param absorption_ms          time at the charge voltage before float
 * @param rebulkSoc_permille     back to bulk below this SOC
 * @param maxCharge_mA           CCL with nothing derating it
 * @param maxDischarge_mA        DCL with nothing derating it
 * @param chargeTaperFrom_mV     CCL starts to fall when the highest cell passes this …
 * @param chargeTaperTo_mV       … and is 0 here
 * @param dischargeTaperFrom_mV  DCL starts to fall when the lowest cell drops below this …
 * @param dischargeTaperTo_mV    … and is 0 here
 * @param socTaperFrom_permille  DCL falls below this SOC …
 * @param temperatureTaper_dC    limits fall to 0 over this much inside each temperature window
 * @param mosDerate_dC           both limits fall to 0 over this much below the MOS over-temperature trip
 * @param recoveryHold_ms        a limit that was 0 stays 0 this long after its cause is gone
 * @param ramp_mA_per_s          then it rises at most this fast
 */
public record ChargeLimitSettings(int chargeCell_mV, int floatCell_mV, int absorption_ms, int rebulkSoc_permille,
        int maxCharge_mA, int maxDischarge_mA, int chargeTaperFrom_mV, int chargeTaperTo_mV,
        int dischargeTaperFrom_mV, int dischargeTaperTo_mV, int socTaperFrom_permille, int temperatureTaper_dC,
        int mosDerate_dC, int recoveryHold_ms, int ramp_mA_per_s) {

    /** What DCL keeps at 0 % SOC, of its value above the SOC taper: the cell taper does the real stopping. */
    public static final double SOC_FLOOR = 0.2;

    /** The defaults for a chemistry, below the default protection levels for that chemistry. */
    public static ChargeLimitSettings defaultsFor(Chemistry chemistry, int maxCharge_mA, int maxDischarge_mA) {
        boolean lfp = chemistry == Chemistry.LFP;
        return new ChargeLimitSettings(lfp ? 3450 : 4100, lfp ? 3375 : 4050, 900_000, 900, maxCharge_mA,
                maxDischarge_mA, lfp ? 3400 : 4050, lfp ? 3500 : 4130, lfp ? 3100 : 3400, lfp ? 2900 : 3100, 100, 50,
                200, 30_000, 5_000);
    }
}
