package org.pibms.protocol.ant;

import static org.pibms.protocol.ant.Bytes.u16;
import static org.pibms.protocol.ant.Bytes.u32;
import static org.pibms.protocol.ant.Bytes.u8;

import java.nio.ByteBuffer;

/**
 * The old protocol's 140-byte status frame, {@code AA 55 AA FF …}, every field in the ANT's own
 * units and sign (positive current = discharging). Big-endian; the last two bytes are the 16-bit
 * sum of bytes 4..137. Field by field in docs/protocols/ant.md.
 *
 * @param cell_mV      the 32 cell slots; slots beyond {@code cellCount} are 0
 * @param current_dA   0.1 A, positive while discharging
 * @param temperature_C T1..T6; −40 = no sensor
 * @param balanceMask  bit 0 = cell 1 bleeding
 */
public record OldStatusFrame(
        int packVoltage_dV,
        int[] cell_mV,
        int current_dA,
        int soc_pct,
        long capacity_uAh,
        long remaining_uAh,
        long cycle_mAh,
        long runtime_s,
        int[] temperature_C,
        int chargeMos,
        int dischargeMos,
        int balancer,
        int tireLength_mm,
        int pulses,
        int relay,
        int power_W,
        int maxCell,
        int maxCell_mV,
        int minCell,
        int minCell_mV,
        int averageCell_mV,
        int cellCount,
        int dischargeMosVoltage_dV,
        int dischargeMosDrive_dV,
        int chargeMosDrive_dV,
        int comparator,
        long balanceMask,
        int systemLog) {

    public static final int LENGTH = 140;
    public static final int CELL_SLOTS = 32;
    public static final int TEMPERATURES = 6;
    private static final int HEADER = 0xAA55AAFF;

    public OldStatusFrame {
        if (cell_mV.length != CELL_SLOTS || temperature_C.length != TEMPERATURES) {
            throw new IllegalArgumentException("the frame has 32 cell slots and 6 temperatures");
        }
        cell_mV = cell_mV.clone();
        temperature_C = temperature_C.clone();
    }

    @Override
    public int[] cell_mV() {
        return cell_mV.clone();
    }

    @Override
    public int[] temperature_C() {
        return temperature_C.clone();
    }

    public byte[] encode() {
        byte[] bytes = new byte[LENGTH];
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.putInt(HEADER);
        b.putShort((short) packVoltage_dV);
        for (int v : cell_mV) {
            b.putShort((short) v);
        }
        b.putInt(current_dA);
        b.put((byte) soc_pct);
        b.putInt((int) capacity_uAh);
        b.putInt((int) remaining_uAh);
        b.putInt((int) cycle_mAh);
        b.putInt((int) runtime_s);
        for (int t : temperature_C) {
            b.putShort((short) t);
        }
        b.put((byte) chargeMos).put((byte) dischargeMos).put((byte) balancer);
        b.putShort((short) tireLength_mm).putShort((short) pulses).put((byte) relay);
        b.putInt(power_W);
        b.put((byte) maxCell).putShort((short) maxCell_mV);
        b.put((byte) minCell).putShort((short) minCell_mV);
        b.putShort((short) averageCell_mV);
        b.put((byte) cellCount);
        b.putShort((short) dischargeMosVoltage_dV).putShort((short) dischargeMosDrive_dV)
                .putShort((short) chargeMosDrive_dV).putShort((short) comparator);
        b.putInt((int) balanceMask);
        b.putShort((short) systemLog);
        b.putShort((short) checksum(bytes));
        return bytes;
    }

    /**
     * Reads a whole frame.
     *
     * @throws IllegalArgumentException if it is not 140 bytes, lacks the header or fails its checksum
     */
    public static OldStatusFrame decode(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("an old status frame is " + LENGTH + " bytes, not " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getInt() != HEADER) {
            throw new IllegalArgumentException("an old status frame starts with AA 55 AA FF");
        }
        int stored = b.getShort(LENGTH - 2) & 0xFFFF;
        if (stored != checksum(bytes)) {
            throw new IllegalArgumentException(String.format("checksum %04X, the bytes sum to %04X", stored,
                    checksum(bytes)));
        }
        int pack = u16(b);
        int[] cells = new int[CELL_SLOTS];
        for (int i = 0; i < CELL_SLOTS; i++) {
            cells[i] = u16(b);
        }
        int current = b.getInt();
        int soc = u8(b);
        long capacity = u32(b);
        long remaining = u32(b);
        long cycle = u32(b);
        long runtime = u32(b);
        int[] temperatures = new int[TEMPERATURES];
        for (int i = 0; i < TEMPERATURES; i++) {
            temperatures[i] = b.getShort();
        }
        return new OldStatusFrame(pack, cells, current, soc, capacity, remaining, cycle, runtime, temperatures,
                u8(b), u8(b), u8(b), u16(b), u16(b), u8(b), b.getInt(), u8(b), u16(b), u8(b), u16(b), u16(b), u8(b),
                u16(b), u16(b), u16(b), u16(b), u32(b), u16(b));
    }

    /** The sum of bytes 4..137, truncated to 16 bits. */
    static int checksum(byte[] frame) {
        int sum = 0;
        for (int i = 4; i < LENGTH - 2; i++) {
            sum += frame[i] & 0xFF;
        }
        return sum & 0xFFFF;
    }
}
