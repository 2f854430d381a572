package org.pibms.control;

/**
 * Decides the MOSFET and pre-charge outputs from what may flow, step by step: the same inputs
 * in the same state always give the same outputs, and nothing but the state itself changes.
 *
 * <p>The charge path simply follows whether charging is allowed. The discharge path closes
 * through a pre-charge when a pre-charge output is fitted: the pre-charge output charges the
 * load's capacitors through its resistor until the load voltage is within the margin of the
 * pack voltage, and only then does the discharge MOS close (and the pre-charge open). A
 * pre-charge that does not get there within its timeout gives up, which the protection turns
 * into a {@code precharge_failed} fault. Withdrawing permission opens the path at once, in any
 * state. docs/protection.md has the transition table.
 */
final class SwitchStateMachine {

    /** Where the discharge path stands. */
    enum Discharge {
        OFF, PRECHARGING, ON
    }

    private final boolean prechargeFitted;
    private final long prechargeTimeout_ns;
    private final int prechargeMargin_mV;

    private boolean charge;
    private Discharge discharge = Discharge.OFF;
    private long prechargeStart_ns;
    private boolean prechargeTimedOut;

    SwitchStateMachine(boolean prechargeFitted, int prechargeTimeout_ms, int prechargeMargin_mV) {
        this.prechargeFitted = prechargeFitted;
        this.prechargeTimeout_ns = prechargeTimeout_ms * 1_000_000L;
        this.prechargeMargin_mV = prechargeMargin_mV;
    }

    /**
     * One step.
     *
     * @param chargeAllowed    nothing forbids charging (no fault, no manual off, not asleep)
     * @param dischargeAllowed nothing forbids discharging
     * @param pack_mV          the pack voltage, or a negative value if unknown
     * @param load_mV          the load-side voltage, or a negative value if unknown
     */
    void step(long now_ns, boolean chargeAllowed, boolean dischargeAllowed, int pack_mV, int load_mV) {
        prechargeTimedOut = false;
        charge = chargeAllowed;
        if (!dischargeAllowed) {
            discharge = Discharge.OFF;
            return;
        }
        switch (discharge) {
            case OFF -> {
                if (!prechargeFitted || loadCharged(pack_mV, load_mV)) {
                    discharge = Discharge.ON;
                } else {
                    discharge = Discharge.PRECHARGING;
                    prechargeStart_ns = now_ns;
                }
            }
            case PRECHARGING -> {
                if (loadCharged(pack_mV, load_mV)) {
                    discharge = Discharge.ON;
                } else if (now_ns - prechargeStart_ns >= prechargeTimeout_ns) {
                    discharge = Discharge.OFF;
                    prechargeTimedOut = true;
                }
            }
            case ON -> {
                // stays on while allowed
            }
        }
    }

    private boolean loadCharged(int pack_mV, int load_mV) {
        return pack_mV >= 0 && load_mV >= 0 && Math.abs(pack_mV - load_mV) <= prechargeMargin_mV;
    }

    boolean chargeMos() {
        return charge;
    }

    boolean dischargeMos() {
        return discharge == Discharge.ON;
    }

    boolean precharge() {
        return discharge == Discharge.PRECHARGING;
    }

    Discharge discharge() {
        return discharge;
    }

    /** True in the step in which a pre-charge gave up. */
    boolean prechargeTimedOut() {
        return prechargeTimedOut;
    }

    /** Both paths open, for a failed tick or a stop: the next allowed step starts over. */
    void openAll() {
        charge = false;
        discharge = Discharge.OFF;
    }
}
