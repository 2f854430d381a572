package org.pibms.afe.ltc681x;

/**
 * LTC6813-1 command codes (11 bits, sent as two bytes with a PEC). The conversion commands
 * carry the ADC mode (MD), discharge-permitted (DCP), pull-up (PUP) and channel-select bits.
 */
final class Command {

    static final int WRCFGA = 0x001;
    static final int WRCFGB = 0x024;
    static final int RDCFGA = 0x002;
    static final int RDCFGB = 0x026;
    /** Cell voltage groups A–F: cells 1–3, 4–6, … 16–18. */
    static final int[] RDCV = {0x004, 0x006, 0x008, 0x00A, 0x009, 0x00B};
    /** Auxiliary groups A–D: GPIO1–3, GPIO4–5 + REF, GPIO6–8, GPIO9. */
    static final int[] RDAUX = {0x00C, 0x00E, 0x00D, 0x00F};
    static final int RDSTATA = 0x010;
    static final int RDSTATB = 0x012;
    static final int PLADC = 0x714;
    /** Set the cell, auxiliary or status result registers to all ones ("not converted"). */
    static final int CLRCELL = 0x711;
    static final int CLRAUX = 0x712;
    static final int CLRSTAT = 0x713;

    private Command() {
    }

    /** ADCV: convert cells. {@code channels} 0 = all. */
    static int adcv(int md, boolean dischargePermitted, int channels) {
        return 0x260 | md << 7 | (dischargePermitted ? 1 << 4 : 0) | channels;
    }

    /** ADOW: convert cells with the 100 µA open-wire currents pulling every C pin up or down. */
    static int adow(int md, boolean pullUp, boolean dischargePermitted, int channels) {
        return 0x228 | md << 7 | (pullUp ? 1 << 6 : 0) | (dischargePermitted ? 1 << 4 : 0) | channels;
    }

    /** ADAX: convert GPIO inputs and the second reference. {@code channels} 0 = all. */
    static int adax(int md, int channels) {
        return 0x460 | md << 7 | channels;
    }

    /** ADSTAT: convert the status group (sum of cells, die temperature, supplies). {@code channels} 0 = all. */
    static int adstat(int md, int channels) {
        return 0x468 | md << 7 | channels;
    }

    /** Writes the command with its PEC into the first four bytes of {@code frame}. */
    static void encode(int code, byte[] frame) {
        frame[0] = (byte) (code >> 8);
        frame[1] = (byte) code;
        Pec15.append(frame, 0, 2);
    }
}
