package org.pibms.protocol.modbus;

/**
 * The SunSpec point types pibms serves, as the model files name them, each with its size in
 * registers, the value that means "not implemented", and the range a real value is clamped to
 * so it never reads as that marker.
 */
public enum PointType {
    UINT16("uint16", 1, 0xFFFFL, 0, 0xFFFEL),
    INT16("int16", 1, 0x8000L, -0x7FFF, 0x7FFF),
    UINT32("uint32", 2, 0xFFFF_FFFFL, 0, 0xFFFF_FFFEL),
    INT32("int32", 2, 0x8000_0000L, -0x7FFF_FFFFL, 0x7FFF_FFFFL),
    ENUM16("enum16", 1, 0xFFFFL, 0, 0xFFFEL),
    /** Bit 31 set means "not implemented", so a value keeps to the low 31 bits. */
    BITFIELD32("bitfield32", 2, 0xFFFF_FFFFL, 0, 0x7FFF_FFFFL),
    SUNSSF("sunssf", 1, 0x8000L, -10, 10),
    /** Text in its registers, two characters each, padded with NULs; all NULs when not implemented. */
    STRING("string", 0, 0, 0, 0),
    PAD("pad", 1, 0x8000L, 0x8000L, 0x8000L);

    private final String id;
    private final int size;
    private final long notImplemented;
    private final long min;
    private final long max;

    PointType(String id, int size, long notImplemented, long min, long max) {
        this.id = id;
        this.size = size;
        this.notImplemented = notImplemented;
        this.min = min;
        this.max = max;
    }

    /** The type's name in the SunSpec model files. */
    public String id() {
        return id;
    }

    /** Registers per point; 0 for strings, whose size each point gives. */
    int size() {
        return size;
    }

    /** The registers' contents (as an unsigned number) for a value, or the "not implemented" marker. */
    long raw(long value) {
        if (value == Point.NOT_IMPLEMENTED) {
            return notImplemented;
        }
        long clamped = Math.max(min, Math.min(max, value));
        return size == 2 ? clamped & 0xFFFF_FFFFL : clamped & 0xFFFFL;
    }
}
