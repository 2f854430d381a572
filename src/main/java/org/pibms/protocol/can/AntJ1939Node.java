package org.pibms.protocol.can;

import java.util.ArrayList;
import java.util.List;
import org.pibms.core.ActiveFault;
import org.pibms.core.CanFrame;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;
import org.pibms.core.Severity;
import org.pibms.core.settings.SensorLocation;

/**
 * pibms on a J1939 bus (250 kbit/s) as an ANT BMS: the ANT's cyclic frames to the display (0x28),
 * from its own source address (0xF4 unless configured), after claiming that address with its NAME;
 * DM1 with the active faults once a second; and answers to requests for the address claim, DM1 or
 * any group it sends. The ANT frames' layout is the openppg decoders' (docs/protocols/can.md):
 * no ANT document could be read in full.
 */
public final class AntJ1939Node implements CanNode {

    public static final int BITRATE = 250_000;
    static final int PRIORITY = 6;
    static final int DISPLAY = 0x28;
    static final int BASIC_1 = 0xFF28;
    static final int BASIC_2 = 0xFE28;
    static final int CYCLES = 0xA300;
    static final int TEMPERATURES = 0xB400;
    static final int CELLS = 0xC800;
    /** Manufacturer-specific SPNs start here (J1939-73); pibms's faults follow in table order. */
    static final int FIRST_SPN = 520_192;
    /** Between the packets of a BAM (J1939-21 allows 50–200 ms). */
    static final long BAM_GAP_ms = 50;
    static final long FAST_ms = 100;
    static final long SLOW_ms = 500;
    static final long DM1_ms = 1000;

    private final long name;
    private final int address;
    private final int cells;
    private final List<SensorLocation> sensors;
    private final int nominalPack_mV;
    private boolean claimed;
    private boolean lost;
    private long nextFast_ms;
    private long nextSlow_ms;
    private long nextDm1_ms;
    private final List<CanFrame> bam = new ArrayList<>();
    private long nextBam_ms;
    private String news;

    /**
     * @param name    the 64-bit J1939 NAME this node claims its address with
     * @param address the source address (0xF4 is the ANT's)
     */
    public AntJ1939Node(long name, int address, int cells, List<SensorLocation> sensors, int nominalPack_mV) {
        if (address < 0 || address > 0xFD) {
            throw new IllegalArgumentException("a J1939 source address is 0..253, not " + address);
        }
        this.name = name;
        this.address = address;
        this.cells = cells;
        this.sensors = List.copyOf(sensors);
        this.nominalPack_mV = nominalPack_mV;
    }

    @Override
    public int bitrate() {
        return BITRATE;
    }

    @Override
    public List<CanFrame> due(long now_ms, PackSnapshot s) {
        if (lost) {
            return List.of();
        }
        List<CanFrame> out = new ArrayList<>();
        if (!claimed) {
            claimed = true;
            out.add(claim(address));
            news = String.format("J1939: claimed address 0x%02X with NAME %016X", address, name);
            // J1939-81: the first traffic waits 250 ms after the claim
            nextFast_ms = nextSlow_ms = nextDm1_ms = now_ms + 250;
            return out;
        }
        if (now_ms >= nextFast_ms) {
            nextFast_ms = now_ms + FAST_ms;
            out.add(basic1(s));
            out.add(basic2(s));
        }
        if (now_ms >= nextSlow_ms) {
            nextSlow_ms = now_ms + SLOW_ms;
            out.addAll(cellFrames(s));
            out.add(temperatures(s));
        }
        if (now_ms >= nextDm1_ms) {
            nextDm1_ms = now_ms + DM1_ms;
            out.add(cycles(s));
            out.addAll(dm1(s, now_ms));
        }
        if (!bam.isEmpty() && now_ms >= nextBam_ms) {
            out.add(bam.remove(0));
            nextBam_ms = now_ms + BAM_GAP_ms;
        }
        return out;
    }

    @Override
    public List<CanFrame> received(CanFrame frame, long now_ms, PackSnapshot s) {
        if (!frame.extended() || lost) {
            return List.of();
        }
        int pgn = J1939.pgn(frame.id());
        int source = J1939.source(frame.id());
        if (pgn == J1939.ADDRESS_CLAIMED && source == address && frame.length() == 8) {
            long theirs = 0;
            for (int i = 7; i >= 0; i--) {
                theirs = theirs << 8 | frame.u8(i);
            }
            if (Long.compareUnsigned(theirs, name) < 0) {
                lost = true;
                news = String.format("J1939: address 0x%02X lost to NAME %016X (ours %016X is higher); pibms is"
                        + " silent on this bus until restarted with another address", address, theirs, name);
                return List.of(claim(J1939.NULL_ADDRESS));
            }
            return List.of(claim(address));
        }
        if (pgn == J1939.REQUEST && frame.length() >= 3) {
            int destination = J1939.destination(frame.id());
            if (destination != address && destination != J1939.GLOBAL) {
                return List.of();
            }
            int requested = frame.u8(0) | frame.u8(1) << 8 | frame.u8(2) << 16;
            return answer(requested, destination == J1939.GLOBAL, source, s, now_ms);
        }
        return List.of();
    }

    private List<CanFrame> answer(int pgn, boolean global, int requester, PackSnapshot s, long now_ms) {
        return switch (pgn) {
            case J1939.ADDRESS_CLAIMED -> List.of(claim(address));
            case J1939.DM1 -> dm1(s, now_ms);
            case BASIC_1 -> List.of(basic1(s));
            case BASIC_2 -> List.of(basic2(s));
            case CYCLES -> List.of(cycles(s));
            case TEMPERATURES -> List.of(temperatures(s));
            default -> global ? List.of() : List.of(nack(pgn, requester));
        };
    }

    /** Address claimed: the NAME, little-endian, to everyone; from 0xFE it says "cannot claim". */
    private CanFrame claim(int from) {
        byte[] d = new byte[8];
        for (int i = 0; i < 8; i++) {
            d[i] = (byte) (name >>> (8 * i));
        }
        return CanFrame.extended(J1939.id(PRIORITY, J1939.ADDRESS_CLAIMED, J1939.GLOBAL, from), d);
    }

    private CanFrame nack(int pgn, int requester) {
        byte[] d = {1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) requester, (byte) pgn, (byte) (pgn >>> 8),
            (byte) (pgn >>> 16)};
        return CanFrame.extended(J1939.id(PRIORITY, J1939.ACKNOWLEDGEMENT, J1939.GLOBAL, address), d);
    }

    private int toDisplay(int pgn) {
        return J1939.id(PRIORITY, pgn, DISPLAY, address);
    }

    /** Flags, SOC, current (offset 500 A, 0.1 A, discharge positive as the ANT), voltage, failure level and code. */
    CanFrame basic1(PackSnapshot s) {
        byte[] d = new byte[8];
        boolean charging = s.currentValid() && s.current_mA() > 100;
        int flags = (charging ? 0b11 : 0) | (s.socValid() && s.soc_pct() < 10 ? 0b100 : 0)
                | (s.state() == PackState.NORMAL ? 0b1000 : 0) | (s.dischargeMos() ? 0b1_0000 : 0)
                | (s.chargeMos() ? 0b10_0000 : 0);
        d[0] = (byte) flags;
        d[1] = (byte) (s.socValid() ? Math.round(Math.max(0, Math.min(100, s.soc_pct()))) : 0xFF);
        int raw = s.currentValid() ? (int) Math.max(0, Math.min(0xFFFE, 5000 - Math.round(s.current_mA() / 100.0)))
                : 0xFFFF;
        LittleEndian.u16(d, 2, raw);
        LittleEndian.u16(d, 4, s.packVoltageValid() ? (int) Math.round(s.packVoltage_mV() / 100.0) : 0xFFFF);
        ActiveFault worst = null;
        for (ActiveFault f : s.faults()) {
            if (worst == null || f.id().severity().ordinal() > worst.id().severity().ordinal()) {
                worst = f;
            }
        }
        d[6] = (byte) (worst == null ? 0 : worst.id().severity().ordinal() + 1);
        d[7] = (byte) (worst == null ? 0 : worst.id().ordinal() + 1);
        return CanFrame.extended(toDisplay(BASIC_1), d);
    }

    /** Highest and lowest cell (mV), highest and lowest cell temperature (+40 °C), DCL (0.1 A). */
    CanFrame basic2(PackSnapshot s) {
        byte[] d = new byte[8];
        boolean valid = s.cellVoltagesValid() && s.cellCount() > 0;
        LittleEndian.u16(d, 0, valid ? s.cellVoltage_mV(s.maxCell()) : 0xFFFF);
        LittleEndian.u16(d, 2, valid ? s.cellVoltage_mV(s.minCell()) : 0xFFFF);
        int high = Integer.MIN_VALUE;
        int low = Integer.MAX_VALUE;
        for (int i = 0; i < Math.min(sensors.size(), s.temperatureNames().size()); i++) {
            if (sensors.get(i) == SensorLocation.CELL && s.temperatureValid(i)) {
                high = Math.max(high, s.temperature_dC(i));
                low = Math.min(low, s.temperature_dC(i));
            }
        }
        d[4] = (byte) (high == Integer.MIN_VALUE ? 0xFF : offset40(high));
        d[5] = (byte) (low == Integer.MAX_VALUE ? 0xFF : offset40(low));
        LittleEndian.u16Clamped(d, 6, Math.round(s.dcl_mA() / 100.0));
        return CanFrame.extended(toDisplay(BASIC_2), d);
    }

    /** Equivalent cycles, and the energy discharged at the nominal voltage in 0.1 Wh. */
    CanFrame cycles(PackSnapshot s) {
        byte[] d = new byte[8];
        double cycles = s.cycles();
        LittleEndian.u32(d, 0, Double.isNaN(cycles) ? 0xFFFF_FFFFL : (long) cycles);
        double discharged_mAh = s.soc() == null ? Double.NaN : s.soc().discharged_mAh();
        LittleEndian.u32(d, 4, Double.isNaN(discharged_mAh) ? 0xFFFF_FFFFL
                : Math.min(0xFFFF_FFFEL, Math.round(discharged_mAh * nominalPack_mV / 1e5)));
        return CanFrame.extended(toDisplay(CYCLES), d);
    }

    /** Probes 1..8 in config order, +40 °C; 0xFF where a probe is missing or failed. */
    CanFrame temperatures(PackSnapshot s) {
        byte[] d = new byte[8];
        for (int i = 0; i < 8; i++) {
            d[i] = (byte) (i < s.temperatureNames().size() && s.temperatureValid(i) ? offset40(s.temperature_dC(i))
                    : 0xFF);
        }
        return CanFrame.extended(toDisplay(TEMPERATURES), d);
    }

    /** Four cells a frame, big-endian mV (as the ANT, unlike every other field), PF 0xC8 onward. */
    List<CanFrame> cellFrames(PackSnapshot s) {
        List<CanFrame> out = new ArrayList<>();
        for (int first = 0; first < cells; first += 4) {
            byte[] d = new byte[8];
            for (int k = 0; k < 4; k++) {
                int cell = first + k;
                boolean known = cell < cells && s.cellVoltagesValid() && cell < s.cellCount();
                int mV = known ? s.cellVoltage_mV(cell) : 0xFFFF;
                d[2 * k] = (byte) (mV >>> 8);
                d[2 * k + 1] = (byte) mV;
            }
            out.add(CanFrame.extended(toDisplay(CELLS + (first / 4 << 8)), d));
        }
        return out;
    }

    private static int offset40(int dC) {
        return (int) Math.max(0, Math.min(0xFE, Math.round(dC / 10.0) + 40));
    }

    /**
     * DM1: lamps, then one DTC per active fault (SPN 520192 + the fault's place in the table, FMI 0
     * above normal, 1 below normal, 31 condition exists). One DTC fits a frame; more go as a BAM.
     */
    List<CanFrame> dm1(PackSnapshot s, long now_ms) {
        List<ActiveFault> faults = s.faults();
        boolean protection = false;
        boolean other = false;
        for (ActiveFault f : faults) {
            protection |= f.id().severity() == Severity.PROTECTION;
            other |= f.id().severity() != Severity.PROTECTION;
        }
        int length = 2 + 4 * Math.max(1, faults.size());
        byte[] payload = new byte[Math.max(8, length)];
        java.util.Arrays.fill(payload, (byte) 0xFF);
        // lamps: red stop (bits 5-4) for a protection, amber (bits 3-2) for warnings and alarms
        payload[0] = (byte) ((protection ? 0b01 : 0) << 4 | (other ? 0b01 : 0) << 2);
        payload[1] = (byte) 0xFF;
        if (faults.isEmpty()) {
            for (int i = 2; i < 6; i++) {
                payload[i] = 0;
            }
        }
        for (int i = 0; i < faults.size(); i++) {
            FaultId id = faults.get(i).id();
            int spn = FIRST_SPN + id.ordinal();
            int fmi = switch (id.trip()) {
                case ABOVE -> 0;
                case BELOW -> 1;
                default -> 31;
            };
            int at = 2 + 4 * i;
            payload[at] = (byte) spn;
            payload[at + 1] = (byte) (spn >>> 8);
            payload[at + 2] = (byte) ((spn >>> 16 & 0x7) << 5 | fmi);
            payload[at + 3] = 1;
        }
        int dm1Id = J1939.id(PRIORITY, J1939.DM1, J1939.GLOBAL, address);
        if (payload.length == 8) {
            return List.of(CanFrame.extended(dm1Id, payload));
        }
        // BAM: the announcement now, the packets one per gap from the following ticks
        int packets = (length + 6) / 7;
        byte[] cm = {0x20, (byte) length, (byte) (length >>> 8), (byte) packets, (byte) 0xFF, (byte) J1939.DM1,
            (byte) (J1939.DM1 >>> 8), 0};
        bam.clear();
        for (int p = 0; p < packets; p++) {
            byte[] dt = new byte[8];
            java.util.Arrays.fill(dt, (byte) 0xFF);
            dt[0] = (byte) (p + 1);
            System.arraycopy(payload, 7 * p, dt, 1, Math.min(7, length - 7 * p));
            bam.add(CanFrame.extended(J1939.id(7, J1939.TP_DT, J1939.GLOBAL, address), dt));
        }
        nextBam_ms = now_ms + BAM_GAP_ms;
        return List.of(CanFrame.extended(J1939.id(7, J1939.TP_CM, J1939.GLOBAL, address), cm));
    }

    @Override
    public String news() {
        String n = news;
        news = null;
        return n;
    }

    /** True after another node with a lower NAME took the address: this node sends nothing more. */
    public boolean lost() {
        return lost;
    }
}
