package org.pibms.transport.can;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.pibms.core.CanFrame;
import org.pibms.transport.ByteLink;

/**
 * CAN through a USB adapter that speaks SLCAN (the Lawicel ASCII protocol: CANable, USBtin and
 * many others) on a serial link. Opening closes the channel, sets the bit rate and opens it
 * again; each frame is a {@code t}/{@code T} line. What the adapter sends back besides frames
 * (the carriage return that acknowledges a command, {@code z}/{@code Z} after a transmit, a bell
 * for an error) is read and dropped, as are any lines this class does not understand.
 */
public final class SlcanLink implements CanLink {

    /** Lawicel's bit-rate commands: S0 = 10 kbit/s … S8 = 1 Mbit/s. */
    private static final int[] BITRATES = {10_000, 20_000, 50_000, 100_000, 125_000, 250_000, 500_000, 800_000,
        1_000_000};
    private static final int MAX_LINE = 32;

    private final ByteLink link;
    private final byte[] buffer = new byte[256];
    private final StringBuilder line = new StringBuilder(MAX_LINE);
    private final ArrayDeque<CanFrame> received = new ArrayDeque<>();
    private long malformed;

    private SlcanLink(ByteLink link) {
        this.link = link;
    }

    /** Opens the adapter on an open serial link at a CAN bit rate. */
    public static SlcanLink open(ByteLink link, int bitrate) throws IOException {
        int code = -1;
        for (int i = 0; i < BITRATES.length; i++) {
            if (BITRATES[i] == bitrate) {
                code = i;
            }
        }
        if (code < 0) {
            link.close();
            throw new IOException("SLCAN has no bit rate " + bitrate);
        }
        SlcanLink slcan = new SlcanLink(link);
        link.write(("C\rS" + code + "\rO\r").getBytes(StandardCharsets.US_ASCII));
        return slcan;
    }

    /** An opener for a serial device: the link is opened, then the adapter. */
    public static Opener opener(ByteLink.Opener serial) {
        return new Opener() {
            @Override
            public CanLink open(int bitrate) throws IOException {
                return SlcanLink.open(serial.open(), bitrate);
            }

            @Override
            public String name() {
                return serial.name();
            }
        };
    }

    @Override
    public void send(CanFrame frame) throws IOException {
        link.write(encode(frame).getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code t35182802E803DC05D001\r}: id, length, data in upper-case hex. */
    static String encode(CanFrame frame) {
        StringBuilder s = new StringBuilder().append(frame.extended() ? 'T' : 't');
        s.append(String.format(frame.extended() ? "%08X" : "%03X", frame.id())).append(frame.length());
        for (int i = 0; i < frame.length(); i++) {
            s.append(String.format("%02X", frame.u8(i)));
        }
        return s.append('\r').toString();
    }

    @Override
    public CanFrame receive() throws IOException {
        if (received.isEmpty()) {
            int count = link.read(buffer);
            for (int i = 0; i < count; i++) {
                char c = (char) (buffer[i] & 0xFF);
                if (c == '\r' || c == '\n' || c == 7) {
                    if (line.length() > 0) {
                        CanFrame frame = decode(line);
                        if (frame != null) {
                            received.add(frame);
                        }
                        line.setLength(0);
                    }
                } else if (line.length() < MAX_LINE) {
                    line.append(c);
                } else {
                    malformed++;
                    line.setLength(0);
                }
            }
        }
        return received.poll();
    }

    /** A frame line; null for acknowledgements, other commands and lines that are not a frame. */
    CanFrame decode(CharSequence text) {
        if (text.length() == 0 || (text.charAt(0) != 't' && text.charAt(0) != 'T')) {
            return null;
        }
        boolean extended = text.charAt(0) == 'T';
        int idDigits = extended ? 8 : 3;
        try {
            if (text.length() < 2 + idDigits) {
                throw new NumberFormatException("short");
            }
            int id = Integer.parseUnsignedInt(text.subSequence(1, 1 + idDigits).toString(), 16);
            int length = Character.digit(text.charAt(1 + idDigits), 10);
            if (length < 0 || length > 8 || text.length() != 2 + idDigits + 2 * length) {
                throw new NumberFormatException("length");
            }
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++) {
                int at = 2 + idDigits + 2 * i;
                data[i] = (byte) Integer.parseInt(text.subSequence(at, at + 2).toString(), 16);
            }
            return new CanFrame(id, extended, data);
        } catch (IllegalArgumentException e) {
            malformed++;
            return null;
        }
    }

    /** Lines that looked like frames but were not well formed. */
    public long malformed() {
        return malformed;
    }

    @Override
    public void close() {
        try {
            link.write("C\r".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // the adapter may be gone already: closing the serial link is what matters
        }
        link.close();
    }
}
