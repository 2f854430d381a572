package org.pibms.control;

import org.pibms.core.FaultId;
import org.pibms.core.settings.ChargeLimitSettings;
import org.pibms.core.settings.ProtectionSettings;

/**
 * The limits an inverter is told every tick: charge voltage (CVL), charge current (CCL) and
 * discharge current (DCL). Each current is the configured maximum times the factors that apply:
 * the highest cell near the top (CCL) or the lowest near the bottom (DCL), the cell temperatures
 * inside the charge or discharge window, the MOSFET temperature, and the SOC (DCL). A fault that
 * blocks a direction, or that direction's MOSFET being open, makes its limit 0. A limit that was 0
 * stays 0 for the hold time after its cause is gone, then ramps up; a fall is passed on at once.
 * CVL is the bulk voltage until the pack has held it for the absorption time, then the float
 * voltage until the SOC drops below the re-bulk level.
 *
 * <p>Pure and allocation-free: the control loop fills {@link Inputs} and calls {@link #update}.
 */
final class ChargeLimits {

    /** What one tick knows; values are meaningful only where their flag says known. */
    static final class Inputs {
        int highestCell_mV;
        int lowestCell_mV;
        boolean cellsKnown;
        int pack_mV;
        boolean packKnown;
        int highestCellTemperature_dC;
        int lowestCellTemperature_dC;
        boolean cellTemperaturesKnown;
        int mosTemperature_dC;
        boolean mosTemperatureKnown;
        int soc_permille;
        boolean socKnown;
        boolean chargeMos;
        boolean dischargeMos;
        long faults;
    }

    /** Bulk charges to the charge voltage; float holds the lower float voltage. */
    enum Phase {
        BULK, FLOAT;

        String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Within this of the bulk voltage per cell, the pack counts as at it for absorption. */
    static final int AT_VOLTAGE_mV_PER_CELL = 5;
    private static final long NEVER = Long.MIN_VALUE;
    private static final long CHARGE_BLOCKING = FaultId.chargeBlockingMask();
    private static final long DISCHARGE_BLOCKING = FaultId.dischargeBlockingMask();

    private final int cells;
    private ChargeLimitSettings settings;
    private Phase phase = Phase.BULK;
    private long atVoltageSince_ms = NEVER;
    private int cvl_mV;
    private int ccl_mA;
    private int dcl_mA;
    private long chargeHeldUntil_ms = NEVER;
    private long dischargeHeldUntil_ms = NEVER;
    private long last_ms = NEVER;

    ChargeLimits(int cells, ChargeLimitSettings settings) {
        this.cells = cells;
        this.settings = settings;
        this.cvl_mV = cells * settings.chargeCell_mV();
    }

    void update(long time_ms, Inputs in, ProtectionSettings limits) {
        long dt_ms = last_ms == NEVER ? 0 : Math.max(0, time_ms - last_ms);
        last_ms = time_ms;
        updatePhase(time_ms, in);
        cvl_mV = cells * (phase == Phase.BULK ? settings.chargeCell_mV() : settings.floatCell_mV());

        int chargeTarget = in.chargeMos && (in.faults & CHARGE_BLOCKING) == 0 && in.cellsKnown
                ? (int) (settings.maxCharge_mA() * chargeFactor(in, limits)) : 0;
        int dischargeTarget = in.dischargeMos && (in.faults & DISCHARGE_BLOCKING) == 0 && in.cellsKnown
                ? (int) (settings.maxDischarge_mA() * dischargeFactor(in, limits)) : 0;

        if (chargeTarget == 0) {
            chargeHeldUntil_ms = time_ms + settings.recoveryHold_ms();
        }
        if (dischargeTarget == 0) {
            dischargeHeldUntil_ms = time_ms + settings.recoveryHold_ms();
        }
        ccl_mA = follow(ccl_mA, chargeTarget, time_ms < chargeHeldUntil_ms, dt_ms);
        dcl_mA = follow(dcl_mA, dischargeTarget, time_ms < dischargeHeldUntil_ms, dt_ms);
    }

    /** Falls at once; rises only after the hold, and by the ramp rate. */
    private int follow(int current, int target, boolean held, long dt_ms) {
        if (target <= current) {
            return target;
        }
        if (held) {
            return 0;
        }
        long step = (long) settings.ramp_mA_per_s() * dt_ms / 1000;
        return (int) Math.min(target, current + step);
    }

    private void updatePhase(long time_ms, Inputs in) {
        if (phase == Phase.BULK) {
            boolean atVoltage = in.packKnown
                    && in.pack_mV >= cells * (settings.chargeCell_mV() - AT_VOLTAGE_mV_PER_CELL);
            if (!atVoltage) {
                atVoltageSince_ms = NEVER;
            } else if (atVoltageSince_ms == NEVER) {
                atVoltageSince_ms = time_ms;
            } else if (time_ms - atVoltageSince_ms >= settings.absorption_ms()) {
                phase = Phase.FLOAT;
                atVoltageSince_ms = NEVER;
            }
        } else if (in.socKnown && in.soc_permille < settings.rebulkSoc_permille()) {
            phase = Phase.BULK;
        }
    }

    private double chargeFactor(Inputs in, ProtectionSettings limits) {
        double cell = falling(in.highestCell_mV, settings.chargeTaperFrom_mV(), settings.chargeTaperTo_mV());
        double window = window(in, limits.limit(FaultId.CHARGE_UNDERTEMPERATURE).trip(),
                limits.limit(FaultId.CHARGE_OVERTEMPERATURE).trip());
        return cell * window * mos(in, limits);
    }

    private double dischargeFactor(Inputs in, ProtectionSettings limits) {
        double cell = falling(-in.lowestCell_mV, -settings.dischargeTaperFrom_mV(), -settings.dischargeTaperTo_mV());
        double window = window(in, limits.limit(FaultId.DISCHARGE_UNDERTEMPERATURE).trip(),
                limits.limit(FaultId.DISCHARGE_OVERTEMPERATURE).trip());
        double soc = 1;
        if (in.socKnown && in.soc_permille < settings.socTaperFrom_permille()) {
            double below = Math.max(0, in.soc_permille) / (double) settings.socTaperFrom_permille();
            soc = ChargeLimitSettings.SOC_FLOOR + (1 - ChargeLimitSettings.SOC_FLOOR) * below;
        }
        return cell * window * mos(in, limits) * soc;
    }

    /** 1 up to {@code from}, 0 from {@code to} on, a straight line between. */
    private static double falling(int value, int from, int to) {
        if (value <= from) {
            return 1;
        }
        if (value >= to) {
            return 0;
        }
        return (double) (to - value) / (to - from);
    }

    /** Inside [low, high] with the taper at both edges; unknown cell temperatures allow nothing. */
    private double window(Inputs in, int low_dC, int high_dC) {
        if (!in.cellTemperaturesKnown) {
            return 0;
        }
        int taper = settings.temperatureTaper_dC();
        return falling(-in.lowestCellTemperature_dC, -(low_dC + taper), -low_dC)
                * falling(in.highestCellTemperature_dC, high_dC - taper, high_dC);
    }

    /** A pack without a MOS sensor is not derated on it: the protection table has nothing to trip on either. */
    private double mos(Inputs in, ProtectionSettings limits) {
        if (!in.mosTemperatureKnown) {
            return 1;
        }
        int trip = limits.limit(FaultId.MOS_OVERTEMPERATURE).trip();
        return falling(in.mosTemperature_dC, trip - settings.mosDerate_dC(), trip);
    }

    int cvl_mV() {
        return cvl_mV;
    }

    int ccl_mA() {
        return ccl_mA;
    }

    int dcl_mA() {
        return dcl_mA;
    }

    Phase phase() {
        return phase;
    }
}
