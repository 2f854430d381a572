package org.pibms.protocol.can;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pibms.core.ActiveFault;
import org.pibms.core.CanFrame;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.settings.SensorLocation;

/** The ANT J1939 profile: address claim and its conflicts, the cyclic frames, DM1, requests. */
class AntJ1939NodeTest {

    private static final long NAME = 0x8000_0000_1234_5678L;

    private final AntJ1939Node node = new AntJ1939Node(NAME, 0xF4, 16, List.of(SensorLocation.CELL,
            SensorLocation.MOS), 51_200);
    private final PackSnapshot healthy = InverterFramesTest.snapshot(List.of());

    private List<String> run(long from_ms, long to_ms, PackSnapshot s) {
        List<String> sent = new ArrayList<>();
        for (long t = from_ms; t <= to_ms; t += CanNode.TICK_ms) {
            node.due(t, s).forEach(f -> sent.add(f.toString()));
        }
        return sent;
    }

    @Test
    void theFirstFrameClaimsTheAddressAndTrafficWaits250ms() {
        List<String> sent = run(0, 240, healthy);
        assertThat(sent).containsExactly("18EEFFF4#78563412000000" + "80");
        assertThat(node.news()).contains("claimed address 0xF4");
        assertThat(run(250, 250, healthy)).isNotEmpty();
    }

    @Test
    void theAntFramesCarryTheSnapshot() {
        run(0, 0, healthy);
        List<String> sent = run(250, 250, healthy);
        // flags: ready, both MOS; SOC 67; 5000 + 123 (discharge positive) = 0x1403; 531 = 0x0213
        assertThat(sent).contains("18FF28F4#3843" + "0314" + "1302" + "0000");
        // highest 3325 mV, lowest 3310 mV, 25 °C + 40 twice, DCL 150.0 A
        assertThat(sent).contains("18FE28F4#FD0CEE0C" + "4141" + "DC05");
        assertThat(sent).contains("18C828F4#0CEE0CEF0CF00CF1", "18CB28F4#0CFA0CFB0CFC0CFD");
        assertThat(sent).contains("18B428F4#4147FFFFFFFFFFFF");
        assertThat(sent).contains("18FECAF4#00FF00000000FFFF");
        assertThat(run(260, 340, healthy)).isEmpty();
        assertThat(run(350, 350, healthy)).hasSize(2);
    }

    @Test
    void oneFaultIsOneDm1FrameAndMoreGoAsABam() {
        PackSnapshot one = InverterFramesTest.snapshot(List.of(new ActiveFault(FaultId.CELL_OVERVOLTAGE,
                ActiveFault.State.ACTIVE, "cell 3", 3700, 3650)));
        // SPN 520192 + 1 = 0x7F001: bytes 01 F0, then (0x7 << 5) | FMI 0, occurrence 1; red stop lamp
        assertThat(node.dm1(one, 0)).extracting(CanFrame::toString).containsExactly("18FECAF4#10FF01F0E001FFFF");

        PackSnapshot two = InverterFramesTest.snapshot(List.of(
                new ActiveFault(FaultId.CELL_OVERVOLTAGE, ActiveFault.State.ACTIVE, "cell 3", 3700, 3650),
                new ActiveFault(FaultId.CELL_IMBALANCE, ActiveFault.State.ACTIVE, "", 80, 50)));
        assertThat(node.dm1(two, 0)).extracting(CanFrame::toString)
                .containsExactly("1CECFFF4#200A0002FFCAFE00");
        List<String> packets = new ArrayList<>();
        for (long t = 0; t <= 200; t += 10) {
            node.due(t, two).stream().map(CanFrame::toString).filter(f -> f.startsWith("1CEBFFF4"))
                    .forEach(packets::add);
        }
        assertThat(packets).containsExactly("1CEBFFF4#0114FF01F0E00112", "1CEBFFF4#02F0E001FFFFFFFF");
    }

    @Test
    void requestsAreAnsweredAndAnUnknownOneToUsIsRefused() {
        run(0, 0, healthy);
        assertThat(node.received(CanFrame.extended(0x18EAFF00, (byte) 0x00, (byte) 0xEE, (byte) 0x00), 300, healthy))
                .extracting(CanFrame::toString).containsExactly("18EEFFF4#7856341200000080");
        assertThat(node.received(CanFrame.extended(0x18EAF400, (byte) 0xCA, (byte) 0xFE, (byte) 0x00), 300, healthy))
                .extracting(CanFrame::toString).containsExactly("18FECAF4#00FF00000000FFFF");
        assertThat(node.received(CanFrame.extended(0x18EAF400, (byte) 0x34, (byte) 0x12, (byte) 0x00), 300, healthy))
                .extracting(CanFrame::toString).containsExactly("18E8FFF4#01FFFFFF00341200");
        assertThat(node.received(CanFrame.extended(0x18EAFF00, (byte) 0x34, (byte) 0x12, (byte) 0x00), 300, healthy))
                .as("a global request for something pibms does not send").isEmpty();
        assertThat(node.received(CanFrame.extended(0x18EA1000, (byte) 0x00, (byte) 0xEE, (byte) 0x00), 300, healthy))
                .as("a request to another node").isEmpty();
    }

    @Test
    void aHigherNameOnOurAddressIsToldOffAndALowerOneWinsIt() {
        run(0, 0, healthy);
        byte[] higher = {(byte) 0xFF, 0, 0, 0, 0, 0, 0, (byte) 0xFF};
        assertThat(node.received(CanFrame.extended(0x18EEFFF4, higher), 300, healthy))
                .extracting(CanFrame::toString).containsExactly("18EEFFF4#7856341200000080");
        byte[] lower = {1, 0, 0, 0, 0, 0, 0, 0};
        assertThat(node.received(CanFrame.extended(0x18EEFFF4, lower), 400, healthy))
                .extracting(CanFrame::toString).containsExactly("18EEFFFE#7856341200000080");
        assertThat(node.lost()).isTrue();
        assertThat(node.news()).contains("lost");
        assertThat(run(500, 3000, healthy)).isEmpty();
    }
}
