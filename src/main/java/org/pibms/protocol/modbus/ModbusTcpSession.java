package org.pibms.protocol.modbus;

import java.util.Arrays;
import org.pibms.protocol.StreamServer;

/**
 * Modbus TCP on one connection: each request is an MBAP header (transaction, protocol 0, length,
 * unit) and a PDU. The IP address names the device, so every unit id is answered as this one, and
 * there is no broadcast. A header that is not Modbus (protocol id not 0, a length outside 2..254)
 * hangs up: a TCP stream has no silence to find the next frame by.
 */
public final class ModbusTcpSession implements StreamServer {

    static final int HEADER = 7;
    static final int MAX_LENGTH = 254;

    private final ModbusServer server;
    private final byte[] frame = new byte[HEADER - 1 + MAX_LENGTH];
    private final byte[] reply = new byte[HEADER + ModbusServer.MAX_RESPONSE];
    private int length;

    public ModbusTcpSession(ModbusServer server) {
        this.server = server;
    }

    @Override
    public String protocol() {
        return "Modbus TCP";
    }

    @Override
    public void received(byte[] data, int count, long now_ns, Replies replies) {
        int taken = 0;
        while (taken < count) {
            int n = Math.min(count - taken, frame.length - length);
            System.arraycopy(data, taken, frame, length, n);
            length += n;
            taken += n;
            if (!answerComplete(replies)) {
                return;
            }
        }
    }

    /** @return false when the stream is not Modbus and the connection is to be dropped */
    private boolean answerComplete(Replies replies) {
        while (length >= HEADER) {
            int protocolId = u16(frame, 2);
            int size = u16(frame, 4);
            if (protocolId != 0 || size < 2 || size > MAX_LENGTH) {
                length = 0;
                replies.hangUp("not a Modbus TCP request (protocol id " + protocolId + ", length " + size + ")");
                return false;
            }
            int end = HEADER - 1 + size;
            if (length < end) {
                return true;
            }
            int pdu = server.answer(frame, HEADER, size - 1, false, reply, HEADER);
            if (server.refusal() != null) {
                replies.refused(server.refusal());
            }
            if (pdu > 0) {
                System.arraycopy(frame, 0, reply, 0, 4);
                reply[4] = (byte) ((pdu + 1) >>> 8);
                reply[5] = (byte) (pdu + 1);
                reply[6] = frame[6];
                replies.send(Arrays.copyOf(reply, HEADER + pdu));
            }
            System.arraycopy(frame, end, frame, 0, length - end);
            length -= end;
        }
        return true;
    }

    @Override
    public void quiet(long now_ns, Replies replies) {
        // A TCP request may arrive in pieces with any pause between them: the length field frames it.
    }

    private static int u16(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 8 | bytes[at + 1] & 0xFF;
    }
}
