package org.pibms.protocol.modbus;

import static org.pibms.protocol.modbus.Point.NOT_IMPLEMENTED;
import static org.pibms.protocol.modbus.Point.notImplemented;
import static org.pibms.protocol.modbus.Point.of;
import static org.pibms.protocol.modbus.Point.scale;
import static org.pibms.protocol.modbus.Point.text;
import static org.pibms.protocol.modbus.PointType.BITFIELD32;
import static org.pibms.protocol.modbus.PointType.ENUM16;
import static org.pibms.protocol.modbus.PointType.INT16;
import static org.pibms.protocol.modbus.PointType.PAD;
import static org.pibms.protocol.modbus.PointType.UINT16;
import static org.pibms.protocol.modbus.PointType.UINT32;

import java.util.ArrayList;
import java.util.List;
import org.pibms.core.ControlCommand;
import org.pibms.core.ControlCommand.Path;
import org.pibms.core.FaultId;
import org.pibms.core.settings.TemperatureSensorSettings;

/**
 * pibms's SunSpec register map: the "SunS" marker at 40000, then model 1 (common), model 802
 * (battery base), pibms's own model 64900 (the protection settings, {@link ProtectionModel}),
 * model 805 (lithium-ion module, one cell group per cell) and the end marker.
 * The tables below are the whole map; docs/protocols/modbus.md lists the same with addresses,
 * and a test checks every point's name, type, size and offset against SunSpec's model files.
 */
public final class SunSpecMap {

    /** The first register of the map, as a PDU (0-based) address: SunSpec's usual base. */
    public static final int BASE = 40_000;
    static final int MARKER_HIGH = 0x5375;
    static final int MARKER_LOW = 0x6E53;
    static final int END_ID = 0xFFFF;

    /**
     * What the map says about the device itself.
     *
     * @param unitId         the RTU address model 1 shows as DA; 0 where the link has none (TCP)
     * @param nominalPack_mV cells × the chemistry's nominal cell voltage, for the energy and power ratings
     * @param sensors        the temperature sensors in config order: where each sits, and on which cell
     * @param writes         whether clients may write (LocRemCtl reads REMOTE then)
     */
    public record Device(String model, String version, String serialNumber, int unitId, int cellCount,
            int nominalPack_mV, List<TemperatureSensorSettings> sensors, boolean writes) {

        public Device {
            sensors = List.copyOf(sensors);
        }
    }

    /** One model as it sits in the map: its id, its fixed points, and a group repeated per cell. */
    public record Model(int id, List<Point> points, List<Point> cellGroup, int cellCount) {

        /** Registers after ID and L: what L says. */
        public int length() {
            return size(points) - 2 + cellCount * size(cellGroup);
        }

        private static int size(List<Point> points) {
            int registers = 0;
            for (Point p : points) {
                registers += p.size();
            }
            return registers;
        }
    }

    /** A point at its register: offset from {@link #BASE}, and the cell for a group's point (else -1). */
    public record Placed(int offset, Point point, int cell) {
    }

    private final Device device;
    private final List<Model> models;
    private final Placed[] placed;
    private final Placed[] byOffset;
    private final int registers;

    public SunSpecMap(Device device) {
        this.device = device;
        // 805 last: its length follows the cell count, so the models before it keep their addresses
        this.models = List.of(common(device), battery(device),
                model(ProtectionModel.ID, ProtectionModel.points(), List.of(), 0), lithiumIonModule(device));
        List<Placed> all = new ArrayList<>();
        int offset = 2;
        for (Model model : models) {
            for (Point p : model.points()) {
                all.add(new Placed(offset, p, -1));
                offset += p.size();
            }
            for (int cell = 0; cell < model.cellCount(); cell++) {
                for (Point p : model.cellGroup()) {
                    all.add(new Placed(offset, p, cell));
                    offset += p.size();
                }
            }
        }
        this.registers = offset + 2;
        this.placed = all.toArray(new Placed[0]);
        this.byOffset = new Placed[registers];
        for (Placed p : placed) {
            byOffset[p.offset()] = p;
        }
    }

    public List<Model> models() {
        return models;
    }

    /** Registers from the marker to the end marker, both included. */
    public int registers() {
        return registers;
    }

    public List<Placed> points() {
        return List.of(placed);
    }

    /** The point starting at a PDU address, or null where none starts there. */
    public Placed pointAt(int address) {
        int offset = address - BASE;
        return offset >= 0 && offset < registers ? byOffset[offset] : null;
    }

    /** True when every register of [address, address + count) is in the map. */
    public boolean covers(int address, int count) {
        return address >= BASE && address + count <= BASE + registers;
    }

    /** A reading for this map's device, to be reused from one {@link #fill} to the next. */
    public SunSpecReading newReading() {
        return new SunSpecReading(device);
    }

    /**
     * Writes the registers [first, first + count) of the map for the reading's snapshot into
     * {@code image} (one char per register, index 0 = {@link #BASE}), and whole any point that
     * overlaps them. A read works out only the points it returns: a poll of a few registers costs
     * a few points, not the whole map.
     */
    public void fill(SunSpecReading reading, char[] image, int first, int count) {
        image[0] = (char) MARKER_HIGH;
        image[1] = (char) MARKER_LOW;
        int end = first + count;
        for (Placed p : placed) {
            Point point = p.point();
            int at = p.offset();
            if (at >= end || at + point.size() <= first) {
                continue;
            }
            if (point.type() == PointType.STRING) {
                byte[] text = point.text();
                for (int r = 0; r < point.size(); r++) {
                    int high = 2 * r < text.length ? text[2 * r] & 0xFF : 0;
                    int low = 2 * r + 1 < text.length ? text[2 * r + 1] & 0xFF : 0;
                    image[at + r] = (char) (high << 8 | low);
                }
                continue;
            }
            reading.cell(Math.max(p.cell(), 0));
            long raw = point.type().raw(point.value().of(reading));
            if (point.size() == 2) {
                image[at] = (char) (raw >>> 16);
                image[at + 1] = (char) raw;
            } else {
                image[at] = (char) raw;
            }
        }
        image[registers - 2] = (char) END_ID;
        image[registers - 1] = 0;
    }

    // ---- The table. Points in model order; ID and L are added by model(). ----

    private static Model common(Device d) {
        return model(1, List.of(
                text("Mn", 16, "pibms"),
                text("Md", 16, d.model()),
                text("Opt", 8, null),
                text("Vr", 8, d.version()),
                text("SN", 16, d.serialNumber()),
                of("DA", UINT16, r -> d.unitId() == 0 ? NOT_IMPLEMENTED : d.unitId()),
                of("Pad", PAD, r -> NOT_IMPLEMENTED)), List.of(), 0);
    }

    private static Model battery(Device d) {
        return model(802, List.of(
                of("AHRtg", UINT16, SunSpecReading::capacity_dAh),
                of("WHRtg", UINT16, SunSpecReading::energy_daWh),
                of("WChaRteMax", UINT16, r -> r.nominalPower_daW(FaultId.CHARGE_OVERCURRENT)),
                of("WDisChaRteMax", UINT16, r -> r.nominalPower_daW(FaultId.DISCHARGE_OVERCURRENT)),
                notImplemented("DisChaRte", UINT16),
                notImplemented("SoCMax", UINT16),
                notImplemented("SoCMin", UINT16),
                notImplemented("SocRsvMax", UINT16),
                notImplemented("SoCRsvMin", UINT16),
                of("SoC", UINT16, SunSpecReading::soc_permille),
                of("DoD", UINT16, SunSpecReading::dod_permille),
                of("SoH", UINT16, SunSpecReading::soh_permille),
                of("NCyc", UINT32, SunSpecReading::cycles),
                of("ChaSt", ENUM16, SunSpecReading::chargeStatus),
                of("LocRemCtl", ENUM16, r -> d.writes() ? 0 : 1),
                of("Hb", UINT16, SunSpecReading::heartbeat),
                notImplemented("CtrlHb", UINT16),
                Point.writable("AlmRst", UINT16, r -> 0, SunSpecMap::alarmReset),
                of("Typ", ENUM16, r -> LITHIUM_ION),
                of("State", ENUM16, SunSpecReading::state),
                of("StateVnd", ENUM16, SunSpecReading::vendorState),
                notImplemented("WarrDt", UINT32),
                of("Evt1", BITFIELD32, SunSpecReading::events),
                of("Evt2", BITFIELD32, r -> 0),
                of("EvtVnd1", BITFIELD32, SunSpecReading::vendorEvents),
                of("EvtVnd2", BITFIELD32, r -> 0),
                of("V", UINT16, SunSpecReading::pack_cV),
                of("VMax", UINT16, r -> centivolts(r.trip(FaultId.PACK_OVERVOLTAGE))),
                of("VMin", UINT16, r -> centivolts(r.trip(FaultId.PACK_UNDERVOLTAGE))),
                of("CellVMax", UINT16, SunSpecReading::maxCell_mV),
                of("CellVMaxStr", UINT16, r -> 1),
                of("CellVMaxMod", UINT16, r -> 1),
                of("CellVMin", UINT16, SunSpecReading::minCell_mV),
                of("CellVMinStr", UINT16, r -> 1),
                of("CellVMinMod", UINT16, r -> 1),
                of("CellVAvg", UINT16, SunSpecReading::averageCell_mV),
                of("A", INT16, SunSpecReading::current_dA),
                of("AChaMax", UINT16, SunSpecReading::chargeLimit_dA),
                of("ADisChaMax", UINT16, SunSpecReading::dischargeLimit_dA),
                of("W", INT16, SunSpecReading::power_daW),
                notImplemented("ReqInvState", ENUM16),
                notImplemented("ReqW", INT16),
                Point.writable("SetOp", ENUM16, SunSpecReading::operation, SunSpecMap::setOperation),
                notImplemented("SetInvState", ENUM16),
                scale("AHRtg_SF", -1),
                scale("WHRtg_SF", 1),
                scale("WChaDisChaMax_SF", 1),
                notImplemented("DisChaRte_SF", PointType.SUNSSF),
                scale("SoC_SF", -1),
                scale("DoD_SF", -1),
                scale("SoH_SF", -1),
                scale("V_SF", -2),
                scale("CellV_SF", -3),
                scale("A_SF", -1),
                scale("AMax_SF", -1),
                scale("W_SF", 1)), List.of(), 0);
    }

    private static Model lithiumIonModule(Device d) {
        return model(805, List.of(
                of("StrIdx", UINT16, r -> 1),
                of("ModIdx", UINT16, r -> 1),
                of("NCell", UINT16, r -> d.cellCount()),
                of("SoC", UINT16, SunSpecReading::soc_permille),
                of("DoD", UINT16, SunSpecReading::dod_permille),
                of("SoH", UINT16, SunSpecReading::soh_permille),
                of("NCyc", UINT32, SunSpecReading::cycles),
                of("V", UINT16, SunSpecReading::pack_cV),
                of("CellVMax", UINT16, SunSpecReading::maxCell_mV),
                of("CellVMaxCell", UINT16, SunSpecReading::maxCellNumber),
                of("CellVMin", UINT16, SunSpecReading::minCell_mV),
                of("CellVMinCell", UINT16, SunSpecReading::minCellNumber),
                of("CellVAvg", UINT16, SunSpecReading::averageCell_mV),
                of("CellTmpMax", INT16, SunSpecReading::maxCellTemperature_dC),
                of("CellTmpMaxCell", UINT16, SunSpecReading::warmestCell),
                of("CellTmpMin", INT16, SunSpecReading::minCellTemperature_dC),
                of("CellTmpMinCell", UINT16, SunSpecReading::coldestCell),
                of("CellTmpAvg", INT16, SunSpecReading::averageCellTemperature_dC),
                of("NCellBal", UINT16, SunSpecReading::balancingCells),
                text("SN", 16, null),
                scale("SoC_SF", -1),
                scale("SoH_SF", -1),
                scale("DoD_SF", -1),
                scale("V_SF", -2),
                scale("CellV_SF", -3),
                scale("Tmp_SF", -1)),
                List.of(
                        of("CellV", UINT16, SunSpecReading::cell_mV),
                        of("CellTmp", INT16, SunSpecReading::cellTemperature_dC),
                        of("CellSt", BITFIELD32, SunSpecReading::cellStatus)),
                d.cellCount());
    }

    private static final int LITHIUM_ION = 4;
    private static final int CONNECT = 1;
    private static final int DISCONNECT = 2;

    private static Model model(int id, List<Point> points, List<Point> cellGroup, int cellCount) {
        Model body = new Model(id, points, cellGroup, cellCount);
        int length = body.length() + 2;
        List<Point> all = new ArrayList<>();
        all.add(of("ID", UINT16, r -> id));
        all.add(of("L", UINT16, r -> length));
        all.addAll(points);
        return new Model(id, all, cellGroup, cellCount);
    }

    private static long centivolts(long mV) {
        return mV == NOT_IMPLEMENTED ? NOT_IMPLEMENTED : Math.round(mV / 10.0);
    }

    /** AlmRst: 1 resets the faults whose cause is gone; 0 asks nothing (a client writing back what it read). */
    private static List<ControlCommand> alarmReset(long value) {
        if (value == 0) {
            return List.of();
        }
        if (value == 1) {
            return List.of(new ControlCommand.ResetFaults());
        }
        throw new IllegalArgumentException("AlmRst takes 1 (reset), not " + value);
    }

    /** SetOp: CONNECT takes back a manual off of both MOS; DISCONNECT opens both, as {@code pibms mos ... off}. */
    private static List<ControlCommand> setOperation(long value) {
        if (value == CONNECT || value == DISCONNECT) {
            boolean on = value == CONNECT;
            return List.of(new ControlCommand.SetMos(Path.CHARGE, on), new ControlCommand.SetMos(Path.DISCHARGE, on));
        }
        throw new IllegalArgumentException("SetOp takes 1 (connect) or 2 (disconnect), not " + value);
    }
}
