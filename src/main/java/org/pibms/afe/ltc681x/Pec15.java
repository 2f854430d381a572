package org.pibms.afe.ltc681x;

/**
 * The LTC681x packet error code: a CRC-15 with polynomial 0x4599 and seed 16, shifted left by
 * one bit and sent high byte first. Table-driven, one lookup per byte.
 */
public final class Pec15 {

    private static final int POLYNOMIAL = 0x4599;
    private static final int SEED = 16;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int remainder = i << 7;
            for (int bit = 8; bit > 0; bit--) {
                remainder = (remainder & 0x4000) != 0 ? (remainder << 1) ^ POLYNOMIAL : remainder << 1;
            }
            TABLE[i] = remainder & 0x7FFF;
        }
    }

    private Pec15() {
    }

    /** The 16-bit PEC of {@code length} bytes from {@code offset}. */
    public static int of(byte[] data, int offset, int length) {
        int remainder = SEED;
        for (int i = offset; i < offset + length; i++) {
            int index = ((remainder >> 7) ^ data[i]) & 0xFF;
            remainder = ((remainder << 8) ^ TABLE[index]) & 0x7FFF;
        }
        return remainder << 1;
    }

    /** Writes the PEC of {@code length} bytes from {@code offset} right after them. */
    static void append(byte[] data, int offset, int length) {
        int pec = of(data, offset, length);
        data[offset + length] = (byte) (pec >> 8);
        data[offset + length + 1] = (byte) pec;
    }

    /** True if the two bytes after the data hold its PEC. */
    static boolean matches(byte[] data, int offset, int length) {
        int pec = of(data, offset, length);
        return (data[offset + length] & 0xFF) == (pec >> 8) && (data[offset + length + 1] & 0xFF) == (pec & 0xFF);
    }
}
