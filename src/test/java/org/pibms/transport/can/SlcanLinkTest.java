package org.pibms.transport.can;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pibms.core.CanFrame;
import org.pibms.transport.ByteLink;

/** SLCAN lines both ways, an adapter's acknowledgements, and garbage. */
class SlcanLinkTest {

    /** A serial link whose reads return the chunks queued, and which records what is written. */
    private static final class Script implements ByteLink {
        final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        boolean closed;

        void type(String text) {
            chunks.add(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        @Override
        public int read(byte[] buffer) {
            byte[] next = chunks.poll();
            if (next == null) {
                return 0;
            }
            System.arraycopy(next, 0, buffer, 0, next.length);
            return next.length;
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            written.write(bytes);
        }

        @Override
        public void close() {
            closed = true;
        }

        String written() {
            return written.toString(StandardCharsets.US_ASCII).replace("\r", "\\r");
        }
    }

    @Test
    void openingSetsTheBitRateAndFramesGoOutAsLines() throws IOException {
        Script serial = new Script();
        SlcanLink link = SlcanLink.open(serial, 500_000);
        link.send(CanFrame.standard(0x351, (byte) 0x28, (byte) 0x02, (byte) 0xE8, (byte) 0x03, (byte) 0xDC,
                (byte) 0x05, (byte) 0xD0, (byte) 0x01));
        link.send(CanFrame.extended(0x18FF28F4, (byte) 0x38, (byte) 0x43));
        link.send(CanFrame.standard(0x35C));
        assertThat(serial.written()).isEqualTo("C\\rS6\\rO\\rt35182802E803DC05D001\\rT18FF28F423843\\rt35C0\\r");
        link.close();
        assertThat(serial.written()).endsWith("C\\r");
        assertThat(serial.closed).isTrue();
        assertThat(SlcanLink.open(new Script(), 250_000)).isNotNull();
        assertThatThrownBy(() -> SlcanLink.open(new Script(), 83_333)).hasMessageContaining("no bit rate 83333");
    }

    @Test
    void framesAreReadAcrossChunksBetweenAcknowledgementsAndGarbage() throws IOException {
        Script serial = new Script();
        SlcanLink link = SlcanLink.open(serial, 500_000);
        // what python-can writes when it opens, an adapter's acks, a frame cut in two, junk, a bell
        serial.type("C\rS6\rO\r\rz\rt30580000");
        serial.type("000000000000\rZ\rhello\rt3059\rt12\r\u0007T18EAFF00300EE00\r");
        List<CanFrame> frames = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            CanFrame f = link.receive();
            if (f != null) {
                frames.add(f);
            }
        }
        assertThat(frames).extracting(CanFrame::toString).containsExactly("305#0000000000000000",
                "18EAFF00#00EE00");
        assertThat(link.malformed()).as("t3059 and t12").isEqualTo(2);
    }

    @Test
    void aLineLongerThanAnyFrameIsDropped() throws IOException {
        Script serial = new Script();
        SlcanLink link = SlcanLink.open(serial, 500_000);
        serial.type("t" + "F".repeat(200) + "\rt3050\r");
        CanFrame frame = null;
        for (int i = 0; i < 3 && frame == null; i++) {
            frame = link.receive();
        }
        assertThat(frame).isEqualTo(CanFrame.standard(0x305));
    }
}
