package org.pibms.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.Origin;
import org.pibms.core.PackSnapshot;
import org.pibms.core.settings.Settings;
import org.pibms.protocol.Crc16Modbus;
import org.pibms.protocol.StreamServer;
import org.pibms.protocol.modbus.ModbusRtuSession;
import org.pibms.protocol.modbus.ModbusServer;
import org.pibms.protocol.modbus.ModbusTcpSession;
import org.pibms.protocol.modbus.SunSpecMap;

/**
 * Random and mutated RTU and TCP frames into Modbus sessions reading a running daemon, with writes
 * disabled as they are by default: no exception escapes, only a TCP stream that is not Modbus is hung up on, no
 * command reaches the control loop, the pack's switches do not move, and the loop keeps its period.
 */
class ModbusFuzzTest {

    private static final int FRAMES = 500_000;
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");
    /** PDUs to mutate: reads across the map, the writable points, and writes of read-only ones. */
    private static final List<byte[]> SEEDS = List.of(
            hex("03 9C 40 00 7D"), hex("04 9C 40 00 02"), hex("03 9C 42 00 44"), hex("03 9C 88 00 7D"),
            hex("06 9C B8 00 02"), hex("06 9C 9A 00 01"), hex("10 9C B8 00 01 02 00 02"),
            hex("10 9C 9A 00 04 08 00 01 00 04 00 63 00 00"), hex("06 9C 40 00 00"), hex("2B 0E 01 00"),
            hex("10 9C C8 00 02 04 00 00 0E 10"), hex("01 00 00 00 10"), hex("0F 00 00 00 08 01 FF"),
            hex("17 9C 40 00 01 9C B8 00 01 02 00 02"));

    @TempDir
    java.nio.file.Path dir;

    private static final class Counted implements StreamServer.Replies {
        long frames;
        long bytes;
        final List<String> hungUp = new java.util.ArrayList<>();

        @Override
        public void send(byte[] frame) {
            frames++;
            bytes += frame.length;
        }

        @Override
        public void refused(String why) {
        }

        @Override
        public void hangUp(String why) {
            hungUp.add(why);
        }
    }

    @Test
    void randomAndMutatedFramesNeverEscapeNeverWriteAndNeverSlowTheLoop() throws Exception {
        Settings settings = TestConfigs.simulated(16, dir, "1");
        try (Daemon daemon = Daemon.start(settings)) {
            RefusingSink sink = new RefusingSink();
            SunSpecMap map = new SunSpecMap(new SunSpecMap.Device("pibms 16S LFP", "fuzz", "fuzz", 1, 16, 51_200,
                    settings.temperatureSensors(), false));
            ModbusRtuSession rtu = new ModbusRtuSession(new ModbusServer(map, daemon.snapshots(), sink,
                    new Origin("modbus", "fuzz"), false), 1, 19_200);
            ModbusServer tcpServer = new ModbusServer(map, daemon.snapshots(), sink, new Origin("modbus-tcp", "fuzz"),
                    false);
            ModbusTcpSession tcp = new ModbusTcpSession(tcpServer);
            Counted rtuReplies = new Counted();
            Counted tcpReplies = new Counted();
            long tcpDropped = 0;
            Random random = new Random(20261124);
            PackSnapshot before = daemon.snapshots().latest();
            long overrunsBefore = daemon.overruns();
            long started = System.nanoTime();
            long now_ns = 0;
            for (int i = 0; i < FRAMES; i++) {
                byte[] pdu = random.nextInt(4) == 0 ? randomBytes(random, 1 + random.nextInt(30))
                        : mutate(SEEDS.get(random.nextInt(SEEDS.size())), random);
                byte[] rtuFrame = rtuFrame(pdu, random);
                int at = 0;
                while (at < rtuFrame.length) {
                    int chunk = 1 + random.nextInt(rtuFrame.length - at);
                    now_ns += random.nextInt(8) == 0 ? 5_000_000 : 100_000;
                    rtu.received(Arrays.copyOfRange(rtuFrame, at, at + chunk), chunk, now_ns, rtuReplies);
                    at += chunk;
                }
                if (random.nextInt(16) == 0) {
                    rtu.quiet(now_ns, rtuReplies);
                }
                byte[] tcpFrame = tcpFrame(pdu, random);
                tcp.received(tcpFrame, tcpFrame.length, now_ns, tcpReplies);
                if (!tcpReplies.hungUp.isEmpty()) {
                    tcpReplies.hungUp.clear();
                    tcpDropped++;
                    tcp = new ModbusTcpSession(tcpServer);
                }
            }
            long elapsed_ms = (System.nanoTime() - started) / 1_000_000;
            PackSnapshot after = daemon.snapshots().latest();

            assertThat(sink.received.get()).as("commands that reached the control loop").isZero();
            assertThat(rtuReplies.hungUp).as("the RTU session never hangs up").isEmpty();
            assertThat(rtuReplies.frames).as("RTU answers").isGreaterThan(FRAMES / 10);
            assertThat(tcpReplies.frames).as("TCP answers").isGreaterThan(FRAMES / 4);
            assertThat(after.chargeManualOff() || after.dischargeManualOff()).isFalse();
            assertThat(after.chargeMos()).isEqualTo(before.chargeMos());
            assertThat(daemon.overruns() - overrunsBefore).as("deadlines the loop missed").isZero();
            long ticks = after.sequence() - before.sequence();
            assertThat(ticks).as("ticks in %d ms", elapsed_ms)
                    .isGreaterThanOrEqualTo(elapsed_ms / settings.control().period_ms() - 2);
            System.out.printf("modbus fuzz: %d frames each way, RTU: %d valid frames, %d answers (%d bytes); TCP: %d"
                    + " answers (%d bytes), %d connections dropped; %d ms, %d ticks, 0 commands%n", FRAMES,
                    rtu.requests(), rtuReplies.frames, rtuReplies.bytes, tcpReplies.frames, tcpReplies.bytes,
                    tcpDropped, elapsed_ms, ticks);
        }
    }

    /** Unit 1 mostly (sometimes 0 or another), a PDU, and usually its CRC; sometimes noise around it. */
    private static byte[] rtuFrame(byte[] pdu, Random random) {
        int unit = switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> random.nextInt(256);
            default -> 1;
        };
        byte[] frame = new byte[1 + pdu.length + 2];
        frame[0] = (byte) unit;
        System.arraycopy(pdu, 0, frame, 1, pdu.length);
        int crc = random.nextInt(8) == 0 ? random.nextInt(0x10000) : Crc16Modbus.of(frame, 0, 1 + pdu.length);
        frame[frame.length - 2] = (byte) crc;
        frame[frame.length - 1] = (byte) (crc >>> 8);
        if (random.nextInt(8) == 0) {
            byte[] noise = randomBytes(random, 1 + random.nextInt(8));
            byte[] noisy = Arrays.copyOf(noise, noise.length + frame.length);
            System.arraycopy(frame, 0, noisy, noise.length, frame.length);
            return noisy;
        }
        return frame;
    }

    /** An MBAP header that mostly fits the PDU, sometimes not (a wrong length or protocol id). */
    private static byte[] tcpFrame(byte[] pdu, Random random) {
        byte[] frame = new byte[7 + pdu.length];
        frame[0] = (byte) random.nextInt(256);
        frame[1] = (byte) random.nextInt(256);
        int length = random.nextInt(32) == 0 ? random.nextInt(300) : pdu.length + 1;
        frame[2] = 0;
        frame[3] = (byte) (random.nextInt(64) == 0 ? 1 : 0);
        frame[4] = (byte) (length >>> 8);
        frame[5] = (byte) length;
        frame[6] = (byte) random.nextInt(256);
        System.arraycopy(pdu, 0, frame, 7, pdu.length);
        return frame;
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] pdu = seed.clone();
        int edits = random.nextInt(3);
        for (int e = 0; e < edits && pdu.length > 0; e++) {
            int at = random.nextInt(pdu.length);
            switch (random.nextInt(4)) {
                case 0 -> pdu[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> pdu[at] = (byte) random.nextInt(256);
                case 2 -> pdu = Arrays.copyOf(pdu, Math.max(1, at));
                default -> pdu = Arrays.copyOf(pdu, pdu.length + 1 + random.nextInt(4));
            }
        }
        return pdu;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] hex(String text) {
        return HEX.parseHex(text);
    }
}
