package org.pibms.protocol.can;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.pibms.protocol.can.InverterFramesTest.BATTERY;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.pibms.core.ActiveFault;
import org.pibms.core.CanFrame;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;
import org.pibms.core.settings.SensorLocation;

/**
 * pibms's frames held against the DBC files in docs/can: each profile's file describes exactly the
 * frames the profile sends, at their lengths, and decodes them back to the snapshot they were made
 * from. The expected values come from the snapshot, not from the frames' bytes, so a wrong scale,
 * offset, sign, start bit or byte order in a file fails here.
 */
class DbcTest {

    private static final Path DBC_FILES = Path.of("docs/can");
    /** The ANT node of {@link AntJ1939NodeTest}. */
    private static final long NAME = 0x8000_0000_1234_5678L;
    private static final int ADDRESS = 0xF4;
    private static final int NOMINAL_PACK_mV = 51_200;
    /** 0x35A's conditions in the order of their pairs, the same for the alarm and the warning bytes. */
    private static final List<String> SMA_CONDITIONS = List.of("General", "HighVoltage", "LowVoltage",
            "HighTemperature", "LowTemperature", "HighTemperatureCharge", "LowTemperatureCharge",
            "HighDischargeCurrent", "HighChargeCurrent", "Contactor", "ShortCircuit", "BmsInternal", "CellImbalance");
    private static final List<String> PYLON_FLAGS = List.of("ProtectionHighVoltage", "ProtectionLowVoltage",
            "ProtectionHighTemperature", "ProtectionLowTemperature", "ProtectionDischargeOvercurrent",
            "ProtectionChargeOvercurrent", "ProtectionSystemError", "AlarmHighVoltage", "AlarmLowVoltage",
            "AlarmHighTemperature", "AlarmLowTemperature", "AlarmDischargeHighCurrent", "AlarmChargeHighCurrent",
            "AlarmInternalCommunication");
    private static final ActiveFault OVERVOLTAGE = new ActiveFault(FaultId.CELL_OVERVOLTAGE, ActiveFault.State.ACTIVE,
            "cell 3", 3700, 3650);
    private static final ActiveFault IMBALANCE = new ActiveFault(FaultId.CELL_IMBALANCE, ActiveFault.State.ACTIVE,
            "", 80, 50);

    private final PackSnapshot healthy = InverterFramesTest.snapshot(List.of());
    /** A protection and an alarm: more than one fault, so DM1 goes as a BAM. */
    private final PackSnapshot twoFaults = InverterFramesTest.snapshot(List.of(OVERVOLTAGE, IMBALANCE));

    @Test
    void theReaderDecodesMotorolaAndSignedIntelSignals() {
        Dbc dbc = Dbc.parse("""
                BO_ 1 HandMade: 4 PIBMS
                 SG_ Motorola16 : 7|16@0+ (1,0) [0|65535] "" INVERTER
                 SG_ Motorola12 : 11|12@0+ (1,0) [0|4095] "" INVERTER
                 SG_ MotorolaSigned : 31|8@0- (1,0) [-128|127] "" INVERTER
                 SG_ IntelSigned : 16|16@1- (0.5,10) [-16374|16393.5] "" INVERTER
                 SG_ IntelSignedAcrossBytes : 20|8@1- (1,0) [-128|127] "" INVERTER
                """);
        CanFrame frame = CanFrame.standard(1, (byte) 0x12, (byte) 0x34, (byte) 0xFE, (byte) 0xFF);
        // 0x1234; the low nibble of byte 1 over byte 2, 0x4FE; byte 3, 0xFF; 0xFFFE = -2, x 0.5 + 10;
        // the high nibble of byte 2 under the low nibble of byte 3, 0xFF
        assertThat(dbc.decode(frame)).containsExactly(entry("Motorola16", 4660.0), entry("Motorola12", 1278.0),
                entry("MotorolaSigned", -1.0), entry("IntelSigned", 9.0), entry("IntelSignedAcrossBytes", -1.0));
    }

    @Test
    void theReaderRefusesASignalPastTheEndOfItsMessage() {
        assertThatThrownBy(() -> Dbc.parse("""
                BO_ 2 TooShort: 2 PIBMS
                 SG_ Motorola16 : 15|16@0+ (1,0) [0|65535] "" INVERTER
                """)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Motorola16 needs 3 bytes");
    }

    @ParameterizedTest
    @EnumSource(InverterProfile.class)
    void theProfilesDbcDescribesExactlyTheFramesItSends(InverterProfile profile) throws IOException {
        assertDescribesExactly(dbc(profile.id()), inverterFrames(profile, healthy));
    }

    @ParameterizedTest
    @EnumSource(InverterProfile.class)
    void everyInverterFrameDecodesToTheSnapshot(InverterProfile profile) throws IOException {
        Dbc dbc = dbc(profile.id());
        for (CanFrame frame : inverterFrames(profile, healthy)) {
            assertDecodes(dbc, frame, expectedInverterSignals(profile, frame.id(), healthy));
        }
    }

    @Test
    void aProtectionAndAnAlarmDecodeToTheirFlagsAndPairs() throws IOException {
        assertDecodes(dbc("pylon"), new InverterFrames(InverterProfile.PYLON, BATTERY).frame(0x359, twoFaults),
                pylonFlags(Set.of("ProtectionHighVoltage")));
        assertDecodes(dbc("sma"), new InverterFrames(InverterProfile.SMA, BATTERY).frame(0x35A, twoFaults),
                smaPairs(Set.of("AlarmGeneral", "AlarmHighVoltage", "WarningGeneral", "WarningCellImbalance")));
    }

    @Test
    void theAntDbcDescribesExactlyTheFramesTheNodeSends() throws IOException {
        AntJ1939Node node = antNode(BATTERY.cells());
        // the claim, every cyclic frame and DM1; then DM1 as a BAM
        List<CanFrame> sent = new ArrayList<>(run(node, 0, 1000, healthy));
        sent.addAll(run(node, 1010, 2500, twoFaults));
        sent.addAll(node.received(request(0x21, 0x1234), 2500, healthy));
        sent.addAll(node.received(claimFromLowerName(), 2500, healthy));
        // cells 17-20: only a 20-cell pack sends them
        sent.addAll(antNode(20).cellFrames(healthy));
        assertDescribesExactly(dbc("ant-j1939"), sent);
    }

    @Test
    void everyAntFrameDecodesToTheSnapshot() throws IOException {
        AntJ1939Node node = antNode(BATTERY.cells());
        List<CanFrame> sent = new ArrayList<>(node.due(0, healthy));
        sent.addAll(node.due(250, healthy));
        // the claim, then basic info 1 and 2, four cell frames, temperatures, cycles and DM1
        assertThat(sent).hasSize(10);
        Dbc dbc = dbc("ant-j1939");
        for (CanFrame frame : sent) {
            assertDecodes(dbc, frame, expectedAntSignals(frame, healthy));
        }
    }

    @Test
    void antFaultsDecodeToTheirLevelCodeAndTroubleCode() throws IOException {
        Dbc dbc = dbc("ant-j1939");
        AntJ1939Node node = antNode(BATTERY.cells());
        PackSnapshot oneFault = InverterFramesTest.snapshot(List.of(OVERVOLTAGE));
        FaultId fault = OVERVOLTAGE.id();

        assertThat(dbc.decode(node.basic1(oneFault))).as("3 is a protection")
                .containsEntry("FailureLevel", 3.0).containsEntry("FaultCode", fault.ordinal() + 1.0);

        Map<String, Double> dm1 = dbc.decode(node.dm1(oneFault, 0).get(0));
        assertThat(dm1).containsEntry("RedStopLamp", 1.0).containsEntry("AmberWarningLamp", 0.0)
                .containsEntry("Dtc1Fmi", 0.0).containsEntry("Dtc1OccurrenceCount", 1.0);
        assertThat(dm1.get("Dtc1SpnLow") + dm1.get("Dtc1SpnHigh")).isEqualTo(AntJ1939Node.FIRST_SPN + fault.ordinal());

        // the lamps and two 4-byte trouble codes, in two packets
        assertThat(dbc.decode(node.dm1(twoFaults, 0).get(0))).containsExactly(entry("Control", 32.0),
                entry("MessageSize", 10.0), entry("PacketCount", 2.0), entry("PacketedPgn", (double) J1939.DM1));
    }

    @Test
    void theNackAndTheCannotClaimDecode() throws IOException {
        Dbc dbc = dbc("ant-j1939");
        AntJ1939Node node = antNode(BATTERY.cells());
        node.due(0, healthy);
        assertDecodes(dbc, node.received(request(0x21, 0x1234), 300, healthy).get(0), Map.of("Control", 1.0,
                "GroupFunction", 255.0, "AcknowledgedAddress", (double) 0x21, "AcknowledgedPgn", (double) 0x1234));
        assertDecodes(dbc, node.received(claimFromLowerName(), 300, healthy).get(0), name(NAME));
    }

    private static Dbc dbc(String profile) throws IOException {
        return Dbc.read(DBC_FILES.resolve(profile + ".dbc"));
    }

    private static List<CanFrame> inverterFrames(InverterProfile profile, PackSnapshot s) {
        return new InverterFrames(profile, BATTERY).frames(s);
    }

    private static AntJ1939Node antNode(int cells) {
        return new AntJ1939Node(NAME, ADDRESS, cells, BATTERY.sensors(), NOMINAL_PACK_mV);
    }

    private static List<CanFrame> run(AntJ1939Node node, long from_ms, long to_ms, PackSnapshot s) {
        List<CanFrame> sent = new ArrayList<>();
        for (long t = from_ms; t <= to_ms; t += CanNode.TICK_ms) {
            sent.addAll(node.due(t, s));
        }
        return sent;
    }

    /** A J1939 request from {@code requester} to pibms's address for a parameter group. */
    private static CanFrame request(int requester, int pgn) {
        return CanFrame.extended(J1939.id(AntJ1939Node.PRIORITY, J1939.REQUEST, ADDRESS, requester), (byte) pgn,
                (byte) (pgn >>> 8), (byte) (pgn >>> 16));
    }

    /** Another node claiming pibms's address with a NAME lower than pibms's, which wins it. */
    private static CanFrame claimFromLowerName() {
        byte[] lowerName = {1, 0, 0, 0, 0, 0, 0, 0};
        return CanFrame.extended(J1939.id(AntJ1939Node.PRIORITY, J1939.ADDRESS_CLAIMED, J1939.GLOBAL, ADDRESS),
                lowerName);
    }

    /** The file has a message for every frame id sent, of the frame's length, and no other message. */
    private static void assertDescribesExactly(Dbc dbc, Collection<CanFrame> frames) {
        assertThat(dbc.messages()).extracting(m -> Long.toHexString(m.dbcId()))
                .containsExactlyInAnyOrderElementsOf(frames.stream().map(f -> Long.toHexString(Dbc.dbcId(f)))
                        .distinct().toList());
        for (CanFrame frame : frames) {
            assertThat(dbc.message(frame).map(Dbc.Message::length)).as("DLC of %s", frame).contains(frame.length());
        }
    }

    /** Exactly the expected signals; close rather than equal, since e.g. 552 x 0.1 is not exact in binary. */
    private static void assertDecodes(Dbc dbc, CanFrame frame, Map<String, Double> expected) {
        Map<String, Double> decoded = dbc.decode(frame);
        assertThat(decoded.keySet()).as("signals of %s", frame).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((signal, value) -> assertThat(decoded.get(signal)).as("%s of %s", signal, frame)
                .isCloseTo(value, within(1e-9)));
    }

    private static Map<String, Double> expectedInverterSignals(InverterProfile profile, int id, PackSnapshot s) {
        String name = padded(BATTERY.name(), 16);
        return switch (id) {
            case 0x351 -> Map.of("ChargeVoltageLimit", s.cvl_mV() / 1000.0, "ChargeCurrentLimit", s.ccl_mA() / 1000.0,
                    "DischargeCurrentLimit", s.dcl_mA() / 1000.0,
                    "DischargeVoltageLimit", BATTERY.dischargeVoltage_mV() / 1000.0);
            case 0x355 -> profile == InverterProfile.PYLON
                    ? Map.of("StateOfCharge", s.soc_pct(), "StateOfHealth", s.soh_pct())
                    : Map.of("StateOfCharge", s.soc_pct(), "StateOfHealth", s.soh_pct(),
                            "StateOfChargeHighRes", s.soc_pct());
            // the frame's temperature is the mean to 0.1 degC
            case 0x356 -> Map.of("BatteryVoltage", s.packVoltage_mV() / 1000.0,
                    "BatteryCurrent", s.current_mA() / 1000.0,
                    "BatteryTemperature", Math.round(cellTemperatures_dC(s).average().orElseThrow()) / 10.0);
            case 0x359 -> pylonFlags(Set.of());
            case 0x35A -> smaPairs(Set.of());
            case 0x35B -> Map.of("Events", 0.0);
            case 0x35C -> Map.of("ChargeEnable", flag(s.ccl_mA() > 0), "DischargeEnable", flag(s.dcl_mA() > 0),
                    "RequestForceCharge1", 0.0, "RequestForceCharge2", 0.0, "RequestFullCharge", 0.0);
            case 0x35E -> ascii("ManufacturerChar", 1, padded(profile.manufacturer(), 8));
            case 0x35F -> Map.of("ChemistryChar1", (double) 'L', "ChemistryChar2", (double) 'i',
                    "VersionMajor", (double) BATTERY.versionMajor(), "VersionMinor", (double) BATTERY.versionMinor(),
                    "Capacity", BATTERY.capacity_mAh() / 1000.0);
            case 0x370 -> ascii("NameChar", 1, name.substring(0, 8));
            case 0x371 -> ascii("NameChar", 9, name.substring(8));
            case 0x372 -> Map.of("ModulesOk", 1.0, "ModulesBlockingCharge", flag(s.ccl_mA() == 0),
                    "ModulesBlockingDischarge", flag(s.dcl_mA() == 0), "ModulesOffline", 0.0);
            case 0x373 -> Map.of("MinCellVoltage", (double) IntStream.of(s.cellVoltages_mV()).min().orElseThrow(),
                    "MaxCellVoltage", (double) IntStream.of(s.cellVoltages_mV()).max().orElseThrow(),
                    "MinCellTemperature", kelvin(cellTemperatures_dC(s).min().orElseThrow()),
                    "MaxCellTemperature", kelvin(cellTemperatures_dC(s).max().orElseThrow()));
            case 0x379 -> Map.of("InstalledCapacity", BATTERY.capacity_mAh() / 1000.0);
            default -> throw new AssertionError(String.format("pibms sent 0x%03X, which this test does not know", id));
        };
    }

    /** 0x359 with the given bits set, one module per 74 Ah and "PN". */
    private static Map<String, Double> pylonFlags(Set<String> set) {
        Map<String, Double> expected = new LinkedHashMap<>();
        PYLON_FLAGS.forEach(flag -> expected.put(flag, flag(set.contains(flag))));
        expected.put("ModuleCount", (double) Math.max(1, Math.round(BATTERY.capacity_mAh()
                / (double) InverterFrames.MODULE_mAh)));
        expected.put("MarkerChar1", (double) 'P');
        expected.put("MarkerChar2", (double) 'N');
        return expected;
    }

    /** 0x35A: 1 for the active pairs, 2 (fine) for the others, 0 for the pairs SMA reserves. */
    private static Map<String, Double> smaPairs(Set<String> active) {
        Map<String, Double> expected = new LinkedHashMap<>();
        for (String kind : List.of("Alarm", "Warning")) {
            for (String condition : SMA_CONDITIONS) {
                expected.put(kind + condition, active.contains(kind + condition) ? 1.0 : 2.0);
            }
            for (int reserved = 1; reserved <= 3; reserved++) {
                expected.put(kind + "Reserved" + reserved, 0.0);
            }
        }
        return expected;
    }

    private static Map<String, Double> expectedAntSignals(CanFrame frame, PackSnapshot s) {
        int pgn = J1939.pgn(frame.id());
        return switch (pgn) {
            case AntJ1939Node.BASIC_1 -> Map.ofEntries(entry("ChargerConnected", flag(s.current_mA() > 100)),
                    entry("Charging", flag(s.current_mA() > 100)), entry("SocBelow10Percent", flag(s.soc_pct() < 10)),
                    entry("Ready", flag(s.state() == PackState.NORMAL)),
                    entry("DischargeMosOn", flag(s.dischargeMos())), entry("ChargeMosOn", flag(s.chargeMos())),
                    entry("StateOfCharge", s.soc_pct()), entry("DischargeCurrent", -s.current_mA() / 1000.0),
                    entry("PackVoltage", s.packVoltage_mV() / 1000.0), entry("FailureLevel", 0.0),
                    entry("FaultCode", 0.0));
            // temperatures to the nearest degree, the signals' resolution
            case AntJ1939Node.BASIC_2 -> Map.of(
                    "MaxCellVoltage", (double) IntStream.of(s.cellVoltages_mV()).max().orElseThrow(),
                    "MinCellVoltage", (double) IntStream.of(s.cellVoltages_mV()).min().orElseThrow(),
                    "MaxCellTemperature", (double) Math.round(cellTemperatures_dC(s).max().orElseThrow() / 10.0),
                    "MinCellTemperature", (double) Math.round(cellTemperatures_dC(s).min().orElseThrow() / 10.0),
                    "DischargeCurrentLimit", s.dcl_mA() / 1000.0);
            // mAh x mV is uWh
            case AntJ1939Node.CYCLES -> Map.of("EquivalentCycles", Math.floor(s.cycles()),
                    "DischargedEnergy", s.soc().discharged_mAh() * NOMINAL_PACK_mV / 1e6);
            case AntJ1939Node.TEMPERATURES -> probes(s);
            case J1939.DM1 -> noTroubleCode();
            case J1939.ADDRESS_CLAIMED -> name(NAME);
            default -> {
                // the cell frames: PF 0xC8 for cells 1-4, 0xC9 for cells 5-8 ...
                int cellFrame = (pgn - AntJ1939Node.CELLS) >> 8;
                assertThat(cellFrame).as("cell frame of %s", frame).isBetween(0, 4);
                yield cells(s, 4 * cellFrame);
            }
        };
    }

    private static Map<String, Double> probes(PackSnapshot s) {
        Map<String, Double> expected = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            boolean present = i < s.temperatureNames().size() && s.temperatureValid(i);
            // 0xFF, no probe, read through the signal's -40 offset
            expected.put("Probe" + (i + 1) + "Temperature", present ? Math.round(s.temperature_dC(i) / 10.0)
                    : 0xFF - 40.0);
        }
        return expected;
    }

    private static Map<String, Double> cells(PackSnapshot s, int first) {
        Map<String, Double> expected = new LinkedHashMap<>();
        for (int cell = first; cell < first + 4; cell++) {
            expected.put("Cell" + (cell + 1), (double) s.cellVoltage_mV(cell));
        }
        return expected;
    }

    /** DM1 with nothing active: lamps off, flashing "not available", the empty trouble code. */
    private static Map<String, Double> noTroubleCode() {
        return Map.ofEntries(entry("ProtectLamp", 0.0), entry("AmberWarningLamp", 0.0), entry("RedStopLamp", 0.0),
                entry("MalfunctionLamp", 0.0), entry("FlashProtectLamp", 3.0), entry("FlashAmberWarningLamp", 3.0),
                entry("FlashRedStopLamp", 3.0), entry("FlashMalfunctionLamp", 3.0), entry("Dtc1SpnLow", 0.0),
                entry("Dtc1Fmi", 0.0), entry("Dtc1SpnHigh", 0.0), entry("Dtc1OccurrenceCount", 0.0),
                entry("Dtc1ConversionMethod", 0.0));
    }

    /** The fields of a J1939 NAME (J1939-81). */
    private static Map<String, Double> name(long name) {
        return Map.ofEntries(entry("IdentityNumber", bits(name, 0, 21)), entry("ManufacturerCode", bits(name, 21, 11)),
                entry("EcuInstance", bits(name, 32, 3)), entry("FunctionInstance", bits(name, 35, 5)),
                entry("Function", bits(name, 40, 8)), entry("NameReserved", bits(name, 48, 1)),
                entry("VehicleSystem", bits(name, 49, 7)), entry("VehicleSystemInstance", bits(name, 56, 4)),
                entry("IndustryGroup", bits(name, 60, 3)), entry("ArbitraryAddressCapable", bits(name, 63, 1)));
    }

    /** To the nearest kelvin, the resolution of 0x373's temperatures. */
    private static double kelvin(int dC) {
        return Math.round(dC / 10.0 + 273.15);
    }

    private static double bits(long value, int from, int count) {
        return value >>> from & (1L << count) - 1;
    }

    /** The valid readings of the sensors that sit on cells, which the frames' cell temperatures come from. */
    private static IntStream cellTemperatures_dC(PackSnapshot s) {
        return IntStream.range(0, s.temperatureNames().size())
                .filter(i -> BATTERY.sensors().get(i) == SensorLocation.CELL && s.temperatureValid(i))
                .map(s::temperature_dC);
    }

    private static Map<String, Double> ascii(String prefix, int firstNumber, String text) {
        Map<String, Double> expected = new LinkedHashMap<>();
        for (int i = 0; i < text.length(); i++) {
            expected.put(prefix + (firstNumber + i), (double) text.charAt(i));
        }
        return expected;
    }

    private static String padded(String text, int length) {
        return (text + " ".repeat(length)).substring(0, length);
    }

    private static double flag(boolean set) {
        return set ? 1.0 : 0.0;
    }
}
