package org.pibms.protocol.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.pibms.core.ActiveFault;
import org.pibms.core.Balancing;
import org.pibms.core.Chemistry;
import org.pibms.core.Command;
import org.pibms.core.CommandResult;
import org.pibms.core.CommandSink;
import org.pibms.core.ControlCommand;
import org.pibms.core.FaultId;
import org.pibms.core.Origin;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;
import org.pibms.core.SocCalibration;
import org.pibms.core.SocState;
import org.pibms.core.settings.ProtectionSettings;
import org.pibms.core.settings.SensorLocation;
import org.pibms.core.settings.TemperatureSensorSettings;

/** Reads of every model block against the snapshot they come from, the exceptions, and the writes. */
class ModbusServerTest {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();
    static final int[] CELLS = {3301, 3302, 3303, 3304, 3305, 3306, 3307, 3308, 3309, 3310, 3311, 3312, 3313,
            3314, 3290, 3350};
    static final ProtectionSettings LIMITS = ProtectionSettings.defaultsFor(new ProtectionSettings.Pack(
            Chemistry.LFP, 16, 280_000, 300_000));

    /** 16 cells, cells 3 and 16 bleeding, two cell probes (25.0 and 27.4 °C), a MOS probe, -20.36 A. */
    static PackSnapshot snapshot() {
        SocState soc = new SocState(0, 0, 64.25, 64, 65, 266_000, 1, 1, 0, 5_600_000, SocCalibration.NONE, 0, null);
        List<Integer> bleed = new ArrayList<>(java.util.Collections.nCopies(16, 0));
        bleed.set(2, 55);
        bleed.set(15, 60);
        return PackSnapshot.builder().sequence(12_345).state(PackState.NORMAL)
                .cellVoltages_mV(CELLS, true).packVoltage_mV(52_913, true).current_mA(-20_360, true)
                .soc_pct(64.25, true).capacity_mAh(280_000).soc(soc)
                .temperatures(List.of("cells_top", "cells_bottom", "mos"), new int[] {250, 274, 401},
                        new boolean[] {true, true, true})
                .mos(true, true)
                .chargeLimits(55_200, 100_000, 150_000, false)
                .balancing(new Balancing.State(Balancing.Command.AUTO, Balancing.Activity.BALANCING, bleed,
                        java.util.Collections.nCopies(16, 0.0)))
                .protection(LIMITS)
                .build();
    }

    /** cells_top sits on cell 3; cells_bottom is on no one cell. */
    static final SunSpecMap.Device DEVICE = new SunSpecMap.Device("pibms 16S LFP", "1.2.3", "0123456789abcdef", 7,
            16, 16 * 3200, List.of(
                    new TemperatureSensorSettings("cells_top", SensorLocation.CELL,
                            new TemperatureSensorSettings.LtcGpio(1, 1), 3),
                    new TemperatureSensorSettings("cells_bottom", SensorLocation.CELL,
                            new TemperatureSensorSettings.LtcGpio(1, 2), 0),
                    new TemperatureSensorSettings("mos", SensorLocation.MOS, new TemperatureSensorSettings.LtcGpio(1, 3),
                            0)), true);

    /** Records commands and answers each as told. */
    static final class Sink implements CommandSink {
        final List<ControlCommand> received = new ArrayList<>();
        CommandResult answer = CommandResult.accepted("done");
        boolean silent;

        @Override
        public CompletableFuture<CommandResult> submit(Command command, Origin origin) {
            received.add((ControlCommand) command);
            return silent ? new CompletableFuture<>() : CompletableFuture.completedFuture(answer);
        }
    }

    private final SunSpecMap map = new SunSpecMap(DEVICE);
    private final Sink sink = new Sink();
    private PackSnapshot current = snapshot();
    private final ModbusServer server = new ModbusServer(map, () -> current, sink, new Origin("modbus", "test"), true);

    private byte[] ask(String pdu) {
        byte[] request = HEX.parseHex(pdu);
        byte[] out = new byte[ModbusServer.MAX_RESPONSE];
        int length = server.answer(request, 0, request.length, false, out, 0);
        return Arrays.copyOf(out, length);
    }

    /** Reads registers [address, address + count) with function 03 and returns them. */
    private int[] read(int address, int count) {
        byte[] reply = ask(String.format("03 %02X %02X %02X %02X", address >> 8, address & 0xFF, 0, count));
        assertThat(reply[0]).as("function of the reply to a read at %d", address).isEqualTo((byte) 3);
        assertThat(reply[1] & 0xFF).isEqualTo(2 * count);
        int[] registers = new int[count];
        for (int i = 0; i < count; i++) {
            registers[i] = (reply[2 + 2 * i] & 0xFF) << 8 | reply[3 + 2 * i] & 0xFF;
        }
        return registers;
    }

    private int addressOf(int model, String point) {
        int address = SunSpecMap.BASE + 2;
        for (SunSpecMap.Model m : map.models()) {
            if (m.id() == model) {
                for (Point p : m.points()) {
                    if (p.name().equals(point)) {
                        return address;
                    }
                    address += p.size();
                }
                throw new AssertionError(point + " is not in model " + model);
            }
            address += 2 + m.length();
        }
        throw new AssertionError("no model " + model);
    }

    private int u16(int model, String point) {
        return read(addressOf(model, point), 1)[0];
    }

    private int s16(int model, String point) {
        return (short) u16(model, point);
    }

    private long u32(int model, String point) {
        int[] r = read(addressOf(model, point), 2);
        return (long) r[0] << 16 | r[1];
    }

    private String text(int model, String point, int size) {
        int[] r = read(addressOf(model, point), size);
        byte[] bytes = new byte[2 * size];
        for (int i = 0; i < size; i++) {
            bytes[2 * i] = (byte) (r[i] >> 8);
            bytes[2 * i + 1] = (byte) r[i];
        }
        return new String(bytes, StandardCharsets.US_ASCII).replace("\0", "");
    }

    @Test
    void theMapStartsWithSunSAndWalksModelByModelToTheEndMarker() {
        int[] marker = read(SunSpecMap.BASE, 2);
        assertThat(marker).containsExactly(0x5375, 0x6E53);
        int address = SunSpecMap.BASE + 2;
        List<Integer> ids = new ArrayList<>();
        while (true) {
            int[] header = read(address, 2);
            if (header[0] == 0xFFFF) {
                assertThat(header[1]).isZero();
                break;
            }
            ids.add(header[0]);
            address += 2 + header[1];
        }
        assertThat(ids).containsExactly(1, 802, 64_900, 805);
        assertThat(address + 2).isEqualTo(SunSpecMap.BASE + map.registers());
    }

    @Test
    void theCommonModelNamesTheDevice() {
        assertThat(text(1, "Mn", 16)).isEqualTo("pibms");
        assertThat(text(1, "Md", 16)).isEqualTo("pibms 16S LFP");
        assertThat(text(1, "Vr", 8)).isEqualTo("1.2.3");
        assertThat(text(1, "SN", 16)).isEqualTo("0123456789abcdef");
        assertThat(read(addressOf(1, "Opt"), 8)).containsOnly(0);
        assertThat(u16(1, "DA")).isEqualTo(7);
        assertThat(u16(1, "Pad")).isEqualTo(0x8000);
    }

    @Test
    void theBatteryModelCarriesTheSnapshotAtItsScaleFactors() {
        assertThat(s16(802, "SoC_SF")).isEqualTo(-1);
        assertThat(u16(802, "SoC")).isEqualTo(643);
        assertThat(u16(802, "DoD")).isEqualTo(357);
        assertThat(u16(802, "SoH")).isEqualTo(950);
        assertThat(u32(802, "NCyc")).isEqualTo(20);
        assertThat(s16(802, "AHRtg_SF")).isEqualTo(-1);
        assertThat(u16(802, "AHRtg")).isEqualTo(2800);
        assertThat(s16(802, "WHRtg_SF")).isEqualTo(1);
        assertThat(u16(802, "WHRtg")).isEqualTo(1434);
        assertThat(s16(802, "V_SF")).isEqualTo(-2);
        assertThat(u16(802, "V")).isEqualTo(5291);
        assertThat(s16(802, "CellV_SF")).isEqualTo(-3);
        assertThat(u16(802, "CellVMax")).isEqualTo(3350);
        assertThat(u16(802, "CellVMin")).isEqualTo(3290);
        assertThat(u16(802, "CellVAvg")).isEqualTo(Math.round(Arrays.stream(CELLS).sum() / 16.0));
        assertThat(s16(802, "A_SF")).isEqualTo(-1);
        assertThat(s16(802, "A")).isEqualTo(-204);
        assertThat(s16(802, "W_SF")).isEqualTo(1);
        assertThat(s16(802, "W")).isEqualTo(-108);
        assertThat(u16(802, "AChaMax")).as("CCL").isEqualTo(1000);
        assertThat(u16(802, "ADisChaMax")).as("DCL").isEqualTo(1500);
        assertThat(u16(802, "VMax")).isEqualTo(LIMITS.limit(FaultId.PACK_OVERVOLTAGE).trip() / 10);
        assertThat(u16(802, "ChaSt")).as("discharging").isEqualTo(3);
        assertThat(u16(802, "State")).as("connected").isEqualTo(3);
        assertThat(u16(802, "Typ")).as("lithium-ion").isEqualTo(4);
        assertThat(u16(802, "LocRemCtl")).as("remote: writes enabled").isZero();
        assertThat(u16(802, "Hb")).isEqualTo(12_345);
        assertThat(u32(802, "Evt1")).isZero();
        assertThat(u16(802, "SetOp")).as("connect").isEqualTo(1);
        assertThat(u16(802, "AlmRst")).isZero();
    }

    @Test
    void unimplementedPointsHoldTheMarkersOfTheirTypes() {
        assertThat(u16(802, "DisChaRte")).isEqualTo(0xFFFF);
        assertThat(u16(802, "CtrlHb")).isEqualTo(0xFFFF);
        assertThat(u32(802, "WarrDt")).isEqualTo(0xFFFF_FFFFL);
        assertThat(u16(802, "ReqInvState")).isEqualTo(0xFFFF);
        assertThat(u16(802, "ReqW")).isEqualTo(0x8000);
        assertThat(u16(802, "DisChaRte_SF")).isEqualTo(0x8000);
        assertThat(read(addressOf(805, "SN"), 16)).containsOnly(0);
    }

    @Test
    void faultsSetTheirStandardAndVendorEventBitsAndTheState() {
        current = PackSnapshot.builder().sequence(2).state(PackState.FAULT).cellVoltages_mV(CELLS, true)
                .capacity_mAh(280_000).mos(false, true)
                .faults(List.of(new ActiveFault(FaultId.CELL_OVERVOLTAGE, ActiveFault.State.ACTIVE, "cell 16", 3700,
                        3650), new ActiveFault(FaultId.CELL_IMBALANCE, ActiveFault.State.ACTIVE, "", 60, 50)))
                .build();
        assertThat(u32(802, "Evt1")).isEqualTo(1L << 9 | 1L << 17);
        assertThat(u32(802, "EvtVnd1")).isEqualTo(FaultId.CELL_OVERVOLTAGE.bit() | FaultId.CELL_IMBALANCE.bit());
        assertThat(u16(802, "State")).isEqualTo(99);
        assertThat(u16(802, "StateVnd")).isEqualTo(2);
        assertThat(u16(802, "SoC")).as("no SOC yet").isEqualTo(0xFFFF);
        assertThat(u16(802, "V")).as("no pack voltage").isEqualTo(0xFFFF);
        assertThat(u16(802, "A")).as("no current").isEqualTo(0x8000);
        assertThat(u16(802, "VMax")).as("no protection limits in this snapshot").isEqualTo(0xFFFF);
        assertThat(u16(802, "AChaMax")).as("no charging allowed").isZero();
    }

    @Test
    void theModuleModelHasACellGroupPerCellWithVoltageAndBalancing() {
        assertThat(u16(805, "NCell")).isEqualTo(16);
        assertThat(u16(805, "CellVMaxCell")).isEqualTo(16);
        assertThat(u16(805, "CellVMinCell")).isEqualTo(15);
        assertThat(s16(805, "Tmp_SF")).isEqualTo(-1);
        assertThat(s16(805, "CellTmpMax")).isEqualTo(274);
        assertThat(s16(805, "CellTmpMin")).isEqualTo(250);
        assertThat(s16(805, "CellTmpAvg")).isEqualTo(262);
        assertThat(u16(805, "CellTmpMinCell")).as("cells_top, on cell 3").isEqualTo(3);
        assertThat(u16(805, "CellTmpMaxCell")).as("cells_bottom, on no one cell").isEqualTo(0xFFFF);
        assertThat(u16(805, "NCellBal")).isEqualTo(2);
        assertThat(u16(805, "V")).isEqualTo(5291);
        int groups = addressOf(805, "Tmp_SF") + 1;
        int[] registers = read(groups, 16 * 4);
        for (int cell = 0; cell < 16; cell++) {
            assertThat(registers[4 * cell]).as("cell %d voltage", cell + 1).isEqualTo(CELLS[cell]);
            assertThat(registers[4 * cell + 1]).as("cell %d temperature", cell + 1).isEqualTo(cell == 2 ? 250 : 0x8000);
            long status = (long) registers[4 * cell + 2] << 16 | registers[4 * cell + 3];
            assertThat(status).as("cell %d status", cell + 1).isEqualTo(cell == 2 || cell == 15 ? 1 : 0);
        }
        assertThat(groups + 16 * 4).as("the end marker").isEqualTo(SunSpecMap.BASE + map.registers() - 2);
    }

    @Test
    void theProtectionModelHoldsEveryLevelAndDelayInBaseUnits() {
        assertThat(u32(64_900, "CellOvervoltageTrip")).isEqualTo(LIMITS.limit(FaultId.CELL_OVERVOLTAGE).trip());
        assertThat(u32(64_900, "CellOvervoltageRcv")).isEqualTo(LIMITS.limit(FaultId.CELL_OVERVOLTAGE).recover());
        assertThat(u32(64_900, "CellOvervoltageDly")).isEqualTo(LIMITS.limit(FaultId.CELL_OVERVOLTAGE).delay_ms());
        assertThat(u32(64_900, "ChargeOvercurrentTrip")).isEqualTo(LIMITS.limit(FaultId.CHARGE_OVERCURRENT).trip());
        assertThat((int) u32(64_900, "DischargeUndertemperatureTrip"))
                .isEqualTo(LIMITS.limit(FaultId.DISCHARGE_UNDERTEMPERATURE).trip());
        assertThat(LIMITS.limit(FaultId.DISCHARGE_UNDERTEMPERATURE).trip()).as("a negative level").isNegative();
    }

    @Test
    void aProtectionWriteIsTheSetCommandInTheConfigsUnit() {
        int trip = addressOf(64_900, "CellOvervoltageTrip");
        assertThat(HEX.formatHex(ask(String.format("10 %02X %02X 00 02 04 00 00 0E 10", trip >> 8, trip & 0xFF))))
                .isEqualTo(String.format("10 %02X %02X 00 02", trip >> 8, trip & 0xFF));
        int current = addressOf(64_900, "ChargeOvercurrentTrip");
        ask(String.format("10 %02X %02X 00 02 04 00 02 4B E4", current >> 8, current & 0xFF));
        int cold = addressOf(64_900, "ChargeUndertemperatureTrip");
        ask(String.format("10 %02X %02X 00 02 04 FF FF FF CE", cold >> 8, cold & 0xFF));
        int delay = addressOf(64_900, "ChargeOvercurrentDly");
        ask(String.format("10 %02X %02X 00 02 04 00 00 07 D0", delay >> 8, delay & 0xFF));
        assertThat(sink.received).containsExactly(
                new ControlCommand.SetProtection("cell_overvoltage.trip_mV", "3600"),
                new ControlCommand.SetProtection("charge_overcurrent.trip_A", "150.5"),
                new ControlCommand.SetProtection("charge_undertemperature.trip_C", "-5"),
                new ControlCommand.SetProtection("charge_overcurrent.delay_ms", "2000"));
        sink.received.clear();
        assertThat(HEX.formatHex(ask(String.format("06 %02X %02X 0E 10", trip >> 8, trip & 0xFF))))
                .as("half of a 32-bit point").isEqualTo("86 02");
        assertThat(server.refusal()).contains("CellOvervoltageTrip must be written whole");
        assertThat(sink.received).isEmpty();
    }

    @Test
    void aReadOfAnyRangeGivesTheRegistersOfTheWholeMap() {
        int registers = map.registers();
        int[] whole = new int[registers];
        for (int at = 0; at < registers; at += 125) {
            int count = Math.min(125, registers - at);
            System.arraycopy(read(SunSpecMap.BASE + at, count), 0, whole, at, count);
        }
        for (int count = 1; count <= 3; count++) {
            for (int at = 0; at + count <= registers; at++) {
                // a new server each time: nothing of an earlier read is left in its image
                ModbusServer fresh = new ModbusServer(map, () -> current, sink, new Origin("modbus", "test"), true);
                int address = SunSpecMap.BASE + at;
                byte[] request = {3, (byte) (address >> 8), (byte) address, 0, (byte) count};
                byte[] out = new byte[ModbusServer.MAX_RESPONSE];
                fresh.answer(request, 0, request.length, false, out, 0);
                for (int i = 0; i < count; i++) {
                    int register = (out[2 + 2 * i] & 0xFF) << 8 | out[3 + 2 * i] & 0xFF;
                    assertThat(register).as("register %d read %d at a time", address + i, count)
                            .isEqualTo(whole[at + i]);
                }
            }
        }
    }

    @Test
    void inputRegistersReadTheSameMap() {
        byte[] holding = ask("03 9C 40 00 7D");
        byte[] input = ask("04 9C 40 00 7D");
        assertThat(input[0]).isEqualTo((byte) 4);
        assertThat(Arrays.copyOfRange(input, 1, input.length)).isEqualTo(Arrays.copyOfRange(holding, 1, holding.length));
    }

    @Test
    void exceptionsFollowTheApplicationProtocol() {
        assertThat(HEX.formatHex(ask("03 00 00 00 01"))).as("below the map").isEqualTo("83 02");
        assertThat(HEX.formatHex(ask("03 9C 3F 00 02"))).as("straddling the start").isEqualTo("83 02");
        int end = SunSpecMap.BASE + map.registers();
        assertThat(HEX.formatHex(ask(String.format("04 %02X %02X 00 02", (end - 1) >> 8, (end - 1) & 0xFF))))
                .as("past the end").isEqualTo("84 02");
        assertThat(HEX.formatHex(ask("03 FF FF 00 7D"))).as("past 65535").isEqualTo("83 02");
        assertThat(HEX.formatHex(ask("03 9C 40 00 00"))).as("no registers").isEqualTo("83 03");
        assertThat(HEX.formatHex(ask("03 9C 40 00 7E"))).as("126 registers").isEqualTo("83 03");
        assertThat(HEX.formatHex(ask("03 9C 40 00"))).as("short request").isEqualTo("83 03");
        assertThat(HEX.formatHex(ask("01 00 00 00 01"))).as("coils").isEqualTo("81 01");
        assertThat(HEX.formatHex(ask("2B 0E 01 00"))).as("device identification").isEqualTo("AB 01");
        assertThat(HEX.formatHex(ask("10 9C 40 00 01 02 00"))).as("byte count disagrees").isEqualTo("90 03");
        assertThat(HEX.formatHex(ask("10 9C 40 00 7C F8"))).as("124 registers").isEqualTo("90 03");
        assertThat(sink.received).isEmpty();
    }

    @Test
    void writesBecomeTheClisCommandsAfterEveryValueIsChecked() {
        int setOp = addressOf(802, "SetOp");
        int almRst = addressOf(802, "AlmRst");
        assertThat(HEX.formatHex(ask(String.format("06 %02X %02X 00 02", setOp >> 8, setOp & 0xFF))))
                .isEqualTo(String.format("06 %02X %02X 00 02", setOp >> 8, setOp & 0xFF));
        assertThat(sink.received).containsExactly(new ControlCommand.SetMos(ControlCommand.Path.CHARGE, false),
                new ControlCommand.SetMos(ControlCommand.Path.DISCHARGE, false));
        sink.received.clear();

        assertThat(HEX.formatHex(ask(String.format("06 %02X %02X 00 01", almRst >> 8, almRst & 0xFF))))
                .endsWith("00 01");
        assertThat(sink.received).containsExactly(new ControlCommand.ResetFaults());
        sink.received.clear();

        assertThat(HEX.formatHex(ask(String.format("06 %02X %02X 00 03", setOp >> 8, setOp & 0xFF))))
                .isEqualTo("86 03");
        assertThat(server.refusal()).contains("SetOp takes 1 (connect) or 2 (disconnect), not 3");
        int v = addressOf(802, "V");
        assertThat(HEX.formatHex(ask(String.format("06 %02X %02X 00 01", v >> 8, v & 0xFF)))).isEqualTo("86 02");
        assertThat(server.refusal()).contains("V is read-only");
        int ncyc = addressOf(802, "NCyc") + 1;
        assertThat(HEX.formatHex(ask(String.format("06 %02X %02X 00 01", ncyc >> 8, ncyc & 0xFF))))
                .isEqualTo("86 02");
        // SetOp and SetInvState in one write: SetInvState is not writable, so nothing runs
        assertThat(HEX.formatHex(ask(String.format("10 %02X %02X 00 02 04 00 01 00 01", setOp >> 8, setOp & 0xFF))))
                .isEqualTo("90 02");
        assertThat(sink.received).isEmpty();

        assertThat(HEX.formatHex(ask(String.format("10 %02X %02X 00 01 02 00 01", setOp >> 8, setOp & 0xFF))))
                .isEqualTo(String.format("10 %02X %02X 00 01", setOp >> 8, setOp & 0xFF));
        assertThat(sink.received).hasSize(2);
    }

    @Test
    void aRefusalOfTheLoopIsIllegalValueAndSilenceIsADeviceFailure() {
        int setOp = addressOf(802, "SetOp");
        String write = String.format("06 %02X %02X 00 01", setOp >> 8, setOp & 0xFF);
        sink.answer = CommandResult.rejected("a protection holds the MOS open");
        assertThat(HEX.formatHex(ask(write))).isEqualTo("86 03");
        assertThat(server.refusal()).isEqualTo("mos charge on: a protection holds the MOS open");
        sink.silent = true;
        assertThat(HEX.formatHex(ask(write))).isEqualTo("86 04");
        assertThat(server.refusal()).contains("did not answer");
    }

    @Test
    void withWritesDisabledAWriteIsAnIllegalFunctionAndNothingRuns() {
        ModbusServer readOnly = new ModbusServer(map, () -> current, sink, new Origin("modbus", "test"), false);
        int setOp = addressOf(802, "SetOp");
        byte[] request = HEX.parseHex(String.format("06 %02X %02X 00 02", setOp >> 8, setOp & 0xFF));
        byte[] out = new byte[ModbusServer.MAX_RESPONSE];
        assertThat(HEX.formatHex(out, 0, readOnly.answer(request, 0, request.length, false, out, 0)))
                .isEqualTo("86 01");
        assertThat(readOnly.refusal()).contains("writes are disabled");
        assertThat(sink.received).isEmpty();
    }

    @Test
    void aBroadcastWriteRunsWithoutAnAnswerAndABroadcastReadIsIgnored() {
        int setOp = addressOf(802, "SetOp");
        byte[] write = HEX.parseHex(String.format("06 %02X %02X 00 02", setOp >> 8, setOp & 0xFF));
        byte[] out = new byte[ModbusServer.MAX_RESPONSE];
        assertThat(server.answer(write, 0, write.length, true, out, 0)).isZero();
        assertThat(sink.received).hasSize(2);
        byte[] read = HEX.parseHex("03 9C 40 00 02");
        assertThat(server.answer(read, 0, read.length, true, out, 0)).isZero();
    }
}
