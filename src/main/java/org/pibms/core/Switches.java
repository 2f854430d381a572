package org.pibms.core;

/**
 * The charge and discharge MOSFETs and the digital outputs (pre-charge, DO1–DO3). Their
 * hardware default is off (pull-downs), so a daemon that dies leaves the pack disconnected.
 * Called only from the control loop.
 */
public interface Switches {

    /**
     * Drives both MOS and the outputs; lines that must turn off are written before lines that
     * turn on.
     *
     * @param outputMask bit i = output i of the config's {@code outputs} list is on (its
     *                   function is active; the adapter applies the line's active level)
     * @return true when every line was written
     */
    boolean apply(boolean chargeOn, boolean dischargeOn, int outputMask);
}
