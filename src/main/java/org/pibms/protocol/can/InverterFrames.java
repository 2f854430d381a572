package org.pibms.protocol.can;

import static org.pibms.protocol.can.LittleEndian.s16;
import static org.pibms.protocol.can.LittleEndian.u16;
import static org.pibms.protocol.can.LittleEndian.u16Clamped;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.pibms.core.ActiveFault;
import org.pibms.core.CanFrame;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.Severity;
import org.pibms.core.settings.SensorLocation;

/**
 * The frames of one cycle for an inverter profile, from a snapshot. Pure: the CAN service sends
 * what this returns. Fields pibms has no valid value for carry SMA's "invalid" markers (0xFFFF,
 * 0x8000), as SMA asks, rather than a zero an inverter would act on.
 */
public final class InverterFrames {

    /**
     * What the frames say about the battery itself.
     *
     * @param dischargeVoltage_mV DVL: where the pack counts as empty (cells × the discharge taper's end)
     * @param name                for Victron's 0x370/0x371, up to 16 characters
     * @param version             BMS version, major and minor, for 0x35F
     */
    public record Battery(int cells, int capacity_mAh, int dischargeVoltage_mV, List<SensorLocation> sensors,
            String name, int versionMajor, int versionMinor) {

        public Battery {
            sensors = List.copyOf(sensors);
        }
    }

    static final int INVALID_U16 = 0xFFFF;
    static final int INVALID_S16 = 0x8000;
    /** diyBMS's convention for inverters that derive limits from a module count: US3000C modules of 74 Ah. */
    static final int MODULE_mAh = 74_000;
    /** The faults that are SMA alarms: every protection but the low-SOC cut-off (see {@link #alarms}). */
    private static final long SMA_ALARMS = smaAlarms();

    private final InverterProfile profile;
    private final Battery battery;

    public InverterFrames(InverterProfile profile, Battery battery) {
        this.profile = profile;
        this.battery = battery;
    }

    public InverterProfile profile() {
        return profile;
    }

    /** The cycle's frames, in the profile's order. */
    public List<CanFrame> frames(PackSnapshot s) {
        List<CanFrame> frames = new ArrayList<>(profile.ids().size());
        for (int id : profile.ids()) {
            frames.add(frame(id, s));
        }
        return frames;
    }

    CanFrame frame(int id, PackSnapshot s) {
        return switch (id) {
            case 0x351 -> limits(s);
            case 0x355 -> soc(s);
            case 0x356 -> measurements(s);
            case 0x359 -> pylonFlags(s);
            case 0x35A -> alarms(s);
            case 0x35B -> CanFrame.standard(0x35B, new byte[8]);
            case 0x35C -> requests(s);
            case 0x35E -> CanFrame.standard(0x35E, ascii(profile.manufacturer(), 8));
            case 0x35F -> identity();
            case 0x370 -> CanFrame.standard(0x370, slice(ascii(battery.name(), 16), 0));
            case 0x371 -> CanFrame.standard(0x371, slice(ascii(battery.name(), 16), 8));
            case 0x372 -> modules(s);
            case 0x373 -> cellExtremes(s);
            case 0x379 -> capacity();
            default -> throw new IllegalArgumentException(String.format("no frame 0x%03X", id));
        };
    }

    /**
     * CVL, CCL, DCL (positive) and DVL. While charging must stop (CCL 0), CVL comes down to the
     * pack's own voltage: several inverters (Victron, Deye) keep charging towards CVL, or raise an
     * error, when they are only told CCL 0, and none is ever told CVL 0.
     */
    private CanFrame limits(PackSnapshot s) {
        byte[] d = new byte[8];
        int cvl_mV = s.cvl_mV();
        if (s.ccl_mA() == 0 && s.packVoltageValid()) {
            cvl_mV = Math.min(cvl_mV, s.packVoltage_mV());
        }
        u16Clamped(d, 0, Math.round(cvl_mV / 100.0));
        s16(d, 2, Math.round(s.ccl_mA() / 100.0));
        s16(d, 4, Math.round(s.dcl_mA() / 100.0));
        u16Clamped(d, 6, Math.round(battery.dischargeVoltage_mV() / 100.0));
        return CanFrame.standard(0x351, d);
    }

    /** SOC and SOH in %, and (SMA, Victron) the SOC in 0.01 %. */
    private CanFrame soc(PackSnapshot s) {
        byte[] d = new byte[profile == InverterProfile.PYLON ? 4 : 6];
        boolean soc = s.socValid();
        double soh = s.soh_pct();
        u16(d, 0, soc ? (int) Math.round(Math.max(0, Math.min(100, s.soc_pct()))) : INVALID_U16);
        u16(d, 2, Double.isNaN(soh) ? INVALID_U16 : (int) Math.round(soh));
        if (d.length == 6) {
            u16(d, 4, soc ? (int) Math.round(Math.max(0, Math.min(100, s.soc_pct())) * 100) : INVALID_U16);
        }
        return CanFrame.standard(0x355, d);
    }

    /** Pack voltage 0.01 V, current 0.1 A (charge positive), the mean cell temperature 0.1 °C. */
    private CanFrame measurements(PackSnapshot s) {
        byte[] d = new byte[6];
        if (s.packVoltageValid()) {
            s16(d, 0, Math.round(s.packVoltage_mV() / 10.0));
        } else {
            u16(d, 0, INVALID_S16);
        }
        if (s.currentValid()) {
            s16(d, 2, Math.round(s.current_mA() / 100.0));
        } else {
            u16(d, 2, INVALID_S16);
        }
        long sum = 0;
        int count = 0;
        for (int i = 0; i < Math.min(battery.sensors().size(), s.temperatureNames().size()); i++) {
            if (battery.sensors().get(i) == SensorLocation.CELL && s.temperatureValid(i)) {
                sum += s.temperature_dC(i);
                count++;
            }
        }
        if (count > 0) {
            s16(d, 4, Math.round((double) sum / count));
        } else {
            u16(d, 4, INVALID_S16);
        }
        return CanFrame.standard(0x356, d);
    }

    /** Pylon 1.2's protection and alarm bits, module count and "PN". */
    private CanFrame pylonFlags(PackSnapshot s) {
        byte[] d = new byte[7];
        for (ActiveFault fault : s.faults()) {
            boolean protection = fault.id().severity() == Severity.PROTECTION;
            switch (fault.id()) {
                case CELL_OVERVOLTAGE, PACK_OVERVOLTAGE -> d[0] |= 1 << 1;
                case CELL_UNDERVOLTAGE, PACK_UNDERVOLTAGE, CELL_DEEP_DISCHARGE -> d[0] |= 1 << 2;
                case CHARGE_OVERTEMPERATURE, DISCHARGE_OVERTEMPERATURE, MOS_OVERTEMPERATURE -> d[0] |= 1 << 3;
                case CHARGE_UNDERTEMPERATURE, DISCHARGE_UNDERTEMPERATURE -> d[0] |= 1 << 4;
                case DISCHARGE_OVERCURRENT, DISCHARGE_OVERCURRENT_FAST, MOS_PULSE_OVERLOAD, SHORT_CIRCUIT ->
                        d[0] |= (byte) (1 << 7);
                case CHARGE_OVERCURRENT -> d[1] |= 1;
                case CELL_OVERVOLTAGE_WARNING -> d[2] |= 1 << 1;
                case CELL_UNDERVOLTAGE_WARNING, LOW_SOC -> d[2] |= 1 << 2;
                case BALANCE_OVERTEMPERATURE -> d[2] |= 1 << 3;
                case AFE_COMMUNICATION_LOST, AFE_PEC_ERROR_STORM, CURRENT_SENSOR_FAILURE -> {
                    d[1] |= 1 << 3;
                    d[3] |= 1 << 3;
                }
                default -> {
                    if (protection) {
                        d[1] |= 1 << 3;
                    }
                }
            }
        }
        d[4] = (byte) Math.max(1, Math.min(255, Math.round((double) battery.capacity_mAh() / MODULE_mAh)));
        d[5] = 'P';
        d[6] = 'N';
        return CanFrame.standard(0x359, d);
    }

    /**
     * SMA's alarm (bytes 0–3) and warning (4–7) pairs: 01 active, 10 fine, 00 for the pairs an
     * external BMS must not use. An alarm makes a Sunny Island stop, so only protections are
     * alarms; pibms's warnings and alarms (imbalance, balance heat) are warnings, and so is the
     * low-SOC cut-off: it stops discharging only, and a stopped inverter could not charge the pack
     * back up.
     */
    private CanFrame alarms(PackSnapshot s) {
        long active = 0;
        for (ActiveFault fault : s.faults()) {
            active |= fault.id().bit();
        }
        byte[] d = new byte[8];
        long protections = active & SMA_ALARMS;
        long lesser = active & ~SMA_ALARMS;
        pair(d, 0, 0, protections != 0);
        pair(d, 0, 1, any(protections, FaultId.CELL_OVERVOLTAGE, FaultId.PACK_OVERVOLTAGE));
        pair(d, 0, 2, any(protections, FaultId.CELL_UNDERVOLTAGE, FaultId.PACK_UNDERVOLTAGE,
                FaultId.CELL_DEEP_DISCHARGE));
        pair(d, 0, 3, any(protections, FaultId.CHARGE_OVERTEMPERATURE, FaultId.DISCHARGE_OVERTEMPERATURE,
                FaultId.MOS_OVERTEMPERATURE));
        pair(d, 1, 0, any(protections, FaultId.CHARGE_UNDERTEMPERATURE, FaultId.DISCHARGE_UNDERTEMPERATURE));
        pair(d, 1, 1, any(protections, FaultId.CHARGE_OVERTEMPERATURE));
        pair(d, 1, 2, any(protections, FaultId.CHARGE_UNDERTEMPERATURE));
        pair(d, 1, 3, any(protections, FaultId.DISCHARGE_OVERCURRENT, FaultId.DISCHARGE_OVERCURRENT_FAST,
                FaultId.MOS_PULSE_OVERLOAD));
        pair(d, 2, 0, any(protections, FaultId.CHARGE_OVERCURRENT));
        pair(d, 2, 1, any(protections, FaultId.PRECHARGE_FAILED));
        pair(d, 2, 2, any(protections, FaultId.SHORT_CIRCUIT));
        pair(d, 2, 3, any(protections, FaultId.AFE_COMMUNICATION_LOST, FaultId.AFE_PEC_ERROR_STORM,
                FaultId.CURRENT_SENSOR_FAILURE, FaultId.OPEN_WIRE, FaultId.PACK_VOLTAGE_MISMATCH,
                FaultId.TEMPERATURE_SENSOR_FAILURE));
        pair(d, 3, 0, false);
        pair(d, 4, 0, lesser != 0);
        pair(d, 4, 1, any(lesser, FaultId.CELL_OVERVOLTAGE_WARNING));
        pair(d, 4, 2, any(lesser, FaultId.CELL_UNDERVOLTAGE_WARNING, FaultId.LOW_SOC));
        pair(d, 4, 3, any(lesser, FaultId.BALANCE_OVERTEMPERATURE));
        pair(d, 5, 0, false);
        pair(d, 5, 1, false);
        pair(d, 5, 2, false);
        pair(d, 5, 3, false);
        pair(d, 6, 0, false);
        pair(d, 6, 1, false);
        pair(d, 6, 2, false);
        pair(d, 6, 3, false);
        pair(d, 7, 0, any(lesser, FaultId.CELL_IMBALANCE));
        return CanFrame.standard(0x35A, d);
    }

    private static long smaAlarms() {
        long mask = 0;
        for (FaultId id : FaultId.values()) {
            if (id.severity() == Severity.PROTECTION && id != FaultId.LOW_SOC) {
                mask |= id.bit();
            }
        }
        return mask;
    }

    private static boolean any(long active, FaultId... ids) {
        for (FaultId id : ids) {
            if ((active & id.bit()) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Pair {@code pair} (0–3) of byte {@code index}: 01 when active, 10 when fine. */
    private static void pair(byte[] d, int index, int pair, boolean active) {
        d[index] |= (byte) ((active ? 0b01 : 0b10) << (2 * pair));
    }

    /** Pylon's 0x35C: charge enable (bit 7) while CCL > 0, discharge enable (bit 6) while DCL > 0. */
    private CanFrame requests(PackSnapshot s) {
        byte[] d = new byte[2];
        if (s.ccl_mA() > 0) {
            d[0] |= (byte) 0x80;
        }
        if (s.dcl_mA() > 0) {
            d[0] |= 0x40;
        }
        return CanFrame.standard(0x35C, d);
    }

    /** "Li", the BMS version, the capacity in Ah. */
    private CanFrame identity() {
        byte[] d = new byte[8];
        d[0] = 'L';
        d[1] = 'i';
        d[2] = (byte) battery.versionMajor();
        d[3] = (byte) battery.versionMinor();
        u16Clamped(d, 4, Math.round(battery.capacity_mAh() / 1000.0));
        return CanFrame.standard(0x35F, d);
    }

    /** Victron's module counts: one module, blocking charge or discharge while its limit is 0. */
    private CanFrame modules(PackSnapshot s) {
        byte[] d = new byte[8];
        u16(d, 0, 1);
        u16(d, 2, s.ccl_mA() == 0 ? 1 : 0);
        u16(d, 4, s.dcl_mA() == 0 ? 1 : 0);
        u16(d, 6, 0);
        return CanFrame.standard(0x372, d);
    }

    /** Victron's lowest and highest cell (mV) and cell temperature (K). */
    private CanFrame cellExtremes(PackSnapshot s) {
        byte[] d = new byte[8];
        if (s.cellVoltagesValid() && s.cellCount() > 0) {
            u16(d, 0, s.cellVoltage_mV(s.minCell()));
            u16(d, 2, s.cellVoltage_mV(s.maxCell()));
        } else {
            u16(d, 0, INVALID_U16);
            u16(d, 2, INVALID_U16);
        }
        int low = Integer.MAX_VALUE;
        int high = Integer.MIN_VALUE;
        for (int i = 0; i < Math.min(battery.sensors().size(), s.temperatureNames().size()); i++) {
            if (battery.sensors().get(i) == SensorLocation.CELL && s.temperatureValid(i)) {
                low = Math.min(low, s.temperature_dC(i));
                high = Math.max(high, s.temperature_dC(i));
            }
        }
        u16(d, 4, low == Integer.MAX_VALUE ? INVALID_U16 : (int) Math.round(low / 10.0 + 273.15));
        u16(d, 6, high == Integer.MIN_VALUE ? INVALID_U16 : (int) Math.round(high / 10.0 + 273.15));
        return CanFrame.standard(0x373, d);
    }

    private CanFrame capacity() {
        byte[] d = new byte[8];
        u16Clamped(d, 0, Math.round(battery.capacity_mAh() / 1000.0));
        return CanFrame.standard(0x379, d);
    }

    /** ASCII, padded with spaces to {@code length} (0x35E, as Pylontech sends it). */
    static byte[] ascii(String text, int length) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) ' ');
        byte[] source = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(source, 0, bytes, 0, Math.min(length, source.length));
        return bytes;
    }

    private static byte[] slice(byte[] bytes, int from) {
        return java.util.Arrays.copyOfRange(bytes, from, from + 8);
    }
}
