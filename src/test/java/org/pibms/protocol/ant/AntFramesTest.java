package org.pibms.protocol.ant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pibms.protocol.ant.AntGolden.hex;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real frames of ant-protocol.md §6 decode to their documented values and encode back byte for byte. */
class AntFramesTest {

    @Test
    void oldFourteenCellFrameDecodesToItsDocumentedValues() {
        OldStatusFrame f = OldStatusFrame.decode(AntGolden.OLD_14S);
        assertThat(f.packVoltage_dV()).isEqualTo(488);
        assertThat(f.cellCount()).isEqualTo(14);
        assertThat(java.util.Arrays.copyOf(f.cell_mV(), 14)).containsExactly(3498, 3484, 3492, 3470, 3484, 3472,
                3508, 3479, 3509, 3509, 3496, 3473, 3486, 3468);
        assertThat(java.util.Arrays.copyOfRange(f.cell_mV(), 14, 32)).containsOnly(0);
        assertThat(f.current_dA()).isEqualTo(80);
        assertThat(f.soc_pct()).isEqualTo(41);
        assertThat(f.capacity_uAh()).isEqualTo(170_000_000L);
        assertThat(f.remaining_uAh()).isEqualTo(68_769_939L);
        assertThat(f.cycle_mAh()).isEqualTo(11_109_391L);
        assertThat(f.runtime_s()).isEqualTo(16_386_097L);
        assertThat(f.temperature_C()).containsExactly(22, 21, 21, 21, 21, 21);
        assertThat(new int[] {f.chargeMos(), f.dischargeMos(), f.balancer()}).containsExactly(1, 1, 0);
        assertThat(new int[] {f.tireLength_mm(), f.pulses(), f.relay()}).containsExactly(1000, 23, 0);
        assertThat(f.power_W()).isEqualTo(390);
        assertThat(new int[] {f.maxCell(), f.maxCell_mV(), f.minCell(), f.minCell_mV(), f.averageCell_mV()})
                .containsExactly(9, 3509, 14, 3468, 3487);
        assertThat(new int[] {f.dischargeMosVoltage_dV(), f.dischargeMosDrive_dV(), f.chargeMosDrive_dV(),
                f.comparator()}).containsExactly(0, 112, 107, 684);
        assertThat(f.balanceMask()).isZero();
        assertThat(f.systemLog()).isEqualTo(0x4001);
        assertThat(f.encode()).isEqualTo(AntGolden.OLD_14S);
    }

    @Test
    void oldSixteenCellFrameDecodesWithAbsentProbes() {
        OldStatusFrame f = OldStatusFrame.decode(AntGolden.OLD_16S);
        assertThat(f.packVoltage_dV()).isEqualTo(637);
        assertThat(f.cellCount()).isEqualTo(16);
        assertThat(java.util.Arrays.copyOf(f.cell_mV(), 16)).containsExactly(3983, 3983, 3982, 3981, 3981, 3983, 3984,
                3984, 3982, 3984, 3983, 3980, 3980, 3982, 3981, 3983);
        assertThat(f.current_dA()).isZero();
        assertThat(f.soc_pct()).isEqualTo(84);
        assertThat(f.capacity_uAh()).isEqualTo(234_000_000L);
        assertThat(f.remaining_uAh()).isEqualTo(195_358_798L);
        assertThat(f.cycle_mAh()).isEqualTo(275_682L);
        assertThat(f.runtime_s()).isEqualTo(1_554_278L);
        assertThat(f.temperature_C()).containsExactly(23, 25, 21, 22, -40, -40);
        assertThat(f.relay()).isEqualTo(0xFF);
        assertThat(new int[] {f.maxCell(), f.maxCell_mV(), f.minCell(), f.minCell_mV(), f.averageCell_mV()})
                .containsExactly(7, 3984, 16, 3980, 3982);
        assertThat(f.encode()).isEqualTo(AntGolden.OLD_16S);
    }

    @Test
    void oldFrameWithNegativeCurrentAndPowerRoundTrips() {
        OldStatusFrame f = OldStatusFrame.decode(AntGolden.OLD_14S);
        OldStatusFrame charging = new OldStatusFrame(f.packVoltage_dV(), f.cell_mV(), -107, f.soc_pct(),
                f.capacity_uAh(), f.remaining_uAh(), f.cycle_mAh(), f.runtime_s(), f.temperature_C(), f.chargeMos(),
                f.dischargeMos(), f.balancer(), f.tireLength_mm(), f.pulses(), f.relay(), -285, f.maxCell(),
                f.maxCell_mV(), f.minCell(), f.minCell_mV(), f.averageCell_mV(), f.cellCount(),
                f.dischargeMosVoltage_dV(), f.dischargeMosDrive_dV(), f.chargeMosDrive_dV(), f.comparator(),
                f.balanceMask(), f.systemLog());
        byte[] bytes = charging.encode();
        assertThat(java.util.Arrays.copyOfRange(bytes, 70, 74)).isEqualTo(hex("FF FF FF 95"));
        assertThat(java.util.Arrays.copyOfRange(bytes, 111, 115)).isEqualTo(hex("FF FF FE E3"));
        OldStatusFrame back = OldStatusFrame.decode(bytes);
        assertThat(back.current_dA()).isEqualTo(-107);
        assertThat(back.power_W()).isEqualTo(-285);
    }

    @Test
    void oldFrameWithABadChecksumOrLengthIsRefused() {
        byte[] broken = AntGolden.OLD_14S.clone();
        broken[20] ^= 1;
        assertThatThrownBy(() -> OldStatusFrame.decode(broken)).hasMessageContaining("checksum");
        assertThatThrownBy(() -> OldStatusFrame.decode(new byte[139])).hasMessageContaining("140");
    }

    @Test
    void newSixteenCellFrameDecodesToItsDocumentedValues() {
        NewStatusFrame f = NewStatusFrame.decode(AntGolden.NEW_16S);
        assertThat(f.permissions()).isEqualTo(5);
        assertThat(f.batteryStatus()).isEqualTo(1);
        assertThat(f.cell_mV()).containsExactly(3300, 3300, 3301, 3301, 3304, 3303, 3303, 3302, 3304, 3303, 3303,
                3303, 3303, 3303, 3302, 3305);
        assertThat(f.warningMask()).isEqualTo(0x0180_0080L);
        assertThat(f.probe_C()).containsExactly(1, 2);
        assertThat(f.mosTemperature_C()).isEqualTo(2);
        assertThat(f.balancerTemperature_C()).isEqualTo(7);
        assertThat(f.packVoltage_cV()).isEqualTo(5284);
        assertThat(f.current_dA()).isEqualTo(3);
        assertThat(f.soc_pct()).isEqualTo(91);
        assertThat(f.soh_pct()).isEqualTo(100);
        assertThat(new int[] {f.chargeMos(), f.dischargeMos(), f.balancer()}).containsExactly(1, 1, 0);
        assertThat(f.capacity_uAh()).isEqualTo(280_000_000L);
        assertThat(f.remaining_uAh()).isEqualTo(252_602_325L);
        assertThat(f.cycle_mAh()).isEqualTo(4_862_650L);
        assertThat(f.power_W()).isEqualTo(15);
        assertThat(f.runtime_s()).isEqualTo(36_591_632L);
        assertThat(f.balanceMask()).isZero();
        assertThat(new int[] {f.maxCell_mV(), f.maxCell(), f.minCell_mV(), f.minCell(), f.delta_mV(),
                f.averageCell_mV()}).containsExactly(3305, 16, 3300, 1, 5, 3302);
        assertThat(new int[] {f.dischargeMosVoltage(), f.dischargeMosDrive(), f.chargeMosDrive(), f.comparator()})
                .containsExactly(0, 128, 122, 527);
        assertThat(f.batteryType()).isEqualTo(NewStatusFrame.TYPE_LFP);
        assertThat(new long[] {f.discharged_mAh(), f.charged_mAh(), f.dischargeTime_s(), f.chargeTime_s()})
                .containsExactly(3_902_649L, 5_822_651L, 4_402_650L, 4_830_952L);
        assertThat(f.encode()).isEqualTo(AntGolden.NEW_16S);
    }

    @Test
    void newFourteenCellFrameDecodesWithAnAbsentProbe() {
        NewStatusFrame f = NewStatusFrame.decode(AntGolden.NEW_14S);
        assertThat(f.cell_mV()).hasSize(14).containsOnly(4113);
        assertThat(f.protectionMask() & 0xFF).isEqualTo(0x02);
        assertThat(f.probe_C()).containsExactly(28, 28, -40, 28);
        assertThat(new int[] {f.mosTemperature_C(), f.balancerTemperature_C()}).containsExactly(28, 28);
        assertThat(f.packVoltage_cV()).isEqualTo(5758);
        assertThat(new int[] {f.soc_pct(), f.soh_pct(), f.chargeMos(), f.dischargeMos()}).containsExactly(96, 100, 1,
                2);
        assertThat(f.capacity_uAh()).isEqualTo(30_000_000L);
        // The reference decodes 28.528975 Ah, but the bytes 4F 55 B3 01 are 28 529 999 µAh.
        assertThat(f.remaining_uAh()).isEqualTo(28_529_999L);
        assertThat(f.cycle_mAh()).isEqualTo(21_256L);
        assertThat(f.runtime_s()).isEqualTo(1_189_995L);
        assertThat(f.batteryType()).isEqualTo(NewStatusFrame.TYPE_TERNARY);
        assertThat(new long[] {f.discharged_mAh(), f.charged_mAh(), f.dischargeTime_s(), f.chargeTime_s()})
                .containsExactly(11_901L, 30_612L, 2014L, 30_327L);
        assertThat(f.encode()).isEqualTo(AntGolden.NEW_14S);
    }

    @Test
    void newTwentyTwoCellFrameDecodesItsBalancing() {
        NewStatusFrame f = NewStatusFrame.decode(AntGolden.NEW_22S);
        assertThat(f.cell_mV()).hasSize(22);
        assertThat(f.cell_mV()[0]).isEqualTo(2271);
        assertThat(f.probe_C()).containsExactly(25, 25, 26, 25);
        assertThat(new int[] {f.mosTemperature_C(), f.balancerTemperature_C()}).containsExactly(28, 34);
        assertThat(f.packVoltage_cV()).isEqualTo(4872);
        assertThat(new int[] {f.soc_pct(), f.soh_pct(), f.chargeMos(), f.dischargeMos(), f.balancer()})
                .containsExactly(0, 100, 1, 1, 4);
        assertThat(f.capacity_uAh()).isEqualTo(80_000_000L);
        assertThat(f.remaining_uAh()).isEqualTo(1_257_053L);
        assertThat(f.cycle_mAh()).isEqualTo(14_396_566L);
        assertThat(f.runtime_s()).isEqualTo(61_252_832L);
        assertThat(f.balanceMask()).isEqualTo(0x003F_E8FFL);
        assertThat(new int[] {f.maxCell_mV(), f.maxCell(), f.minCell_mV(), f.minCell(), f.delta_mV(),
                f.averageCell_mV()}).containsExactly(2271, 1, 2160, 9, 111, 2214);
        assertThat(f.batteryType()).isEqualTo(0xFAF3);
        assertThat(new long[] {f.discharged_mAh(), f.charged_mAh(), f.dischargeTime_s(), f.chargeTime_s()})
                .containsExactly(14_176_978L, 14_616_154L, 6_004_455L, 9_244_746L);
        assertThat(f.encode()).isEqualTo(AntGolden.NEW_22S);
    }

    @Test
    void newFrameWithABadCrcOrLengthIsRefused() {
        byte[] broken = AntGolden.NEW_16S.clone();
        broken[40] ^= 1;
        assertThatThrownBy(() -> NewStatusFrame.decode(broken)).hasMessageContaining("CRC");
        byte[] cut = java.util.Arrays.copyOf(AntGolden.NEW_16S, AntGolden.NEW_16S.length - 3);
        assertThatThrownBy(() -> NewStatusFrame.decode(cut)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void repliesAreByteIdenticalToTheCapturedOnes() {
        byte[] info = NewFrames.data(AntGolden.DEVICE_INFO, NewFrames.DEVICE_INFO);
        assertThat(NewFrames.text(info, 0)).isEqualTo("16ZM");
        assertThat(NewFrames.text(info, 16)).isEqualTo("16ZMUB00-211026A");
        assertThat(NewFrames.deviceInfo("16ZM", "16ZMUB00-211026A")).isEqualTo(AntGolden.DEVICE_INFO);

        byte[] settings = NewFrames.data(AntGolden.SETTINGS_0000, NewFrames.DEVICE_INFO);
        assertThat(settings).hasSize(56);
        assertThat(settings[0] & 0xFF | (settings[1] & 0xFF) << 8).isEqualTo(3650);
        assertThat(NewFrames.registers(0, settings)).isEqualTo(AntGolden.SETTINGS_0000);

        assertThat(NewFrames.written(0x0000, 0x0E42)).isEqualTo(AntGolden.EXCHANGES.get(2).reply());
        assertThat(NewFrames.written(0x0002, 0x0DDE)).isEqualTo(AntGolden.EXCHANGES.get(4).reply());
        assertThat(NewFrames.ack(NewFrames.ACKNOWLEDGED, 0x0F, 3)).isEqualTo(AntGolden.EXCHANGES.get(5).reply());
        assertThat(NewFrames.permission(hex("40 70 3B 18 DC 8F 9E 11 37 42 84 01")))
                .isEqualTo(AntGolden.EXCHANGES.get(6).reply());
        assertThat(NewFrames.ack(NewFrames.AUTHENTICATED, NewFrames.PASSWORD_ADDRESS, 5)).isEqualTo(AntGolden.AUTH_ACK);
        for (AntGolden.Exchange e : AntGolden.EXCHANGES) {
            if ((e.reply()[2] & 0xFF) == NewFrames.ACKNOWLEDGED && e.reply()[6] == 1) {
                assertThat(NewFrames.ack(NewFrames.ACKNOWLEDGED, NewFrames.address(e.request()), 1)).as(e.what())
                        .isEqualTo(e.reply());
            }
        }
        // §6.2.8: a constructed settings reply without the trailer still reads.
        assertThat(NewFrames.data(hex("7E A1 12 00 00 02 36 10 1F 14 AA 55"), NewFrames.DEVICE_INFO))
                .isEqualTo(hex("36 10"));
    }

    @Test
    void everyDocumentedRequestParsesAndEncodesBack() {
        List<AntRequest> parsed = new ArrayList<>();
        AntRequestParser parser = new AntRequestParser(parsed::add);
        for (byte[] request : AntGolden.REQUESTS) {
            parser.accept(request);
        }
        assertThat(parsed).hasSize(AntGolden.REQUESTS.size());
        assertThat(parser.rejected()).isZero();
        for (int i = 0; i < parsed.size(); i++) {
            byte[] golden = AntGolden.REQUESTS.get(i);
            if (parsed.get(i) instanceof AntRequest.New n) {
                assertThat(NewFrames.request(n.function(), n.address(), n.length(), n.data())).as(hex(golden))
                        .isEqualTo(golden);
            }
        }
        assertThat(parsed.get(0)).isEqualTo(new AntRequest.Old(AntRequest.Old.Function.STATUS, 0, 0));
        assertThat(parsed.get(6)).isEqualTo(new AntRequest.Old(AntRequest.Old.Function.WRITE, 0xF1, 0x3132));
        assertThat(parsed.get(11)).isEqualTo(new AntRequest.Old(AntRequest.Old.Function.WRITE, 0xFA, 1));
        assertThat(parsed.get(18)).isEqualTo(new AntRequest.New(0x22, 0x0000, 2, hex("42 0E")));
        assertThat(parsed.get(24)).isEqualTo(new AntRequest.New(0x02, 0x00A2, 4, new byte[0]));
    }

    @Test
    void theEspHomeAuthenticationRequestParses() {
        byte[] password = "123456789abc".getBytes(StandardCharsets.US_ASCII);
        byte[] request = NewFrames.request(0x23, NewFrames.PASSWORD_ADDRESS, password.length, password);
        assertThat(hex(request)).startsWith("7E A1 23 6A 01 0C 31 32 33");
        List<AntRequest> parsed = new ArrayList<>();
        new AntRequestParser(parsed::add).accept(request);
        assertThat(parsed).containsExactly(new AntRequest.New(0x23, 0x016A, 12, password));
    }
}
