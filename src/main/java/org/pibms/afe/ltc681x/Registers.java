package org.pibms.afe.ltc681x;

/**
 * Layouts of the LTC6813 register groups (6 bytes each; 16-bit values low byte first).
 *
 * <pre>
 * CFGA  0: GPIO5..1 pull-down off [7:3], REFON [2], DTEN [1, read-only], ADCOPT [0]
 *       1: VUV[7:0]   2: VOV[3:0] VUV[11:8]   3: VOV[11:4]
 *       4: DCC8..1    5: DCTO[7:4] DCC12..9
 * CFGB  0: DCC16..13 [7:4], GPIO9..6 pull-down off [3:0]
 *       1: MUTE [7, read-only], FDRF [6], PS [5:4], DTMEN [3], DCC0 [2], DCC18 [1], DCC17 [0]
 * </pre>
 */
final class Registers {

    /** One cell or GPIO code is 100 µV. */
    static final double CODE_mV = 0.1;
    /** A conversion that has not run, or a cleared register, reads all ones. */
    static final int CLEARED = 0xFFFF;

    private Registers() {
    }

    /**
     * Encodes configuration group A.
     *
     * @param gpioPullDownOff bit i = GPIO(i+1) pull-down off, i.e. usable as an analog input
     * @param dcc             bit i = discharge switch of channel i+1 (only 1–12 land here)
     */
    static void encodeConfigA(byte[] group, int offset, int gpioPullDownOff, boolean refOn, boolean adcOpt,
            int vuv, int vov, int dcc, int dcto) {
        group[offset] = (byte) ((gpioPullDownOff & 0x1F) << 3 | (refOn ? 1 << 2 : 0) | (adcOpt ? 1 : 0));
        group[offset + 1] = (byte) vuv;
        group[offset + 2] = (byte) ((vov & 0x0F) << 4 | (vuv >> 8) & 0x0F);
        group[offset + 3] = (byte) (vov >> 4);
        group[offset + 4] = (byte) dcc;
        group[offset + 5] = (byte) ((dcto & 0x0F) << 4 | (dcc >> 8) & 0x0F);
    }

    /**
     * Encodes configuration group B.
     *
     * @param gpioPullDownOff bit i = GPIO(i+1) pull-down off (only 6–9 land here)
     * @param dcc             bit i = discharge switch of channel i+1 (only 13–18 land here)
     */
    static void encodeConfigB(byte[] group, int offset, int gpioPullDownOff, int dcc) {
        group[offset] = (byte) (((dcc >> 12) & 0x0F) << 4 | (gpioPullDownOff >> 5) & 0x0F);
        group[offset + 1] = (byte) ((dcc >> 16) & 0x03);
        group[offset + 2] = 0;
        group[offset + 3] = 0;
        group[offset + 4] = 0;
        group[offset + 5] = 0;
    }

    /**
     * The fields of configuration group A that a chip reads back as written: GPIO bits read the
     * pins' levels, DTEN the pin, and DCTO the time left, so those are left out.
     */
    record ConfigA(boolean refOn, boolean adcOpt, int vuv, int vov, int dcc) {

        static ConfigA decode(byte[] group, int offset) {
            int b0 = group[offset] & 0xFF;
            int b2 = group[offset + 2] & 0xFF;
            return new ConfigA((b0 & 0x04) != 0, (b0 & 0x01) != 0,
                    (group[offset + 1] & 0xFF) | (b2 & 0x0F) << 8,
                    b2 >> 4 | (group[offset + 3] & 0xFF) << 4,
                    (group[offset + 4] & 0xFF) | (group[offset + 5] & 0x0F) << 8);
        }
    }

    /** Discharge bits 13–18 of configuration group B, as bits 12–17 of a channel mask. */
    static int decodeConfigBDischarge(byte[] group, int offset) {
        return ((group[offset] & 0xF0) >> 4) << 12 | (group[offset + 1] & 0x03) << 16;
    }

    /** The 16-bit value at {@code index} (0–2) of a group. */
    static int code(byte[] group, int offset, int index) {
        return (group[offset + 2 * index] & 0xFF) | (group[offset + 2 * index + 1] & 0xFF) << 8;
    }

    /** Under-voltage comparison code for a cell voltage: (VUV + 1) × 16 × 100 µV. */
    static int vuv(int voltage_mV) {
        return Math.max(0, Math.min(0xFFF, voltage_mV * 10 / 16 - 1));
    }

    /** Over-voltage comparison code for a cell voltage: VOV × 16 × 100 µV. */
    static int vov(int voltage_mV) {
        return Math.max(0, Math.min(0xFFF, voltage_mV * 10 / 16));
    }
}
