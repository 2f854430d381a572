package org.pibms.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import org.pibms.core.Event;

/**
 * One line of the event log: {@code crc32 json}, where the CRC-32 (8 hex digits) covers the
 * JSON bytes. A line is whole only with its newline and a matching checksum, so a record cut by
 * a power cut or a SIGKILL, or damaged on the card, is recognised and never half read.
 *
 * <pre>
 * 3f1c9a07 {"seq":42,"time":"2026-11-24T09:15:02.117Z","kind":"fault","text":"tripped: …","data":{"fault":"cell_overvoltage",…}}
 * </pre>
 *
 * @param seq numbers the records of one state directory in order, across restarts and rotations
 */
public record EventRecord(long seq, Event event) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The record as JSON, one object without the checksum: what {@code pibms log --json} prints. */
    public String json() {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("seq", seq);
        node.put("time", Instant.ofEpochMilli(event.time_ms()).toString());
        node.put("kind", event.kind().id());
        node.put("text", event.text());
        ObjectNode data = node.putObject("data");
        event.data().forEach((key, value) -> {
            if (value instanceof String text) {
                data.put(key, text);
            } else if (value instanceof Long number) {
                data.put(key, number);
            } else if (value instanceof Integer number) {
                data.put(key, number);
            } else if (value instanceof Double number) {
                data.put(key, number);
            } else {
                data.put(key, (Boolean) value);
            }
        });
        return node.toString();
    }

    /** The whole line, newline included. */
    byte[] line() {
        byte[] json = json().getBytes(StandardCharsets.UTF_8);
        String crc = String.format("%08x", crc(json, 0, json.length));
        byte[] line = new byte[crc.length() + 1 + json.length + 1];
        System.arraycopy(crc.getBytes(StandardCharsets.US_ASCII), 0, line, 0, crc.length());
        line[crc.length()] = ' ';
        System.arraycopy(json, 0, line, crc.length() + 1, json.length);
        line[line.length - 1] = '\n';
        return line;
    }

    /**
     * Reads one line without its newline.
     *
     * @return empty if the checksum does not match or the JSON is not a record
     */
    static Optional<EventRecord> parse(byte[] bytes, int from, int to) {
        if (to - from < 10 || bytes[from + 8] != ' ') {
            return Optional.empty();
        }
        long expected;
        try {
            expected = Long.parseLong(new String(bytes, from, 8, StandardCharsets.US_ASCII), 16);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (crc(bytes, from + 9, to - from - 9) != expected) {
            return Optional.empty();
        }
        try {
            JsonNode node = MAPPER.readTree(new String(bytes, from + 9, to - from - 9, StandardCharsets.UTF_8));
            Optional<Event.Kind> kind = Event.Kind.fromId(node.path("kind").asText());
            if (!node.path("seq").canConvertToLong() || kind.isEmpty() || !node.path("text").isTextual()) {
                return Optional.empty();
            }
            Map<String, Object> data = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = node.path("data").fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                data.put(field.getKey(), value.isBoolean() ? (Object) value.booleanValue()
                        : value.isIntegralNumber() ? (Object) value.longValue()
                        : value.isNumber() ? (Object) value.doubleValue() : value.asText());
            }
            long time_ms = Instant.parse(node.path("time").asText()).toEpochMilli();
            return Optional.of(new EventRecord(node.path("seq").longValue(),
                    new Event(time_ms, kind.get(), node.path("text").asText(), data)));
        } catch (JsonProcessingException | DateTimeParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static long crc(byte[] bytes, int from, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, from, length);
        return crc.getValue();
    }
}
