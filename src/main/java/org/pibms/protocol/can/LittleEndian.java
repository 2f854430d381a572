package org.pibms.protocol.can;

/** Writes little-endian fields into a frame's bytes, as every inverter frame is laid out. */
final class LittleEndian {

    private LittleEndian() {
    }

    static void u16(byte[] data, int at, int value) {
        data[at] = (byte) value;
        data[at + 1] = (byte) (value >>> 8);
    }

    /** A signed 16-bit field, clamped to its range. */
    static void s16(byte[] data, int at, long value) {
        u16(data, at, (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, value)));
    }

    /** An unsigned 16-bit field, clamped to 0..65534 (65535 means "invalid" to SMA). */
    static void u16Clamped(byte[] data, int at, long value) {
        u16(data, at, (int) Math.max(0, Math.min(0xFFFE, value)));
    }

    static void u32(byte[] data, int at, long value) {
        u16(data, at, (int) value);
        u16(data, at + 2, (int) (value >>> 16));
    }
}
