package org.pibms.protocol.ant;

import java.util.Arrays;
import java.util.function.Consumer;
import org.pibms.protocol.Crc16Modbus;

/**
 * Finds requests of both ANT protocol generations in a byte stream: in noise, split anywhere,
 * back to back. A state machine over the bytes of one candidate frame; when a candidate fails
 * (a wrong byte, checksum or end mark) it is dropped and its bytes after the first are read
 * again, so a real frame that began inside the rejected one is still found.
 *
 * <p>Not thread-safe: one parser per stream.
 */
public final class AntRequestParser {

    /** Longest request: a new-protocol write or authentication with 255 data bytes. */
    static final int MAX_FRAME = 6 + 255 + 4;

    private static final int OLD_LENGTH = 6;
    private static final int NEW_HEADER = 6;

    private enum State {
        /** Between frames: waiting for a first byte that can start one. */
        HUNT,
        /** Had DB, 5A or A5: the same byte must follow. */
        OLD_TWIN,
        /** Reading the old command's address, value and checksum. */
        OLD_BODY,
        /** Had 7E: A1 must follow. */
        NEW_A1,
        /** Had 7E A1: a known function code must follow. */
        NEW_FUNCTION,
        /** Reading the address and the length byte. */
        NEW_HEADER,
        /** Reading data, CRC and the AA 55 end mark up to the length the header gave. */
        NEW_BODY
    }

    private final Consumer<AntRequest> requests;
    private final byte[] frame = new byte[MAX_FRAME];
    private int length;
    private int expected;
    private State state = State.HUNT;
    private long rejected;

    /** @param requests receives each request found, on the caller's thread */
    public AntRequestParser(Consumer<AntRequest> requests) {
        this.requests = requests;
    }

    public void accept(byte[] bytes, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            push(bytes[i]);
        }
    }

    public void accept(byte[] bytes) {
        accept(bytes, 0, bytes.length);
    }

    /**
     * The line has been quiet for longer than a sender pauses inside a frame: a started frame will
     * not be finished. Requests still complete inside it are delivered; the rest is dropped.
     */
    public void idle() {
        while (length > 0) {
            rejectCandidate();
        }
    }

    /** Candidate frames dropped so far: bad checksums, wrong bytes, unfinished frames. */
    public long rejected() {
        return rejected;
    }

    /** True while a frame has started but is not complete. */
    public boolean inFrame() {
        return length > 0;
    }

    private void push(byte b) {
        int value = b & 0xFF;
        if (state == State.HUNT) {
            if (AntRequest.Old.Function.of(value) != null) {
                state = State.OLD_TWIN;
            } else if (value == 0x7E) {
                state = State.NEW_A1;
            } else {
                return;
            }
            frame[0] = b;
            length = 1;
            return;
        }
        frame[length++] = b;
        switch (state) {
            case OLD_TWIN -> next(value == (frame[0] & 0xFF), State.OLD_BODY);
            case OLD_BODY -> {
                if (length == OLD_LENGTH) {
                    completeOld();
                }
            }
            case NEW_A1 -> next(value == 0xA1, State.NEW_FUNCTION);
            case NEW_FUNCTION -> next(AntRequest.New.known(value), State.NEW_HEADER);
            case NEW_HEADER -> {
                if (length == NEW_HEADER) {
                    int function = frame[2] & 0xFF;
                    int data = AntRequest.New.carriesData(function) ? value : 0;
                    expected = NEW_HEADER + data + 4;
                    state = State.NEW_BODY;
                }
            }
            case NEW_BODY -> {
                if (length == expected - 1 && value != 0xAA) {
                    rejectCandidate();
                } else if (length == expected) {
                    completeNew();
                }
            }
            default -> throw new IllegalStateException("unreachable: " + state);
        }
    }

    private void next(boolean ok, State then) {
        if (ok) {
            state = then;
        } else {
            rejectCandidate();
        }
    }

    private void completeOld() {
        int sum = (frame[2] + frame[3] + frame[4]) & 0xFF;
        if (sum != (frame[5] & 0xFF)) {
            rejectCandidate();
            return;
        }
        AntRequest request = new AntRequest.Old(AntRequest.Old.Function.of(frame[0] & 0xFF), frame[2] & 0xFF,
                ((frame[3] & 0xFF) << 8) | (frame[4] & 0xFF));
        reset();
        requests.accept(request);
    }

    private void completeNew() {
        int end = expected - 4;
        int crc = (frame[end] & 0xFF) | (frame[end + 1] & 0xFF) << 8;
        if ((frame[expected - 1] & 0xFF) != 0x55 || crc != Crc16Modbus.of(frame, 1, end - 1)) {
            rejectCandidate();
            return;
        }
        int function = frame[2] & 0xFF;
        int address = (frame[3] & 0xFF) | (frame[4] & 0xFF) << 8;
        int declared = frame[5] & 0xFF;
        byte[] data = Arrays.copyOfRange(frame, NEW_HEADER, end);
        reset();
        requests.accept(new AntRequest.New(function, address, declared, data));
    }

    /** Drops the candidate's first byte and reads the rest again: a frame may begin inside it. */
    private void rejectCandidate() {
        rejected++;
        byte[] rest = Arrays.copyOfRange(frame, 1, length);
        reset();
        for (byte b : rest) {
            push(b);
        }
    }

    private void reset() {
        length = 0;
        expected = 0;
        state = State.HUNT;
    }
}
