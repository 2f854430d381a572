package org.pibms.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.Origin;
import org.pibms.core.settings.Settings;
import org.pibms.core.settings.TemperatureSensorSettings;
import org.pibms.protocol.ant.AntRequest;
import org.pibms.protocol.ant.AntRequestParser;
import org.pibms.protocol.ant.AntServer;

/**
 * A million random and mutated frames into the ANT parser and server of a running daemon: no
 * exception escapes, no write reaches the control loop without the password, and the loop keeps
 * its period meanwhile.
 */
class AntFuzzTest {

    private static final int FRAMES = 1_000_000;
    private static final String PASSWORD = "Fz9#q!Lm";
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");
    /** Requests of both generations, the writes among them, to mutate. */
    private static final List<byte[]> SEEDS = List.of(
            hex("DB DB 00 00 00 00"), hex("5A 5A 00 00 01 01"), hex("5A 5A 03 00 00 03"),
            hex("A5 A5 F1 31 32 54"), hex("A5 A5 F4 37 38 63"), hex("A5 A5 FA 00 00 FA"), hex("A5 A5 F9 00 00 F9"),
            hex("A5 A5 03 0E 42 53"), hex("A5 A5 FC 00 00 FC"),
            hex("7E A1 01 00 00 BE 18 55 AA 55"), hex("7E A1 02 6C 02 20 58 C4 AA 55"),
            hex("7E A1 02 00 00 38 99 B3 AA 55"), hex("7E A1 22 00 00 02 42 0E BD EC AA 55"),
            hex("7E A1 51 04 00 00 C8 E4 AA 55"), hex("7E A1 51 01 00 00 D8 E5 AA 55"),
            hex("7E A1 51 0D 00 00 18 E6 AA 55"), hex("7E A1 04 00 00 0C 98 EC AA 55"),
            hex("7E A1 23 6A 01 0C 31 32 33 34 35 36 37 38 39 61 62 63 00 00 AA 55"));

    @TempDir
    java.nio.file.Path dir;

    @Test
    void randomAndMutatedFramesNeverEscapeNeverWriteAndNeverSlowTheLoop() throws Exception {
        Settings settings = TestConfigs.simulated(16, dir, "1");
        try (Daemon daemon = Daemon.start(settings)) {
            RefusingSink commands = new RefusingSink();
            AntServer server = new AntServer(new AntServer.Options(Optional.of(PASSWORD), true, true,
                    settings.pack().chemistry(), settings.temperatureSensors().stream()
                            .map(TemperatureSensorSettings::location).toList(), "PIBMS16S", "fuzz"),
                    daemon.snapshots(), commands, new Origin("ant", "fuzz"), 0);
            List<AntRequest> requests = new ArrayList<>();
            AntRequestParser parser = new AntRequestParser(requests::add);
            Random random = new Random(20261124);
            long ticksBefore = daemon.snapshots().latest().sequence();
            long overrunsBefore = daemon.overruns();
            long answered = 0;
            long replyBytes = 0;
            long started = System.nanoTime();
            for (int i = 0; i < FRAMES; i++) {
                byte[] frame = random.nextInt(4) == 0 ? randomFrame(random) : mutate(SEEDS.get(random.nextInt(
                        SEEDS.size())), random);
                int at = 0;
                while (at < frame.length) {
                    int chunk = 1 + random.nextInt(frame.length - at);
                    parser.accept(frame, at, chunk);
                    at += chunk;
                }
                if (random.nextInt(16) == 0) {
                    parser.idle();
                }
                for (AntRequest request : requests) {
                    replyBytes += server.answer(request, i).reply().length;
                    answered++;
                }
                requests.clear();
            }
            long elapsed_ms = (System.nanoTime() - started) / 1_000_000;
            long ticks = daemon.snapshots().latest().sequence() - ticksBefore;

            assertThat(commands.received.get()).as("writes that reached the control loop").isZero();
            assertThat(answered).as("requests answered").isGreaterThan(FRAMES / 4);
            assertThat(replyBytes).isPositive();
            assertThat(daemon.overruns() - overrunsBefore).as("deadlines the loop missed").isZero();
            // a 100 ms period: the loop ticked all along (a margin of two ticks for the edges)
            assertThat(ticks).as("ticks in %d ms", elapsed_ms)
                    .isGreaterThanOrEqualTo(elapsed_ms / settings.control().period_ms() - 2);
            System.out.printf("ant fuzz: %d frames, %d requests answered, %d reply bytes, %d parser rejections,"
                    + " %d ms, %d ticks, 0 writes%n", FRAMES, answered, replyBytes, parser.rejected(), elapsed_ms,
                    ticks);
        }
    }

    private static byte[] randomFrame(Random random) {
        byte[] frame = new byte[1 + random.nextInt(40)];
        random.nextBytes(frame);
        if (random.nextBoolean()) {
            byte[] start = random.nextBoolean() ? new byte[] {0x7E, (byte) 0xA1} : new byte[] {(byte) 0xA5, (byte) 0xA5};
            System.arraycopy(start, 0, frame, 0, Math.min(2, frame.length));
        }
        return frame;
    }

    /** Flips, replaces, drops, repeats or cuts bytes of a good frame; sometimes fixes its checksum after. */
    private static byte[] mutate(byte[] seed, Random random) {
        byte[] frame = seed.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && frame.length > 0; e++) {
            int at = random.nextInt(frame.length);
            switch (random.nextInt(5)) {
                case 0 -> frame[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> frame[at] = (byte) random.nextInt(256);
                case 2 -> frame = java.util.Arrays.copyOf(frame, at);
                case 3 -> {
                    byte[] longer = java.util.Arrays.copyOf(frame, frame.length * 2);
                    System.arraycopy(frame, 0, longer, frame.length, frame.length);
                    frame = longer;
                }
                default -> frame = java.util.Arrays.copyOfRange(frame, at, frame.length);
            }
        }
        if (frame.length == 6 && random.nextBoolean()) {
            frame[5] = (byte) (frame[2] + frame[3] + frame[4]);
        } else if (frame.length >= 10 && (frame[0] & 0xFF) == 0x7E && random.nextBoolean()) {
            int end = frame.length - 4;
            int crc = org.pibms.protocol.Crc16Modbus.of(frame, 1, end - 1);
            frame[end] = (byte) crc;
            frame[end + 1] = (byte) (crc >>> 8);
        }
        return frame;
    }

    private static byte[] hex(String text) {
        return HEX.parseHex(text);
    }

    @Test
    void thePasswordUsedHereIsNotOneTheSeedsCarry() {
        for (byte[] seed : SEEDS) {
            assertThat(new String(seed, StandardCharsets.ISO_8859_1)).doesNotContain(PASSWORD);
        }
    }
}
