package org.pibms.core;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One classical CAN frame: an 11-bit or 29-bit identifier and up to 8 data bytes.
 *
 * @param extended a 29-bit identifier (J1939), else 11-bit (the inverter protocols)
 */
public record CanFrame(int id, boolean extended, byte[] data) {

    public static final int MAX_STANDARD_ID = 0x7FF;
    public static final int MAX_EXTENDED_ID = 0x1FFF_FFFF;

    public CanFrame {
        if (id < 0 || id > (extended ? MAX_EXTENDED_ID : MAX_STANDARD_ID)) {
            throw new IllegalArgumentException(String.format("CAN id 0x%X does not fit %d bits", id,
                    extended ? 29 : 11));
        }
        if (data.length > 8) {
            throw new IllegalArgumentException("a classical CAN frame carries at most 8 bytes, not " + data.length);
        }
        data = data.clone();
    }

    public static CanFrame standard(int id, byte... data) {
        return new CanFrame(id, false, data);
    }

    public static CanFrame extended(int id, byte... data) {
        return new CanFrame(id, true, data);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    public int length() {
        return data.length;
    }

    /** Byte {@code index} as 0..255. */
    public int u8(int index) {
        return data[index] & 0xFF;
    }

    /** candump's form: {@code 351#2802E803DC05D001}, {@code 18FF28F4#...}. */
    @Override
    public String toString() {
        return String.format(extended ? "%08X" : "%03X", id) + "#" + HexFormat.of().withUpperCase().formatHex(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CanFrame f && f.id == id && f.extended == extended && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * id + Boolean.hashCode(extended)) + Arrays.hashCode(data);
    }
}
