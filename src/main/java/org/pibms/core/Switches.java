package org.pibms.core;

/**
 * The charge and discharge MOSFETs. Their hardware default is open (gate pull-downs), so a
 * daemon that dies leaves the pack disconnected. Called only from the control loop.
 */
public interface Switches {

    /** Drives both MOS; true when the outputs were written. */
    boolean apply(boolean chargeOn, boolean dischargeOn);
}
