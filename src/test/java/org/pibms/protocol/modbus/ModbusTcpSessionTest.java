package org.pibms.protocol.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pibms.core.Origin;

/** MBAP framing: requests in pieces or together, any unit id, and a stream that is not Modbus. */
class ModbusTcpSessionTest {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

    private final ModbusServer server = new ModbusServer(new SunSpecMap(ModbusServerTest.DEVICE),
            ModbusServerTest::snapshot, new ModbusServerTest.Sink(), new Origin("modbus-tcp", "test"), false);
    private final ModbusTcpSession session = new ModbusTcpSession(server);
    private final RecordingReplies replies = new RecordingReplies();
    private final List<String> sent = replies.sent;
    private final List<String> hungUp = replies.hungUp;

    private void receive(String hex) {
        byte[] bytes = HEX.parseHex(hex);
        session.received(bytes, bytes.length, 0, replies);
    }

    @Test
    void aReadIsAnsweredWithTheTransactionAndUnitEchoed() {
        receive("12 34 00 00 00 06 FF 03 9C 40 00 02");
        assertThat(sent).containsExactly("12 34 00 00 00 07 FF 03 04 53 75 6E 53");
    }

    @Test
    void everyUnitIdIsThisDevice() {
        receive("00 01 00 00 00 06 00 03 9C 40 00 01");
        receive("00 02 00 00 00 06 01 03 9C 40 00 01");
        assertThat(sent).containsExactly("00 01 00 00 00 05 00 03 02 53 75", "00 02 00 00 00 05 01 03 02 53 75");
    }

    @Test
    void requestsInPiecesAndTogetherAreEachAnswered() {
        String two = "00 01 00 00 00 06 01 03 9C 40 00 01 00 02 00 00 00 06 01 04 9C 41 00 01";
        byte[] bytes = HEX.parseHex(two);
        for (int cut = 1; cut < bytes.length; cut++) {
            sent.clear();
            session.received(bytes, cut, 0, replies);
            byte[] rest = java.util.Arrays.copyOfRange(bytes, cut, bytes.length);
            session.received(rest, rest.length, 0, replies);
            assertThat(sent).as("cut at %d", cut).containsExactly("00 01 00 00 00 05 01 03 02 53 75",
                    "00 02 00 00 00 05 01 04 02 6E 53");
        }
    }

    @Test
    void exceptionsAndWritesWithWritesDisabled() {
        receive("00 07 00 00 00 06 01 03 00 00 00 01");
        receive("00 08 00 00 00 06 01 06 9C B8 00 01");
        receive("00 09 00 00 00 02 01 41");
        assertThat(sent).containsExactly("00 07 00 00 00 03 01 83 02", "00 08 00 00 00 03 01 86 01",
                "00 09 00 00 00 03 01 C1 01");
    }

    @Test
    void aStreamThatIsNotModbusHangsUp() {
        receive("47 45 54 20 2F 20 48 54 54 50");
        assertThat(hungUp).containsExactly("not a Modbus TCP request (protocol id 21536, length 12064)");
        assertThat(sent).isEmpty();
        hungUp.clear();
        ModbusTcpSession fresh = new ModbusTcpSession(server);
        byte[] tooLong = HEX.parseHex("00 01 00 00 01 00 01 03");
        fresh.received(tooLong, tooLong.length, 0, replies);
        assertThat(hungUp).singleElement().asString().contains("length 256");
        receive("00 01 00 00 00 01 01");
        assertThat(hungUp).hasSize(2).last().asString().contains("length 1");
    }
}
