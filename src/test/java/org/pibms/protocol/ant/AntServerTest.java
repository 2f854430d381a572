package org.pibms.protocol.ant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pibms.protocol.ant.AntGolden.hex;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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

class AntServerTest {

    private static final Origin ORIGIN = new Origin("ant", "/dev/ttyTEST");
    private static final List<SensorLocation> SIX = List.of(SensorLocation.MOS, SensorLocation.BALANCE,
            SensorLocation.CELL, SensorLocation.CELL, SensorLocation.CELL, SensorLocation.CELL);

    /** Accepts or refuses every command, and remembers them. */
    static final class Commands implements CommandSink {
        final List<Command> received = new ArrayList<>();
        final List<Origin> origins = new ArrayList<>();
        CommandResult answer = CommandResult.accepted("done");

        @Override
        public CompletableFuture<CommandResult> submit(Command command, Origin origin) {
            received.add(command);
            origins.add(origin);
            return CompletableFuture.completedFuture(answer);
        }
    }

    private final Commands commands = new Commands();

    private static AntServer.Options options(Optional<String> password, List<SensorLocation> sensors,
            Chemistry chemistry) {
        return new AntServer.Options(password, true, true, chemistry, sensors, "PIBMS16S", "pibms test");
    }

    private AntServer server(PackSnapshot snapshot, Optional<String> password) {
        return new AntServer(options(password, SIX, Chemistry.LFP), () -> snapshot, commands, ORIGIN, 0);
    }

    /** The pack of §6.1.1 as pibms would hold it. */
    private static PackSnapshot fourteenCells() {
        int[] cells = {3498, 3484, 3492, 3470, 3484, 3472, 3508, 3479, 3509, 3509, 3496, 3473, 3486, 3468};
        return snapshot(cells, 48_800, -8000, 41, 170_000, 68_769.939, 11_109_391,
                new int[] {220, 210, 210, 210, 210, 210}, SIX.size());
    }

    private static PackSnapshot snapshot(int[] cells, int pack_mV, int current_mA, double soc_pct, int capacity_mAh,
            double remaining_mAh, double discharged_mAh, int[] temperature_dC, int sensors) {
        List<String> names = new ArrayList<>();
        boolean[] valid = new boolean[sensors];
        for (int i = 0; i < sensors; i++) {
            names.add("t" + i);
            valid[i] = true;
        }
        SocState soc = new SocState(0, remaining_mAh * 3600, soc_pct, soc_pct, soc_pct, capacity_mAh, 0, 1, 0,
                discharged_mAh, SocCalibration.NONE, 0, null);
        return PackSnapshot.builder().sequence(1).state(PackState.NORMAL)
                .cellVoltages_mV(cells, true).packVoltage_mV(pack_mV, true).current_mA(current_mA, true)
                .soc_pct(soc_pct, true).capacity_mAh(capacity_mAh).soc(soc)
                .temperatures(names, temperature_dC, valid).mos(true, true)
                .protection(ProtectionSettings.defaultsFor(new ProtectionSettings.Pack(Chemistry.LFP, cells.length,
                        capacity_mAh, 300_000)))
                .build();
    }

    /** The reply to one request, parsed from its bytes as a client would send them. */
    private static AntServer.Answer ask(AntServer server, byte[] request, long now_ms) {
        List<AntRequest> parsed = new ArrayList<>();
        new AntRequestParser(parsed::add).accept(request);
        assertThat(parsed).as(hex(request)).hasSize(1);
        return server.answer(parsed.get(0), now_ms);
    }

    @Test
    void theOldStatusOfASnapshotIsTheCapturedFrameWhereverPibmsHoldsTheValue() {
        AntServer server = server(fourteenCells(), Optional.empty());
        byte[] reply = ask(server, hex("DB DB 00 00 00 00"), 16_386_097_000L).reply();
        OldStatusFrame ours = OldStatusFrame.decode(reply);
        OldStatusFrame golden = OldStatusFrame.decode(AntGolden.OLD_14S);
        // What pibms has no measurement of: the e-bike odometer, the gate drive, the ANT's own log word.
        OldStatusFrame patched = new OldStatusFrame(ours.packVoltage_dV(), ours.cell_mV(), ours.current_dA(),
                ours.soc_pct(), ours.capacity_uAh(), ours.remaining_uAh(), ours.cycle_mAh(), ours.runtime_s(),
                ours.temperature_C(), ours.chargeMos(), ours.dischargeMos(), ours.balancer(), golden.tireLength_mm(),
                golden.pulses(), golden.relay(), ours.power_W(), ours.maxCell(), ours.maxCell_mV(), ours.minCell(),
                ours.minCell_mV(), ours.averageCell_mV(), ours.cellCount(), golden.dischargeMosVoltage_dV(),
                golden.dischargeMosDrive_dV(), golden.chargeMosDrive_dV(), golden.comparator(), ours.balanceMask(),
                golden.systemLog());
        assertThat(hex(patched.encode())).isEqualTo(hex(AntGolden.OLD_14S));
        assertThat(new int[] {ours.tireLength_mm(), ours.chargeMosDrive_dV(), ours.systemLog()}).containsOnly(0);
        // The same frame for every old status request the reference lists.
        for (String request : List.of("5A 5A 00 00 01 01", "5A 5A 00 00 00 00", "5A 5A FF 00 00 FF")) {
            assertThat(ask(server, hex(request), 16_386_097_000L).reply()).as(request).isEqualTo(reply);
        }
    }

    @Test
    void theNewStatusOfASnapshotIsTheCapturedFrameWhereverPibmsHoldsTheValue() {
        int[] cells = {3300, 3300, 3301, 3301, 3304, 3303, 3303, 3302, 3304, 3303, 3303, 3303, 3303, 3303, 3302,
                3305};
        List<SensorLocation> four = List.of(SensorLocation.CELL, SensorLocation.CELL, SensorLocation.MOS,
                SensorLocation.BALANCE);
        PackSnapshot snapshot = snapshot(cells, 52_840, -300, 91, 280_000, 252_602.325, 4_862_650,
                new int[] {10, 20, 20, 70}, 4);
        AntServer server = new AntServer(options(Optional.empty(), four, Chemistry.LFP), () -> snapshot, commands,
                ORIGIN, 0);
        NewStatusFrame ours = NewStatusFrame.decode(ask(server, hex("7E A1 01 00 00 BE 18 55 AA 55"),
                36_591_632_000L).reply());
        NewStatusFrame golden = NewStatusFrame.decode(AntGolden.NEW_16S);
        NewStatusFrame patched = new NewStatusFrame(ours.permissions(), ours.batteryStatus(), golden.protectionMask(),
                golden.warningMask(), golden.balancingRequestMask(), ours.cell_mV(), ours.probe_C(),
                ours.mosTemperature_C(), ours.balancerTemperature_C(), ours.packVoltage_cV(), ours.current_dA(),
                ours.soc_pct(), ours.soh_pct(), ours.chargeMos(), ours.dischargeMos(), ours.balancer(),
                ours.capacity_uAh(), ours.remaining_uAh(), ours.cycle_mAh(), ours.power_W(), ours.runtime_s(),
                ours.balanceMask(), ours.maxCell_mV(), ours.maxCell(), ours.minCell_mV(), ours.minCell(),
                ours.delta_mV(), ours.averageCell_mV(), golden.dischargeMosVoltage(), golden.dischargeMosDrive(),
                golden.chargeMosDrive(), golden.comparator(), ours.batteryType(), golden.discharged_mAh(),
                golden.charged_mAh(), golden.dischargeTime_s(), golden.chargeTime_s());
        assertThat(hex(patched.encode())).isEqualTo(hex(AntGolden.NEW_16S));
        assertThat(ours.warningMask()).isZero();
        assertThat(ours.discharged_mAh()).isEqualTo(4_862_650L);
    }

    @Test
    void chargingCurrentIsNegativeInTheAntSignUnlessThePortSaysOtherwise() {
        PackSnapshot charging = snapshot(new int[] {3300, 3301}, 6601, 12_340, 50, 100_000, 50_000, 0,
                new int[] {250}, 1);
        AntServer ant = new AntServer(options(Optional.empty(), List.of(SensorLocation.CELL), Chemistry.LFP),
                () -> charging, commands, ORIGIN, 0);
        OldStatusFrame old = OldStatusFrame.decode(ask(ant, hex("DB DB 00 00 00 00"), 0).reply());
        assertThat(old.current_dA()).isEqualTo(-123);
        assertThat(old.power_W()).isEqualTo(-81);
        NewStatusFrame fresh = NewStatusFrame.decode(ask(ant, hex("7E A1 01 00 00 BE 18 55 AA 55"), 0).reply());
        assertThat(fresh.current_dA()).isEqualTo(-123);
        assertThat(fresh.batteryStatus()).isEqualTo(2);
        AntServer.Options chargePositive = new AntServer.Options(Optional.empty(), false, true, Chemistry.LFP,
                List.of(SensorLocation.CELL), "m", "v");
        AntServer plain = new AntServer(chargePositive, () -> charging, commands, ORIGIN, 0);
        assertThat(OldStatusFrame.decode(ask(plain, hex("DB DB 00 00 00 00"), 0).reply()).current_dA()).isEqualTo(123);
    }

    @Test
    void anOpenMosfetCarriesItsReason() {
        PackSnapshot base = fourteenCells();
        PackSnapshot tripped = PackSnapshot.builder().sequence(2).state(PackState.FAULT)
                .cellVoltages_mV(base.cellVoltages_mV(), true).capacity_mAh(170_000).mos(false, true)
                .temperatures(base.temperatureNames(), new int[6], new boolean[6])
                .faults(List.of(new ActiveFault(FaultId.CELL_OVERVOLTAGE, ActiveFault.State.ACTIVE, "cell 9", 3700,
                        3650)))
                .build();
        AntServer server = server(tripped, Optional.empty());
        OldStatusFrame old = OldStatusFrame.decode(ask(server, hex("DB DB 00 00 00 00"), 0).reply());
        assertThat(new int[] {old.chargeMos(), old.dischargeMos()}).containsExactly(2, 1);
        NewStatusFrame fresh = NewStatusFrame.decode(ask(server, hex("7E A1 01 00 00 BE 18 55 AA 55"), 0).reply());
        assertThat(new int[] {fresh.chargeMos(), fresh.dischargeMos(), fresh.batteryStatus()}).containsExactly(2, 1, 5);

        PackSnapshot manual = PackSnapshot.builder().sequence(3).state(PackState.NORMAL)
                .cellVoltages_mV(base.cellVoltages_mV(), true).mos(true, false).manualOff(false, true)
                .temperatures(base.temperatureNames(), new int[6], new boolean[6]).build();
        old = OldStatusFrame.decode(ask(server(manual, Optional.empty()), hex("DB DB 00 00 00 00"), 0).reply());
        assertThat(new int[] {old.chargeMos(), old.dischargeMos()}).containsExactly(1, 15);
    }

    @Test
    void withoutAPasswordEveryWriteIsRefusedAndNothingReachesTheControlLoop() {
        AntServer server = server(fourteenCells(), Optional.empty());
        AntServer.Answer control = ask(server, hex("7E A1 51 04 00 00 C8 E4 AA 55"), 0);
        assertThat(control.reply()).isEqualTo(NewFrames.ack(NewFrames.ACKNOWLEDGED, 4, AntServer.ACK_REFUSED));
        assertThat(control.refusal()).contains("no password in the config");
        AntServer.Answer write = ask(server, hex("7E A1 22 00 00 02 42 0E BD EC AA 55"), 0);
        assertThat(write.refusal()).isNotNull();
        // The refusal echoes the value the register still holds: the default 3650 mV for LFP.
        assertThat(write.reply()).isEqualTo(NewFrames.written(0, 3650));
        AntServer.Answer old = ask(server, hex("A5 A5 FA 00 00 FA"), 0);
        assertThat(old.reply()).isEmpty();
        assertThat(old.refusal()).isNotNull();
        byte[] auth = NewFrames.request(0x23, NewFrames.PASSWORD_ADDRESS, 0, new byte[0]);
        assertThat(ask(server, auth, 0).reply()).isEqualTo(NewFrames.ack(NewFrames.AUTHENTICATED, 0x016A, 0));
        assertThat(ask(server, hex("7E A1 51 04 00 00 C8 E4 AA 55"), 0).refusal()).isNotNull();
        assertThat(commands.received).isEmpty();
    }

    @Test
    void theNewProtocolPasswordUnlocksWritesForAMinute() {
        AntServer server = server(fourteenCells(), Optional.of("s3cret12"));
        byte[] chargeOff = hex("7E A1 51 04 00 00 C8 E4 AA 55");
        assertThat(ask(server, chargeOff, 1000).reply()).isEqualTo(NewFrames.ack(NewFrames.ACKNOWLEDGED, 4, 0));
        byte[] wrong = "s3cret13".getBytes(StandardCharsets.US_ASCII);
        AntServer.Answer refused = ask(server, NewFrames.request(0x23, 0x016A, wrong.length, wrong), 1000);
        assertThat(refused.reply()).isEqualTo(NewFrames.ack(NewFrames.AUTHENTICATED, 0x016A, 0));
        assertThat(refused.refusal()).contains("wrong password");
        assertThat(commands.received).isEmpty();

        byte[] right = "s3cret12\0\0\0\0".getBytes(StandardCharsets.US_ASCII);
        assertThat(ask(server, NewFrames.request(0x23, 0x016A, right.length, right), 2000).reply())
                .isEqualTo(AntGolden.AUTH_ACK);
        AntServer.Answer done = ask(server, chargeOff, 2000);
        assertThat(done.reply()).isEqualTo(AntGolden.EXCHANGES.get(13).reply());
        assertThat(done.refusal()).isNull();
        assertThat(commands.received).containsExactly(new ControlCommand.SetMos(ControlCommand.Path.CHARGE, false));
        assertThat(commands.origins).containsExactly(ORIGIN);

        assertThat(ask(server, hex("7E A1 51 0D 00 00 18 E6 AA 55"), 61_999).refusal()).isNull();
        assertThat(ask(server, hex("7E A1 51 06 00 00 69 24 AA 55"), 62_000).refusal()).contains("no valid password");
        assertThat(commands.received).hasSize(2);
        assertThat(commands.received.get(1)).isEqualTo(new ControlCommand.SetBalancing(Balancing.Command.ON));
    }

    @Test
    void theControlLoopsRefusalIsTheProtocolsRefusal() {
        AntServer server = server(fourteenCells(), Optional.of("s3cret12"));
        ask(server, NewFrames.request(0x23, 0x016A, 8, "s3cret12".getBytes(StandardCharsets.US_ASCII)), 0);
        commands.answer = CommandResult.rejected("refused, the limits are unchanged: too high");
        AntServer.Answer write = ask(server, hex("7E A1 22 00 00 02 42 0E BD EC AA 55"), 0);
        assertThat(commands.received).containsExactly(new ControlCommand.SetProtection("cell_overvoltage.trip_mV",
                "3650"));
        assertThat(write.reply()).isEqualTo(NewFrames.written(0, 3650));
        assertThat(write.refusal()).contains("too high");
        AntServer.Answer mos = ask(server, hex("7E A1 51 06 00 00 69 24 AA 55"), 0);
        assertThat(mos.reply()).isEqualTo(NewFrames.ack(NewFrames.ACKNOWLEDGED, 6, 0));
    }

    @Test
    void theOldProtocolPasswordIsTheFourRegistersOfTheAppCapture() {
        AntServer server = server(fourteenCells(), Optional.of("12345678"));
        for (String frame : List.of("A5 A5 F1 31 32 54", "A5 A5 F2 33 34 59", "A5 A5 F3 35 36 5E",
                "A5 A5 F4 37 38 63", "A5 A5 F5 00 01 F6", "A5 A5 FA 00 00 FA", "A5 A5 F9 00 01 FA",
                "A5 A5 FF 00 00 FF")) {
            AntServer.Answer answer = ask(server, hex(frame), 5000);
            assertThat(answer.reply()).as(frame).isEmpty();
            assertThat(answer.refusal()).as(frame).isNull();
        }
        assertThat(commands.received).containsExactly(new ControlCommand.SetMos(ControlCommand.Path.CHARGE, false),
                new ControlCommand.SetMos(ControlCommand.Path.DISCHARGE, true));
        // A wrong last pair locks the link again.
        assertThat(ask(server, hex("A5 A5 F4 37 39 64"), 6000).refusal()).contains("wrong password");
        assertThat(ask(server, hex("A5 A5 FA 00 01 FB"), 6000).refusal()).contains("no valid password");
        // The right last pair alone is not enough: the first three of the earlier attempt are gone.
        assertThat(ask(server, hex("A5 A5 F4 37 38 63"), 7000).refusal()).contains("wrong password");
        assertThat(ask(server, hex("A5 A5 FA 00 01 FB"), 7000).refusal()).contains("no valid password");
        assertThat(commands.received).hasSize(2);
    }

    @Test
    void settingsRegistersReadTheLimitsInForceAndWriteThroughSetProtection() {
        AntServer server = server(fourteenCells(), Optional.of("s3cret12"));
        byte[] data = NewFrames.data(ask(server, hex("7E A1 02 00 00 38 99 B3 AA 55"), 0).reply(), 0x12);
        assertThat(data).hasSize(56);
        ProtectionSettings limits = fourteenCells().protection();
        assertThat(u16(data, 0x0000)).isEqualTo(limits.limit(FaultId.CELL_OVERVOLTAGE).trip());
        assertThat(u16(data, 0x000C)).isEqualTo(limits.limit(FaultId.CELL_UNDERVOLTAGE).trip());
        assertThat(u16(data, 0x0008) * 100).isEqualTo(Math.round(limits.limit(FaultId.PACK_OVERVOLTAGE).trip() / 100.0)
                * 100);
        assertThat(u16(data, 0x0004)).as("no level-2 over-voltage in pibms").isEqualTo(0xFFFF);
        byte[] capacity = NewFrames.data(ask(server, hex("7E A1 02 A2 00 04 38 40 AA 55"), 0).reply(), 0x12);
        assertThat(capacity).isEqualTo(hex("AA 00 00 00"));
        byte[] info = ask(server, hex("7E A1 02 6C 02 20 58 C4 AA 55"), 0).reply();
        assertThat(info).hasSize(48);
        assertThat(NewFrames.text(NewFrames.data(info, 0x12), 0)).isEqualTo("PIBMS16S");

        ask(server, NewFrames.request(0x23, 0x016A, 8, "s3cret12".getBytes(StandardCharsets.US_ASCII)), 0);
        ask(server, NewFrames.request(0x22, 0x0068, 2, new byte[] {(byte) 0xE8, 0x03}), 0);
        ask(server, NewFrames.request(0x22, 0x0038, 2, new byte[] {(byte) 0xFB, (byte) 0xFF}), 0);
        ask(server, hex("5A 5A 03 00 00 03"), 0);
        ask(server, hex("A5 A5 07 02 3A 43"), 0);
        assertThat(commands.received).containsExactly(
                new ControlCommand.SetProtection("charge_overcurrent.trip_A", "100"),
                new ControlCommand.SetProtection("charge_overtemperature.trip_C", "-5"),
                new ControlCommand.SetProtection("pack_overvoltage.trip_mV", "57000"));
        assertThat(ask(server, hex("5A 5A 03 00 00 03"), 0).reply()).isEqualTo(oldFrame(0x5A, 3,
                limits.limit(FaultId.CELL_OVERVOLTAGE).trip()));
        assertThat(ask(server, hex("5A 5A 18 00 00 18"), 0).reply()).isEqualTo(oldFrame(0x5A, 24, 14));
        // 170 Ah = 170 000 000 µAh = 0x0A21FE80: low word at 31, high word at 32.
        assertThat(ask(server, hex("5A 5A 1F 00 00 1F"), 0).reply()).isEqualTo(oldFrame(0x5A, 31, 0xFE80));
        assertThat(ask(server, hex("5A 5A 20 00 00 20"), 0).reply()).isEqualTo(oldFrame(0x5A, 32, 0x0A21));
    }

    @Test
    void unsupportedControlsAreRefusedWithoutTouchingAnything() {
        AntServer server = server(fourteenCells(), Optional.of("s3cret12"));
        ask(server, NewFrames.request(0x23, 0x016A, 8, "s3cret12".getBytes(StandardCharsets.US_ASCII)), 0);
        for (int address : new int[] {0x08, 0x09, 0x0B, 0x0C, 0x0F, 0x1E, 0x2A}) {
            AntServer.Answer answer = server.answer(new AntRequest.New(0x51, address, 0, new byte[0]), 0);
            assertThat(answer.reply()).isEqualTo(NewFrames.ack(NewFrames.ACKNOWLEDGED, address, 0));
            assertThat(answer.refusal()).contains("not supported");
        }
        for (int address : new int[] {0xF0, 0xF6, 0xF7, 0xF8, 0xFB, 0xFD, 0xFE}) {
            assertThat(server.answer(new AntRequest.Old(AntRequest.Old.Function.WRITE, address, 0), 0).refusal())
                    .contains("not supported");
        }
        assertThat(ask(server, hex("7E A1 51 07 00 00 38 E4 AA 55"), 0).reply())
                .isEqualTo(AntGolden.EXCHANGES.get(3).reply());
        assertThat(commands.received).isEmpty();
    }

    private static int u16(byte[] data, int address) {
        return (data[address] & 0xFF) | (data[address + 1] & 0xFF) << 8;
    }

    private static byte[] oldFrame(int function, int address, int value) {
        return new byte[] {(byte) function, (byte) function, (byte) address, (byte) (value >>> 8), (byte) value,
                (byte) (address + (value >>> 8) + value)};
    }

    @Test
    void aSnapshotBeforeTheFirstReadingGivesZerosNotGarbage() {
        PackSnapshot empty = PackSnapshot.builder().cellVoltages_mV(new int[16], false).capacity_mAh(100_000)
                .temperatures(List.of("a"), new int[1], new boolean[1]).build();
        AntServer server = new AntServer(options(Optional.empty(), List.of(SensorLocation.CELL), Chemistry.NMC),
                () -> empty, commands, ORIGIN, 0);
        OldStatusFrame old = OldStatusFrame.decode(ask(server, hex("DB DB 00 00 00 00"), 0).reply());
        assertThat(old.cellCount()).isEqualTo(16);
        assertThat(old.cell_mV()).containsOnly(0);
        assertThat(old.temperature_C()).containsOnly(-40);
        NewStatusFrame fresh = NewStatusFrame.decode(ask(server, hex("7E A1 01 00 00 BE 18 55 AA 55"), 0).reply());
        assertThat(fresh.batteryStatus()).isZero();
        assertThat(fresh.cell_mV()).hasSize(16).containsOnly(0);
        assertThat(Arrays.stream(fresh.probe_C()).boxed().toList()).containsExactly(-40);
        byte[] settings = NewFrames.data(ask(server, hex("7E A1 02 00 00 02 19 A0 AA 55"), 0).reply(), 0x12);
        assertThat(settings).isEqualTo(hex("FF FF"));
    }
}
