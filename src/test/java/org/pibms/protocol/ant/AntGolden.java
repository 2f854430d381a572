package org.pibms.protocol.ant;

import java.util.HexFormat;
import java.util.List;

/** The real frames of ../shared/reference/ant-protocol.md §6, as the captures hold them. */
final class AntGolden {

    private AntGolden() {
    }

    /** §6.1.1: 14S, 2019 board, reply to DB DB 00 00 00 00. */
    static final byte[] OLD_14S = hex("""
            AA 55 AA FF 01 E8 0D AA 0D 9C 0D A4 0D 8E 0D 9C 0D 90 0D B4 0D 97 0D B5 0D B5 0D A8 0D 91
            0D 9E 0D 8C 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
            00 00 00 00 00 00 00 00 00 00 00 00 00 50 29 0A 21 FE 80 04 19 58 93 00 A9 84 0F 00 FA 08
            31 00 16 00 15 00 15 00 15 00 15 00 15 01 01 00 03 E8 00 17 00 00 00 01 86 09 0D B5 0E 0D
            8C 0D 9F 0E 00 00 00 70 00 6B 02 AC 00 00 00 00 40 01 15 F4""");

    /** §6.1.2: 16S, 2021 board answering the old protocol. */
    static final byte[] OLD_16S = hex("""
            AA 55 AA FF 02 7D 0F 8F 0F 8F 0F 8E 0F 8D 0F 8D 0F 8F 0F 90 0F 90 0F 8E 0F 90 0F 8F 0F 8C
            0F 8C 0F 8E 0F 8D 0F 8F 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
            00 00 00 00 00 00 00 00 00 00 00 00 00 00 54 0D F2 8E 80 0B A4 F0 4E 00 04 34 E2 00 17 B7
            66 00 17 00 19 00 15 00 16 FF D8 FF D8 01 01 00 00 00 00 00 FF 00 00 00 00 07 0F 90 10 0F
            8C 0F 8E 10 00 02 00 7F 00 7B 02 AF 00 00 00 00 00 00 19 A4""");

    /** §6.2.1: 16S/2T status, ANT-BLE16ZMUB. */
    static final byte[] NEW_16S = hex("""
            7E A1 11 00 00 8E 05 01 02 10 00 00 00 00 00 00 00 00 80 00 80 01 00 00 00 00 00 00 00 00
            00 00 00 00 E4 0C E4 0C E5 0C E5 0C E8 0C E7 0C E7 0C E6 0C E8 0C E7 0C E7 0C E7 0C E7 0C
            E7 0C E6 0C E9 0C 01 00 02 00 02 00 07 00 A4 14 03 00 5B 00 64 00 01 01 00 00 00 76 B0 10
            D5 67 0E 0F BA 32 4A 00 0F 00 00 00 10 58 2E 02 00 00 00 00 E9 0C 10 00 E4 0C 01 00 05 00
            E6 0C 00 00 80 00 7A 00 0F 02 F2 FA B9 8C 3B 00 BB D8 58 00 DA 2D 43 00 E8 B6 49 00 05 43
            AA 55""");

    /** §6.2.2: 14S/4T status, all cells 4.113 V, one probe absent. */
    static final byte[] NEW_14S = hex("""
            7E A1 11 00 00 8E 05 01 04 0E 02 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00
            00 00 00 00 11 10 11 10 11 10 11 10 11 10 11 10 11 10 11 10 11 10 11 10 11 10 11 10 11 10
            11 10 1C 00 1C 00 D8 FF 1C 00 1C 00 1C 00 7E 16 00 00 60 00 64 00 01 02 00 00 80 C3 C9 01
            4F 55 B3 01 08 53 00 00 00 00 00 00 6B 28 12 00 00 00 00 00 11 10 01 00 11 10 01 00 00 00
            11 10 02 00 70 00 03 00 AC 02 F1 FA 7D 2E 00 00 94 77 00 00 DE 07 00 00 77 76 00 00 35 E2
            AA 55""");

    /** §6.2.3: 22S/4T LTO status while balancing. */
    static final byte[] NEW_22S = hex("""
            7E A1 11 00 00 9E 05 01 04 16 00 00 00 00 00 00 00 00 00 30 80 21 00 00 00 00 00 00 00 00
            00 00 00 00 DF 08 AE 08 D7 08 CD 08 A6 08 A6 08 A6 08 A6 08 70 08 70 08 70 08 A8 08 88 08
            A9 08 A6 08 A6 08 A6 08 A8 08 A6 08 A6 08 A6 08 D7 08 19 00 19 00 1A 00 19 00 1C 00 22 00
            08 13 00 00 00 00 64 00 01 01 04 00 00 B4 C4 04 5D 2E 13 00 96 AC DB 00 00 00 00 00 E0 A4
            A6 03 FF E8 3F 00 DF 08 01 00 70 08 09 00 6F 00 A6 08 00 00 6C 00 69 00 AF 02 F3 FA D2 52
            D8 00 5A 06 DF 00 E7 9E 5B 00 4A 10 8D 00 A3 C6 AA 55""");

    /** §6.2.5: device info of a 16ZM. */
    static final byte[] DEVICE_INFO = hex("""
            7E A1 12 6C 02 20 31 36 5A 4D 00 00 00 00 00 00 00 00 00 00 00 00 31 36 5A 4D 55 42
            30 30 2D 32 31 31 30 32 36 41 72 08 FF 0B 00 00 41 F2 AA 55""");

    /** §6.2.6: a 56-byte settings read from 0x0000. */
    static final byte[] SETTINGS_0000 = hex("""
            7E A1 12 00 00 38 42 0E DE 0D D8 0E 74 0E 60 02 48 02 34 08 C4 09 D0 07 C4 09 C8 00
            C8 00 20 03 58 02 FF FF FF FF 10 0E AC 0D 48 02 28 02 B8 0B 1C 0C C8 00 C8 00 58 02
            90 01 FF FF FF FF D9 44 FF 0B 00 00 41 F2 AA 55""");

    /** §6.2.6 and §6.2.7: request → reply pairs of the captures. */
    record Exchange(String what, byte[] request, byte[] reply) {
    }

    static final List<Exchange> EXCHANGES = List.of(
            new Exchange("device info", hex("7E A1 02 6C 02 20 58 C4 AA 55"), DEVICE_INFO),
            new Exchange("settings read 0x0000", hex("7E A1 02 00 00 38 99 B3 AA 55"), SETTINGS_0000),
            new Exchange("write 0x0000 = 3.650 V", hex("7E A1 22 00 00 02 42 0E BD EC AA 55"),
                    hex("7E A1 42 00 00 02 42 0E B4 4C FF 0A 00 00 10 32 AA 55")),
            new Exchange("save", hex("7E A1 51 07 00 00 38 E4 AA 55"), hex("7E A1 61 07 00 02 01 00 B6 2B AA 55")),
            new Exchange("write 0x0002 = 3.550 V", hex("7E A1 22 02 00 02 DE 0D ED 2D AA 55"),
                    hex("7E A1 42 02 00 02 DE 0D E4 8D FF 0A 00 00 10 32 AA 55")),
            new Exchange("clear system log", hex("7E A1 51 0F 00 00 B9 26 AA 55"),
                    hex("7E A1 61 0F 00 02 03 00 56 8A AA 55")),
            new Exchange("permission", hex("7E A1 04 00 00 0C 98 EC AA 55"),
                    hex("7E A1 14 00 00 0C 40 70 3B 18 DC 8F 9E 11 37 42 84 01 A8 F9 AA 55")),
            new Exchange("balance on", hex("7E A1 51 0D 00 00 18 E6 AA 55"), hex("7E A1 61 0D 00 02 01 00 2E 2A AA 55")),
            new Exchange("balance off", hex("7E A1 51 0E 00 00 E8 E6 AA 55"), hex("7E A1 61 0E 00 02 01 00 6A 2A AA 55")),
            new Exchange("buzzer on", hex("7E A1 51 1E 00 00 E9 23 AA 55"), hex("7E A1 61 1E 00 02 01 00 AB E9 AA 55")),
            new Exchange("buzzer off", hex("7E A1 51 1F 00 00 B8 E3 AA 55"), hex("7E A1 61 1F 00 02 01 00 96 29 AA 55")),
            new Exchange("charge MOS on", hex("7E A1 51 06 00 00 69 24 AA 55"),
                    hex("7E A1 61 06 00 02 01 00 8B EB AA 55")),
            new Exchange("discharge MOS on", hex("7E A1 51 03 00 00 79 25 AA 55"),
                    hex("7E A1 61 03 00 02 01 00 47 EB AA 55")),
            new Exchange("charge MOS off", hex("7E A1 51 04 00 00 C8 E4 AA 55"),
                    hex("7E A1 61 04 00 02 01 00 F2 2B AA 55")),
            new Exchange("discharge MOS off", hex("7E A1 51 01 00 00 D8 E5 AA 55"),
                    hex("7E A1 61 01 00 02 01 00 3E 2B AA 55")));

    /** §6.2.7: the captured authentication ACK. */
    static final byte[] AUTH_ACK = hex("7E A1 43 6A 01 02 05 00 1E 5C AA 55");

    /** Every request the reference shows, old and new: §2.2, §3.2, §3.8, §6. */
    static final List<byte[]> REQUESTS = List.of(
            hex("DB DB 00 00 00 00"), hex("5A 5A 00 00 01 01"), hex("5A 5A 00 00 00 00"), hex("5A 5A FF 00 00 FF"),
            hex("5A 5A 1F 00 00 1F"), hex("5A 5A 20 00 00 20"),
            hex("A5 A5 F1 31 32 54"), hex("A5 A5 F2 33 34 59"), hex("A5 A5 F3 35 36 5E"), hex("A5 A5 F4 37 38 63"),
            hex("A5 A5 F5 00 01 F6"), hex("A5 A5 FA 00 01 FB"), hex("A5 A5 FA 00 00 FA"), hex("A5 A5 F9 00 01 FA"),
            hex("A5 A5 FF 00 00 FF"),
            hex("7E A1 01 00 00 BE 18 55 AA 55"), hex("7E A1 02 6C 02 20 58 C4 AA 55"),
            hex("7E A1 02 00 00 38 99 B3 AA 55"), hex("7E A1 22 00 00 02 42 0E BD EC AA 55"),
            hex("7E A1 51 07 00 00 38 E4 AA 55"), hex("7E A1 22 02 00 02 DE 0D ED 2D AA 55"),
            hex("7E A1 51 0F 00 00 B9 26 AA 55"), hex("7E A1 04 00 00 0C 98 EC AA 55"),
            hex("7E A1 02 00 00 02 19 A0 AA 55"), hex("7E A1 02 A2 00 04 38 40 AA 55"),
            hex("7E A1 51 01 00 00 D8 E5 AA 55"), hex("7E A1 51 03 00 00 79 25 AA 55"),
            hex("7E A1 51 04 00 00 C8 E4 AA 55"), hex("7E A1 51 06 00 00 69 24 AA 55"),
            hex("7E A1 51 08 00 00 08 E7 AA 55"), hex("7E A1 51 09 00 00 59 27 AA 55"),
            hex("7E A1 51 0B 00 00 F8 E7 AA 55"), hex("7E A1 51 0C 00 00 49 26 AA 55"),
            hex("7E A1 51 0D 00 00 18 E6 AA 55"), hex("7E A1 51 0E 00 00 E8 E6 AA 55"),
            hex("7E A1 51 10 00 00 88 E0 AA 55"), hex("7E A1 51 1C 00 00 48 E3 AA 55"),
            hex("7E A1 51 1D 00 00 19 23 AA 55"), hex("7E A1 51 1E 00 00 E9 23 AA 55"),
            hex("7E A1 51 1F 00 00 B8 E3 AA 55"), hex("7E A1 51 20 00 00 88 EF AA 55"),
            hex("7E A1 51 21 00 00 D9 2F AA 55"), hex("7E A1 51 22 00 00 29 2F AA 55"),
            hex("7E A1 51 23 00 00 78 EF AA 55"), hex("7E A1 51 24 00 00 C9 2E AA 55"),
            hex("7E A1 51 25 00 00 98 EE AA 55"), hex("7E A1 51 2A 00 00 A8 ED AA 55"),
            hex("7E A1 51 2C 00 00 48 EC AA 55"));

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes);
    }
}
