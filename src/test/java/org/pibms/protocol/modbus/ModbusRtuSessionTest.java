package org.pibms.protocol.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pibms.core.Origin;
import org.pibms.protocol.Crc16Modbus;

/** RTU framing: requests split anywhere, noise before them, silences, other units and broadcasts. */
class ModbusRtuSessionTest {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();
    private static final long T35_AT_19200_ns = 2_005_208;

    private final ModbusServerTest.Sink sink = new ModbusServerTest.Sink();
    private final ModbusServer server = new ModbusServer(new SunSpecMap(ModbusServerTest.DEVICE),
            ModbusServerTest::snapshot, sink, new Origin("modbus", "test"), true);
    private final ModbusRtuSession session = new ModbusRtuSession(server, 7, 19_200);
    private final RecordingReplies replies = new RecordingReplies();
    private final List<String> sent = replies.sent;
    private final List<String> refused = replies.refused;
    private final List<String> hungUp = replies.hungUp;
    private long now_ns = 1_000_000_000L;

    /** A request with its CRC appended. */
    static byte[] frame(String hex) {
        byte[] body = HEX.parseHex(hex);
        byte[] frame = Arrays.copyOf(body, body.length + 2);
        int crc = Crc16Modbus.of(body, 0, body.length);
        frame[body.length] = (byte) crc;
        frame[body.length + 1] = (byte) (crc >>> 8);
        return frame;
    }

    private void receive(byte[] bytes, long after_ns) throws Exception {
        now_ns += after_ns;
        session.received(bytes, bytes.length, now_ns, replies);
    }

    private void receive(byte[] bytes) throws Exception {
        receive(bytes, 100_000);
    }

    private static byte[] concat(byte[]... parts) {
        byte[] all = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void theSilenceIsThreeAndAHalfElevenBitCharactersUpTo19200Baud() {
        assertThat(ModbusRtuSession.silence_ns(19_200)).isEqualTo(T35_AT_19200_ns);
        assertThat(ModbusRtuSession.silence_ns(9600)).isEqualTo(4_010_417);
        assertThat(ModbusRtuSession.silence_ns(115_200)).isEqualTo(1_750_000);
    }

    @Test
    void aReadIsAnsweredWithTheUnitIdAndAValidCrc() throws Exception {
        receive(frame("07 03 9C 40 00 02"));
        assertThat(sent).containsExactly(HEX.formatHex(frame("07 03 04 53 75 6E 53")));
    }

    @Test
    void aRequestSplitAtEveryByteIsAnsweredOnce() throws Exception {
        List<byte[]> requests = List.of(frame("07 03 9C 40 00 02"), frame("07 10 9C B8 00 01 02 00 01"),
                frame("07 2B 0E 01 00"));
        for (byte[] request : requests) {
            for (int cut = 1; cut < request.length; cut++) {
                sent.clear();
                receive(Arrays.copyOfRange(request, 0, cut));
                receive(Arrays.copyOfRange(request, cut, request.length));
                session.quiet(now_ns, replies);
                assertThat(sent).as("%s cut at %d", HEX.formatHex(request), cut).hasSize(1);
            }
        }
    }

    @Test
    void aRequestFedOneByteAtATimeAcrossLongPausesIsStillFoundByItsCrc() throws Exception {
        // a USB adapter that holds bytes back (an FTDI's 16 ms latency timer) must not lose frames
        byte[] request = frame("07 03 9C 40 00 02");
        for (byte b : request) {
            receive(new byte[] {b}, 16_000_000);
        }
        assertThat(sent).hasSize(1);
    }

    @Test
    void noiseBeforeARequestIsSkipped() throws Exception {
        Random random = new Random(9);
        for (int i = 0; i < 200; i++) {
            byte[] noise = new byte[1 + random.nextInt(20)];
            random.nextBytes(noise);
            sent.clear();
            receive(concat(noise, frame("07 03 9C 40 00 02")));
            session.quiet(now_ns, replies);
            assertThat(sent).as("after noise %s", HEX.formatHex(noise)).contains(HEX.formatHex(frame(
                    "07 03 04 53 75 6E 53")));
        }
    }

    @Test
    void afterASilenceTheNextBytesStartAFreshFrame() throws Exception {
        // a half request, then silence, then a whole one: the half is dropped at once
        receive(HEX.parseHex("07 10 9C 40 00 7B F6 00"));
        receive(frame("07 03 9C 40 00 02"), 3 * T35_AT_19200_ns);
        assertThat(sent).containsExactly(HEX.formatHex(frame("07 03 04 53 75 6E 53")));
    }

    @Test
    void backToBackRequestsInOneBurstAreEachAnswered() throws Exception {
        receive(concat(frame("07 03 9C 40 00 01"), frame("07 03 9C 41 00 01"), frame("07 04 9C 42 00 01")));
        assertThat(sent).containsExactly(HEX.formatHex(frame("07 03 02 53 75")), HEX.formatHex(frame("07 03 02 6E 53")),
                HEX.formatHex(frame("07 04 02 00 01")));
    }

    @Test
    void aBurstOfRequestsLongerThanTheBufferLosesNone() throws Exception {
        byte[][] requests = new byte[100][];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = frame("07 03 9C 40 00 01");
        }
        receive(concat(requests));
        assertThat(sent).hasSize(100).containsOnly(HEX.formatHex(frame("07 03 02 53 75")));
    }

    @Test
    void otherUnitsAreIgnoredAndABroadcastWriteRunsUnanswered() throws Exception {
        receive(frame("08 03 9C 40 00 02"));
        receive(frame("00 03 9C 40 00 02"));
        assertThat(sent).isEmpty();
        assertThat(session.requests()).isEqualTo(2);
        receive(frame("00 06 9C B8 00 02"));
        assertThat(sent).isEmpty();
        assertThat(sink.received).hasSize(2);
        receive(frame("08 06 9C B8 00 02"));
        assertThat(sink.received).hasSize(2);
    }

    @Test
    void aBadCrcIsNotAnswered() throws Exception {
        byte[] request = frame("07 03 9C 40 00 02");
        request[7] ^= 1;
        receive(request);
        session.quiet(now_ns, replies);
        assertThat(sent).isEmpty();
        receive(frame("07 03 9C 40 00 02"));
        assertThat(sent).hasSize(1);
    }

    @Test
    void anUnknownFunctionEndsAtTheSilenceAndIsAnIllegalFunction() throws Exception {
        receive(frame("07 41 01 02 03"));
        assertThat(sent).isEmpty();
        session.quiet(now_ns, replies);
        assertThat(sent).containsExactly(HEX.formatHex(frame("07 C1 01")));
        sent.clear();
        receive(frame("07 41 01 02 03"));
        receive(frame("07 03 9C 40 00 01"), 3 * T35_AT_19200_ns);
        assertThat(sent).containsExactly(HEX.formatHex(frame("07 C1 01")), HEX.formatHex(frame("07 03 02 53 75")));
    }

    @Test
    void refusedWritesAreReported() throws Exception {
        receive(frame("07 06 9C B8 00 09"));
        assertThat(sent).containsExactly(HEX.formatHex(frame("07 86 03")));
        assertThat(refused).singleElement().asString().contains("SetOp takes");
    }

    @Test
    void aFloodLongerThanAnyFrameNeverOverflows() throws Exception {
        byte[] flood = new byte[10_000];
        Arrays.fill(flood, (byte) 0x07);
        receive(flood);
        receive(frame("07 03 9C 40 00 01"), 3 * T35_AT_19200_ns);
        session.quiet(now_ns, replies);
        assertThat(sent).contains(HEX.formatHex(frame("07 03 02 53 75")));
        assertThat(hungUp).as("a serial line is never hung up on").isEmpty();
    }
}
