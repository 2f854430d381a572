package org.pibms.protocol.modbus;

import java.util.Arrays;
import org.pibms.protocol.Crc16Modbus;
import org.pibms.protocol.StreamServer;

/**
 * Modbus RTU on one serial line. A request ends where its function code says it does (the data
 * lengths are fixed or carried in a byte-count field), so bursts from USB adapters and ptys are
 * cut correctly; the 3.5-character silence decides the rest:
 *
 * <ul>
 *   <li>bytes after a silence of at least t3.5 begin a new frame, unless they complete the frame
 *       before the silence with a valid CRC (a USB adapter may deliver one frame in two bursts);</li>
 *   <li>a request with a function code of unknown length ends at the next silence, and is answered
 *       "illegal function" when its CRC holds;</li>
 *   <li>a bad CRC drops the frame's first byte (or everything before the silence) and the search
 *       goes on in the bytes that follow, so a request right after line noise is still found.</li>
 * </ul>
 *
 * Requests for another unit id are read and ignored; broadcasts (unit 0) are carried out and
 * never answered, as the serial line specification says.
 */
public final class ModbusRtuSession implements StreamServer {

    /** The longest RTU frame: address, 253-byte PDU, CRC. */
    static final int MAX_FRAME = 256;
    private static final int UNKNOWN_LENGTH = 0;
    private static final int NEED_MORE = -1;

    private final ModbusServer server;
    private final int unitId;
    private final long silence_ns;
    private final byte[] frame = new byte[MAX_FRAME];
    private final byte[] reply = new byte[1 + ModbusServer.MAX_RESPONSE + 2];
    private int length;
    /** Where the bytes after the last silence begin in {@link #frame}; 0 = no silence inside it. */
    private int afterSilence;
    private long lastByte_ns;
    private long requests;

    /** @param baud the line's rate, for t3.5: 3.5 eleven-bit characters, and 1.75 ms above 19200 baud */
    public ModbusRtuSession(ModbusServer server, int unitId, int baud) {
        this.server = server;
        this.unitId = unitId;
        this.silence_ns = silence_ns(baud);
    }

    static long silence_ns(int baud) {
        return baud > 19_200 ? 1_750_000 : Math.round(3.5 * 11 * 1e9 / baud);
    }

    @Override
    public String protocol() {
        return "Modbus RTU as unit " + unitId;
    }

    /** Frames with a valid CRC seen so far, for any unit. */
    public long requests() {
        return requests;
    }

    @Override
    public void received(byte[] data, int count, long now_ns, Replies replies) {
        if (length > 0 && now_ns - lastByte_ns >= silence_ns) {
            afterSilence = length;
        }
        lastByte_ns = now_ns;
        for (int i = 0; i < count; i++) {
            if (length == MAX_FRAME) {
                // answer what is complete first: a burst of requests longer than the buffer loses none
                scan(false, replies);
                if (length == MAX_FRAME) {
                    drop();
                    scan(false, replies);
                }
            }
            frame[length++] = data[i];
        }
        scan(false, replies);
    }

    @Override
    public void quiet(long now_ns, Replies replies) {
        if (length > 0) {
            scan(true, replies);
        }
    }

    /**
     * Answers every complete frame at the start of the buffer.
     *
     * @param ended the line has gone quiet: what is here is all there is
     */
    private void scan(boolean ended, Replies replies) {
        while (length >= 2) {
            int need = expectedLength(frame, 0, length);
            int end;
            if (need == UNKNOWN_LENGTH) {
                if (afterSilence > 0) {
                    end = afterSilence;
                } else if (ended) {
                    end = length;
                } else {
                    return;
                }
            } else if (need > MAX_FRAME) {
                drop();
                continue;
            } else if (need == NEED_MORE || need > length) {
                if (!ended && !completeAfterSilence()) {
                    return;
                }
                drop();
                continue;
            } else {
                end = need;
            }
            if (end >= 4 && Crc16Modbus.of(frame, 0, end - 2) == u16le(frame, end - 2)) {
                answer(end, replies);
                consume(end);
            } else {
                drop();
            }
        }
        if (ended) {
            length = 0;
            afterSilence = 0;
        }
    }

    /**
     * True when the bytes after the last silence are a whole frame of their own: then the unfinished
     * one before the silence is given up now rather than when the line next goes quiet.
     */
    private boolean completeAfterSilence() {
        if (afterSilence == 0 || length - afterSilence < 4) {
            return false;
        }
        int need = expectedLength(frame, afterSilence, length - afterSilence);
        return need >= 4 && afterSilence + need <= length
                && Crc16Modbus.of(frame, afterSilence, need - 2) == u16le(frame, afterSilence + need - 2);
    }

    private void answer(int end, Replies replies) {
        requests++;
        int unit = frame[0] & 0xFF;
        boolean broadcast = unit == 0;
        if (!broadcast && unit != unitId) {
            return;
        }
        int pdu = server.answer(frame, 1, end - 3, broadcast, reply, 1);
        if (server.refusal() != null) {
            replies.refused(server.refusal());
        }
        if (pdu == 0) {
            return;
        }
        reply[0] = (byte) unitId;
        int crc = Crc16Modbus.of(reply, 0, 1 + pdu);
        reply[1 + pdu] = (byte) crc;
        reply[2 + pdu] = (byte) (crc >>> 8);
        replies.send(Arrays.copyOf(reply, 3 + pdu));
    }

    /** Gives up the frame at the start: up to the last silence if there was one, else its first byte. */
    private void drop() {
        consume(afterSilence > 0 ? afterSilence : 1);
    }

    private void consume(int count) {
        System.arraycopy(frame, count, frame, 0, length - count);
        length -= count;
        afterSilence = afterSilence > count ? afterSilence - count : 0;
    }

    /**
     * The whole frame's length (address to CRC) as its function code gives it, {@link #NEED_MORE}
     * until the byte-count field has arrived, {@link #UNKNOWN_LENGTH} for function codes without a
     * fixed form.
     */
    static int expectedLength(byte[] frame, int start, int length) {
        int function = frame[start + 1] & 0xFF;
        return switch (function) {
            case 0x07, 0x0B, 0x0C, 0x11 -> 4;
            case 0x18 -> 6;
            case 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x08 -> 8;
            case 0x16 -> 10;
            case 0x0F, 0x10 -> length < 7 ? NEED_MORE : 9 + (frame[start + 6] & 0xFF);
            case 0x14, 0x15 -> length < 3 ? NEED_MORE : 5 + (frame[start + 2] & 0xFF);
            case 0x17 -> length < 11 ? NEED_MORE : 13 + (frame[start + 10] & 0xFF);
            default -> UNKNOWN_LENGTH;
        };
    }

    private static int u16le(byte[] bytes, int at) {
        return bytes[at] & 0xFF | (bytes[at + 1] & 0xFF) << 8;
    }
}
