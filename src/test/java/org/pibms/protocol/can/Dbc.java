package org.pibms.protocol.can;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pibms.core.CanFrame;

/**
 * Just enough of the DBC format to hold pibms's frames against the files in docs/can: messages and
 * their signals, Intel or Motorola, signed or unsigned, with factor and offset. Units, comments,
 * attributes and value tables are skipped, since the tests compare values only; multiplexed signals are
 * refused rather than misread.
 */
final class Dbc {

    /** Bit 31 of a DBC message id marks a 29-bit identifier. */
    private static final long EXTENDED = 0x8000_0000L;

    private static final Pattern MESSAGE = Pattern.compile("BO_\\s+(\\d+)\\s+(\\w+)\\s*:\\s*(\\d+)\\s+\\w+");
    private static final Pattern SIGNAL = Pattern.compile("SG_\\s+(\\w+)\\s*:\\s*(\\d+)\\|(\\d+)@([01])([+-])"
            + "\\s*\\(([^,]+),([^)]+)\\)\\s*\\[[^\\]]*\\]\\s*\"[^\"]*\".*");

    /** As DBC numbers them: {@code @0} Motorola (big-endian), {@code @1} Intel (little-endian). */
    enum ByteOrder {
        MOTOROLA, INTEL
    }

    /**
     * One signal. {@code startBit} counts as DBC does, byte × 8 + bit with bit 0 the least significant
     * of its byte, and names the least significant bit of an Intel signal but the most significant
     * of a Motorola one.
     */
    record Signal(String name, int startBit, int length, ByteOrder order, boolean signed, double factor,
            double offset) {

        Signal {
            if (length < 1 || length > 64) {
                throw new IllegalArgumentException("signal " + name + " is " + length + " bits long");
            }
        }

        /** The physical value: raw × factor + offset. */
        double decode(byte[] data) {
            long raw = 0;
            for (int position : bitPositions()) {
                raw = raw << 1 | (data[position / 8] & 0xFF) >>> (position % 8) & 1;
            }
            if (signed && length < 64 && (raw >>> (length - 1) & 1) == 1) {
                raw -= 1L << length;
            }
            // an unsigned 64-bit raw value past Long.MAX_VALUE has wrapped to a negative long
            double value = signed || raw >= 0 ? raw : raw + 0x1p64;
            return value * factor + offset;
        }

        /** The frame bits the signal takes, most significant first. */
        int[] bitPositions() {
            int[] positions = new int[length];
            int position = order == ByteOrder.INTEL ? startBit + length - 1 : startBit;
            for (int i = 0; i < length; i++) {
                positions[i] = position;
                // both run down through a byte; below bit 0 Intel goes on in the byte before, Motorola
                // in the byte after, from its bit 7
                position = order == ByteOrder.MOTOROLA && position % 8 == 0 ? position + 15 : position - 1;
            }
            return positions;
        }

        int bytesNeeded() {
            int highest = 0;
            for (int position : bitPositions()) {
                highest = Math.max(highest, position);
            }
            return highest / 8 + 1;
        }
    }

    /** One message; {@code dbcId} is the id as the file writes it, bit 31 set for a 29-bit id. */
    record Message(long dbcId, String name, int length, List<Signal> signals) {

        Message {
            signals = List.copyOf(signals);
            Set<String> names = new HashSet<>();
            for (Signal signal : signals) {
                if (!names.add(signal.name())) {
                    throw new IllegalArgumentException("message " + name + " has two signals " + signal.name());
                }
                // caught here, a signal past the DLC would otherwise surface as an index error in decode
                if (signal.bytesNeeded() > length) {
                    throw new IllegalArgumentException(String.format("signal %s needs %d bytes, message %s has %d",
                            signal.name(), signal.bytesNeeded(), name, length));
                }
            }
        }

        Map<String, Double> decode(byte[] data) {
            if (data.length != length) {
                throw new IllegalArgumentException(String.format("message %s has %d bytes, not %d", name, length,
                        data.length));
            }
            Map<String, Double> values = new LinkedHashMap<>();
            for (Signal signal : signals) {
                values.put(signal.name(), signal.decode(data));
            }
            return values;
        }
    }

    private final Map<Long, Message> messages = new LinkedHashMap<>();

    private Dbc(List<Message> messages) {
        for (Message message : messages) {
            if (this.messages.put(message.dbcId(), message) != null) {
                throw new IllegalArgumentException("two messages with the id " + message.dbcId());
            }
        }
    }

    static Dbc read(Path file) throws IOException {
        // DBC files are Windows-1252 by tradition; ISO-8859-1 reads every byte of one, and ours are ASCII
        return parse(Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    static Dbc parse(String text) {
        String[] lines = text.split("\\R");
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.startsWith("BO_ ")) {
                continue;
            }
            Matcher header = MESSAGE.matcher(line);
            if (!header.matches()) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not a message: " + line);
            }
            // a message's signals are the SG_ lines right under its BO_ line
            List<Signal> signals = new ArrayList<>();
            while (i + 1 < lines.length && lines[i + 1].strip().startsWith("SG_ ")) {
                i++;
                signals.add(signal(lines[i].strip(), i + 1));
            }
            messages.add(new Message(Long.parseLong(header.group(1)), header.group(2),
                    Integer.parseInt(header.group(3)), signals));
        }
        return new Dbc(messages);
    }

    private static Signal signal(String line, int lineNumber) {
        Matcher m = SIGNAL.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("line " + lineNumber + " is not a plain signal: " + line);
        }
        return new Signal(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                m.group(4).equals("0") ? ByteOrder.MOTOROLA : ByteOrder.INTEL, m.group(5).equals("-"),
                Double.parseDouble(m.group(6).strip()), Double.parseDouble(m.group(7).strip()));
    }

    /** A frame's id as a DBC file writes it. */
    static long dbcId(CanFrame frame) {
        return frame.extended() ? frame.id() | EXTENDED : frame.id();
    }

    List<Message> messages() {
        return List.copyOf(messages.values());
    }

    Optional<Message> message(CanFrame frame) {
        return Optional.ofNullable(messages.get(dbcId(frame)));
    }

    /** Every signal of the frame's message, by name, in physical units. */
    Map<String, Double> decode(CanFrame frame) {
        Message message = message(frame).orElseThrow(() -> new IllegalArgumentException("no message for " + frame));
        return message.decode(frame.data());
    }
}
