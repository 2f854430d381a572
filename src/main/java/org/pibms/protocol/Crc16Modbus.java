package org.pibms.protocol;

/**
 * CRC-16/MODBUS: reflected polynomial 0xA001, initial value 0xFFFF, no final XOR. The new ANT
 * protocol and Modbus RTU both use it; both put the low byte first on the wire.
 */
public final class Crc16Modbus {

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    private Crc16Modbus() {
    }

    /** The CRC of {@code length} bytes from {@code offset}, 0..0xFFFF. */
    public static int of(byte[] bytes, int offset, int length) {
        int crc = 0xFFFF;
        for (int i = offset; i < offset + length; i++) {
            crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]) & 0xFF];
        }
        return crc;
    }
}
