package org.pibms.protocol.ant;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.pibms.protocol.Crc16Modbus;

/**
 * The new protocol's frames: {@code 7E A1 fn addrL addrH len data crcL crcH [trailer] AA 55},
 * the CRC (CRC-16/MODBUS, low byte first) over everything from A1 to the last data byte.
 *
 * <p>Replies 0x12 (device info, settings read) and 0x42 (settings write) carry six more bytes
 * before AA 55 on a real BMS: {@code FF 0B 00 00} or {@code FF 0A 00 00} and their own CRC.
 * Nobody knows what they mean; pibms sends them because clients were written against them.
 */
public final class NewFrames {

    public static final int DEVICE_INFO = 0x12;
    public static final int PERMISSION = 0x14;
    public static final int WRITTEN = 0x42;
    public static final int AUTHENTICATED = 0x43;
    public static final int ACKNOWLEDGED = 0x61;
    /** The register a device-info read asks for. */
    public static final int DEVICE_INFO_ADDRESS = 0x026C;
    public static final int DEVICE_INFO_LENGTH = 0x20;
    /** The register an authentication writes (ESPHome's byte order, which matches the captured ACK). */
    public static final int PASSWORD_ADDRESS = 0x016A;

    static final byte[] NO_TRAILER = {};
    private static final byte[] READ_TRAILER = trailer(0x0B);
    private static final byte[] WRITE_TRAILER = trailer(0x0A);
    private static final int TEXT_FIELD = 16;

    private NewFrames() {
    }

    /** A reply frame; the length byte is the data length. */
    static byte[] frame(int function, int address, byte[] data, byte[] trailer) {
        return frame(function, address, data.length, data, trailer);
    }

    /** A frame whose length byte is {@code length}: the data length, or what a read asks for. */
    private static byte[] frame(int function, int address, int length, byte[] data, byte[] trailer) {
        if (data.length > 255) {
            throw new IllegalArgumentException("at most 255 data bytes, got " + data.length);
        }
        byte[] frame = new byte[6 + data.length + 2 + trailer.length + 2];
        frame[0] = 0x7E;
        frame[1] = (byte) 0xA1;
        frame[2] = (byte) function;
        frame[3] = (byte) address;
        frame[4] = (byte) (address >>> 8);
        frame[5] = (byte) length;
        System.arraycopy(data, 0, frame, 6, data.length);
        int crc = Crc16Modbus.of(frame, 1, 5 + data.length);
        frame[6 + data.length] = (byte) crc;
        frame[7 + data.length] = (byte) (crc >>> 8);
        System.arraycopy(trailer, 0, frame, 8 + data.length, trailer.length);
        frame[frame.length - 2] = (byte) 0xAA;
        frame[frame.length - 1] = 0x55;
        return frame;
    }

    /** A request frame, as a client sends it: reads carry a length and no data, writes their data. */
    public static byte[] request(int function, int address, int length, byte[] data) {
        return frame(function, address, length, data, NO_TRAILER);
    }

    /** The device-info reply: model and software version, 16 ASCII bytes each, NUL-padded. */
    public static byte[] deviceInfo(String model, String version) {
        byte[] data = new byte[2 * TEXT_FIELD];
        text(model, data, 0);
        text(version, data, TEXT_FIELD);
        return frame(DEVICE_INFO, DEVICE_INFO_ADDRESS, data, READ_TRAILER);
    }

    /** A settings read reply: the registers from {@code address}, little-endian. */
    public static byte[] registers(int address, byte[] values) {
        return frame(DEVICE_INFO, address, values, READ_TRAILER);
    }

    /** A settings write reply: the register and the value it now holds. */
    public static byte[] written(int address, int value) {
        return frame(WRITTEN, address, new byte[] {(byte) value, (byte) (value >>> 8)}, WRITE_TRAILER);
    }

    /** An acknowledgement of a control command (0x61) or an authentication (0x43). */
    public static byte[] ack(int function, int address, int code) {
        return frame(function, address, new byte[] {(byte) code, (byte) (code >>> 8)}, NO_TRAILER);
    }

    /** The permission reply: twelve bytes whose meaning nobody has found. */
    public static byte[] permission(byte[] twelve) {
        return frame(PERMISSION, 0, twelve, NO_TRAILER);
    }

    /**
     * The data of a well-formed reply with the given function code, with or without a trailer.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static byte[] data(byte[] frame, int function) {
        if (frame.length < 10 || (frame[0] & 0xFF) != 0x7E || (frame[1] & 0xFF) != 0xA1) {
            throw new IllegalArgumentException("a new-protocol frame starts with 7E A1 and has at least 10 bytes");
        }
        if ((frame[2] & 0xFF) != function) {
            throw new IllegalArgumentException(String.format("function %02X, expected %02X", frame[2] & 0xFF,
                    function));
        }
        int length = frame[5] & 0xFF;
        int tail = frame.length - (8 + length);
        if (tail != 2 && tail != 8 || (frame[frame.length - 2] & 0xFF) != 0xAA || frame[frame.length - 1] != 0x55) {
            throw new IllegalArgumentException(frame.length + " bytes do not fit a data length of " + length
                    + " and an AA 55 end");
        }
        int crc = (frame[6 + length] & 0xFF) | (frame[7 + length] & 0xFF) << 8;
        int computed = Crc16Modbus.of(frame, 1, 5 + length);
        if (crc != computed) {
            throw new IllegalArgumentException(String.format("CRC %04X, computed %04X", crc, computed));
        }
        return Arrays.copyOfRange(frame, 6, 6 + length);
    }

    /** The address field of a new-protocol frame. */
    public static int address(byte[] frame) {
        return (frame[3] & 0xFF) | (frame[4] & 0xFF) << 8;
    }

    /** A NUL-padded ASCII field read back, up to its first NUL. */
    public static String text(byte[] data, int offset) {
        int end = offset;
        while (end < offset + TEXT_FIELD && data[end] != 0) {
            end++;
        }
        return new String(data, offset, end - offset, StandardCharsets.US_ASCII);
    }

    private static void text(String value, byte[] data, int offset) {
        byte[] ascii = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, data, offset, Math.min(ascii.length, TEXT_FIELD));
    }

    private static byte[] trailer(int kind) {
        byte[] trailer = {(byte) 0xFF, (byte) kind, 0, 0, 0, 0};
        int crc = Crc16Modbus.of(trailer, 0, 4);
        trailer[4] = (byte) crc;
        trailer[5] = (byte) (crc >>> 8);
        return trailer;
    }
}
