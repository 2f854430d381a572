package org.pibms.core;

/**
 * The cell-monitoring chip (or chain of chips): cell voltages and the temperatures wired to it.
 * Called only from the control loop. A failed read returns false and leaves the values as
 * they were; it never throws, because the loop turns a failed read into a fault.
 */
public interface AnalogFrontEnd {

    /** Measures every cell into {@code into}; true when all values are fresh and trustworthy. */
    boolean readCellVoltages(Measurement into);

    /**
     * Measures the temperature sensors into {@code into}, marking each sensor that gave a
     * plausible value valid; true when the chip answered at all.
     */
    boolean readTemperatures(Measurement into);

    /**
     * Sets the balance switches: bit i = cell i+1 bleeds. Takes effect with the next cell
     * read, which writes the chip configuration.
     */
    void setBalancing(long cellMask);

    /**
     * Runs the open-wire test.
     *
     * @return bit w set = sense wire w is open (wire 0 is the one below cell 1, wire k the one
     *         above cell k), or -1 if the test could not be run
     */
    long findOpenWires();

    /** PEC errors seen since start, including those a retry recovered from: a rising rate is a cable going bad. */
    long pecErrors();
}
