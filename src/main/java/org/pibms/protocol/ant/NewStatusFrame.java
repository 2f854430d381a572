package org.pibms.protocol.ant;

import static org.pibms.protocol.ant.Bytes.u16;
import static org.pibms.protocol.ant.Bytes.u32;
import static org.pibms.protocol.ant.Bytes.u8;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The new protocol's status reply (function 0x11), every field in the ANT's units and sign
 * (positive current = discharging). Little-endian; its length follows the number of cells N and
 * of temperature probes T: 106 + 2·(N + T) data bytes. Field by field in docs/protocols/ant.md.
 *
 * @param chargeMos    the byte at 46 + 2·(N + T), which most clients read as the charge MOSFET
 * @param dischargeMos the byte after it
 * @param probe_C      the probes; −40 = no sensor
 */
public record NewStatusFrame(
        int permissions,
        int batteryStatus,
        long protectionMask,
        long warningMask,
        long balancingRequestMask,
        int[] cell_mV,
        int[] probe_C,
        int mosTemperature_C,
        int balancerTemperature_C,
        int packVoltage_cV,
        int current_dA,
        int soc_pct,
        int soh_pct,
        int chargeMos,
        int dischargeMos,
        int balancer,
        long capacity_uAh,
        long remaining_uAh,
        long cycle_mAh,
        int power_W,
        long runtime_s,
        long balanceMask,
        int maxCell_mV,
        int maxCell,
        int minCell_mV,
        int minCell,
        int delta_mV,
        int averageCell_mV,
        int dischargeMosVoltage,
        int dischargeMosDrive,
        int chargeMosDrive,
        int comparator,
        int batteryType,
        long discharged_mAh,
        long charged_mAh,
        long dischargeTime_s,
        long chargeTime_s) {

    public static final int FUNCTION = 0x11;
    public static final int MAX_CELLS = 32;
    public static final int MAX_PROBES = 8;
    /** Battery types of the status frame and of register 0x0098. */
    public static final int TYPE_TERNARY = 0xFAF1;
    public static final int TYPE_LFP = 0xFAF2;

    public NewStatusFrame {
        if (cell_mV.length > MAX_CELLS || probe_C.length > MAX_PROBES) {
            throw new IllegalArgumentException("at most " + MAX_CELLS + " cells and " + MAX_PROBES + " probes");
        }
        cell_mV = cell_mV.clone();
        probe_C = probe_C.clone();
    }

    @Override
    public int[] cell_mV() {
        return cell_mV.clone();
    }

    @Override
    public int[] probe_C() {
        return probe_C.clone();
    }

    /** Bytes between the length byte and the CRC. */
    int dataLength() {
        return 106 + 2 * (cell_mV.length + probe_C.length);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(dataLength()).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) permissions).put((byte) batteryStatus).put((byte) probe_C.length).put((byte) cell_mV.length);
        b.putLong(protectionMask).putLong(warningMask).putLong(balancingRequestMask);
        for (int v : cell_mV) {
            b.putShort((short) v);
        }
        for (int t : probe_C) {
            b.putShort((short) t);
        }
        b.putShort((short) mosTemperature_C).putShort((short) balancerTemperature_C);
        b.putShort((short) packVoltage_cV).putShort((short) current_dA);
        b.putShort((short) soc_pct).putShort((short) soh_pct);
        b.put((byte) chargeMos).put((byte) dischargeMos).put((byte) balancer).put((byte) 0);
        b.putInt((int) capacity_uAh).putInt((int) remaining_uAh).putInt((int) cycle_mAh);
        b.putInt(power_W).putInt((int) runtime_s).putInt((int) balanceMask);
        b.putShort((short) maxCell_mV).putShort((short) maxCell).putShort((short) minCell_mV)
                .putShort((short) minCell).putShort((short) delta_mV).putShort((short) averageCell_mV);
        b.putShort((short) dischargeMosVoltage).putShort((short) dischargeMosDrive).putShort((short) chargeMosDrive)
                .putShort((short) comparator).putShort((short) batteryType);
        b.putInt((int) discharged_mAh).putInt((int) charged_mAh).putInt((int) dischargeTime_s)
                .putInt((int) chargeTime_s);
        return NewFrames.frame(FUNCTION, 0, b.array(), NewFrames.NO_TRAILER);
    }

    /**
     * Reads a whole status reply.
     *
     * @throws IllegalArgumentException if it is not a well-formed 0x11 frame with a good CRC
     */
    public static NewStatusFrame decode(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(NewFrames.data(frame, FUNCTION)).order(ByteOrder.LITTLE_ENDIAN);
        int permissions = u8(b);
        int status = u8(b);
        int probes = u8(b);
        int cells = u8(b);
        if (cells > MAX_CELLS || probes > MAX_PROBES || b.capacity() != 106 + 2 * (cells + probes)) {
            throw new IllegalArgumentException(b.capacity() + " data bytes do not fit " + cells + " cells and "
                    + probes + " probes");
        }
        long protection = b.getLong();
        long warning = b.getLong();
        long request = b.getLong();
        int[] cell = new int[cells];
        for (int i = 0; i < cells; i++) {
            cell[i] = u16(b);
        }
        int[] probe = new int[probes];
        for (int i = 0; i < probes; i++) {
            probe[i] = b.getShort();
        }
        int mos = b.getShort();
        int balancerTemperature = b.getShort();
        int pack = u16(b);
        int current = b.getShort();
        int soc = u16(b);
        int soh = u16(b);
        int charge = u8(b);
        int discharge = u8(b);
        int balancer = u8(b);
        b.get();
        return new NewStatusFrame(permissions, status, protection, warning, request, cell, probe, mos,
                balancerTemperature, pack, current, soc, soh, charge, discharge, balancer, u32(b), u32(b), u32(b),
                b.getInt(), u32(b), u32(b), u16(b), u16(b), u16(b), u16(b), u16(b), u16(b), u16(b), u16(b), u16(b),
                u16(b), u16(b), u32(b), u32(b), u32(b), u32(b));
    }
}
