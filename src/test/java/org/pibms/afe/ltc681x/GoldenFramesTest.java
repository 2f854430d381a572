package org.pibms.afe.ltc681x;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.pibms.sim.Ltc6813EmulatorAccess;

/** PEC15 and the command and register encodings, against the vectors collected in afe.md §2.2–2.4. */
class GoldenFramesTest {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

    @ParameterizedTest(name = "{2}: {0} -> {1}")
    @CsvSource({
        "00 01, 3D 6E, WRCFGA",
        "00 24, B1 9E, WRCFGB",
        "00 02, 2B 0A, RDCFGA",
        "00 26, 2C C8, RDCFGB",
        "00 04, 07 C2, RDCVA",
        "00 06, 9A 94, RDCVB",
        "00 08, 5E 52, RDCVC",
        "00 0A, C3 04, RDCVD",
        "00 09, D5 60, RDCVE",
        "00 0B, 48 36, RDCVF",
        "00 0C, EF CC, RDAUXA",
        "00 0E, 72 9A, RDAUXB",
        "00 0D, 64 FE, RDAUXC",
        "00 0F, F9 A8, RDAUXD",
        "00 10, ED 72, RDSTATA",
        "00 12, 70 24, RDSTATB",
        "03 60, F4 6C, ADCV normal DCP0",
        "03 70, AF 42, ADCV normal DCP1",
        "03 E0, B0 4A, ADCV filtered",
        "02 E0, 38 06, ADCV fast",
        "05 60, D3 A0, ADAX normal",
        "04 E0, 1F CA, ADAX fast",
        "03 68, 1C 62, ADOW normal pull-up",
        "03 28, FB E8, ADOW normal pull-down",
        "07 11, C9 C0, CLRCELL",
        "07 14, F3 6C, PLADC",
        "FF FF FF FF FF FF, 66 4C, a cleared group",
        "00 00 00 00 00 00, C2 12, all zeros",
        "E4 0D 28 A0 01 00, AD 6A, example CFGA",
    })
    void pecMatchesTheReference(String data, String pec, String what) {
        byte[] bytes = HEX.parseHex(data);
        int expected = Integer.parseInt(pec.replace(" ", ""), 16);

        assertThat(Pec15.of(bytes, 0, bytes.length)).isEqualTo(expected);
        assertThat(Ltc6813EmulatorAccess.pec(bytes)).as("the emulator's PEC").isEqualTo(expected);
        assertThat(Ltc6813EmulatorAccess.pecBitwise(bytes)).as("the emulator's bitwise PEC")
                .isEqualTo(expected);
    }

    @Test
    void theEmulatorsPecTableAgreesWithItsBitwiseDefinition() {
        SplittableRandom random = new java.util.SplittableRandom(42);
        for (int round = 0; round < 10_000; round++) {
            byte[] bytes = new byte[1 + random.nextInt(8)];
            random.nextBytes(bytes);
            assertThat(Ltc6813EmulatorAccess.pec(bytes))
                    .as("PEC of %s", HEX.formatHex(bytes))
                    .isEqualTo(Ltc6813EmulatorAccess.pecBitwise(bytes));
        }
    }

    @Test
    void commandsEncodeTheirVariableBits() {
        assertThat(Command.adcv(2, false, 0)).isEqualTo(0x360);
        assertThat(Command.adcv(2, true, 0)).isEqualTo(0x370);
        assertThat(Command.adcv(3, false, 0)).isEqualTo(0x3E0);
        assertThat(Command.adcv(1, false, 0)).isEqualTo(0x2E0);
        assertThat(Command.adax(2, 0)).isEqualTo(0x560);
        assertThat(Command.adax(1, 0)).isEqualTo(0x4E0);
        assertThat(Command.adow(2, true, false, 0)).isEqualTo(0x368);
        assertThat(Command.adow(2, false, false, 0)).isEqualTo(0x328);
        assertThat(Command.adstat(2, 0)).isEqualTo(0x568);
    }

    @Test
    void aCommandFrameCarriesItsPec() {
        byte[] frame = new byte[4];
        Command.encode(Command.adcv(2, false, 0), frame);

        assertThat(HEX.formatHex(frame)).isEqualTo("03 60 F4 6C");
    }

    /** afe.md's worked example: GPIO5–3 pull-downs off, REFON, VUV 3.2992 V, VOV 4.0992 V, DCC1 on. */
    @Test
    void configurationGroupAEncodesTheWorkedExample() {
        byte[] group = new byte[8];
        Registers.encodeConfigA(group, 0, 0b11100, true, false, 0x80D, 0xA02, 0b1, 0);
        Pec15.append(group, 0, 6);

        assertThat(HEX.formatHex(group)).isEqualTo("E4 0D 28 A0 01 00 AD 6A");
        assertThat(Registers.vuv(3299)).isEqualTo(0x80C); // (0x80C + 1) × 1.6 mV = 3.2992 V
        assertThat((Registers.vuv(3300) + 1) * 16 / 10.0).isEqualTo(3299.2);
        assertThat(Registers.vov(4100) * 16 / 10.0).isEqualTo(4099.2);
        assertThat(Registers.vov(4100)).isEqualTo(0xA02);
    }

    @Test
    void configurationGroupADecodesTheWorkedExample() {
        Registers.ConfigA config = Registers.ConfigA.decode(HEX.parseHex("E4 0D 28 A0 01 00"), 0);

        assertThat(config).isEqualTo(new Registers.ConfigA(true, false, 0x80D, 0xA02, 0b1));
    }

    @Test
    void configurationGroupsRoundTrip() {
        byte[] a = new byte[6];
        Registers.encodeConfigA(a, 0, 0x1F, true, true, 0x123, 0xABC, 0xFFF, 7);
        assertThat(Registers.ConfigA.decode(a, 0)).isEqualTo(new Registers.ConfigA(true, true, 0x123, 0xABC, 0xFFF));

        byte[] b = new byte[6];
        int channels13To18 = 0b111111 << 12;
        Registers.encodeConfigB(b, 0, 0x1FF, channels13To18 | 0xFFF);
        assertThat(Registers.decodeConfigBDischarge(b, 0)).isEqualTo(channels13To18);
    }

    @Test
    void configurationGroupBCarriesChannels13To18AndGpio6To9() {
        byte[] group = new byte[6];
        Registers.encodeConfigB(group, 0, 0x1FF, 1 << 12 | 1 << 15 | 1 << 16 | 1 << 17);

        assertThat(HEX.formatHex(group)).isEqualTo("9F 03 00 00 00 00");
    }

    @Test
    void codesAreLowByteFirst() {
        byte[] group = HEX.parseHex("E8 80 01 00 FF FF");

        assertThat(Registers.code(group, 0, 0)).isEqualTo(0x80E8); // 3.2996 V
        assertThat(Registers.code(group, 0, 1)).isEqualTo(1);
        assertThat(Registers.code(group, 0, 2)).isEqualTo(Registers.CLEARED);
    }
}
