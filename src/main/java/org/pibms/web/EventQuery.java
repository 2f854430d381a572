package org.pibms.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.pibms.core.Event;
import org.pibms.json.StatusJson;
import org.pibms.store.EventLogFiles;
import org.pibms.store.EventRecord;

/**
 * Answers {@code GET /api/events} from the event log's files. The records stay in memory until
 * the files change, so a page polling every few seconds costs a look at the files' sizes, not a
 * read of up to the log's whole size each time.
 */
final class EventQuery {

    static final int DEFAULT_LIMIT = 200;
    static final int MAX_LIMIT = 1000;

    /** What a client asks for: records after {@code afterSeq}, of these kinds (all if empty), containing {@code text}. */
    record Filter(long afterSeq, Set<Event.Kind> kinds, String text, int limit) {
    }

    private final Path directory;
    private String fingerprint;
    private List<EventRecord> records = List.of();

    EventQuery(Path directory) {
        this.directory = directory;
    }

    /** {@code {"events":[…oldest first…],"last_seq":N}}: the newest {@code limit} records that match. */
    synchronized ObjectNode answer(Filter filter) throws IOException {
        String now = EventLogFiles.fingerprint(directory);
        if (!now.equals(fingerprint)) {
            records = EventLogFiles.read(directory).records();
            fingerprint = now;
        }
        String needle = filter.text().toLowerCase(Locale.ROOT);
        List<EventRecord> matching = new ArrayList<>();
        for (int i = records.size() - 1; i >= 0 && matching.size() < filter.limit(); i--) {
            EventRecord record = records.get(i);
            if (record.seq() <= filter.afterSeq()) {
                break;
            }
            if ((filter.kinds().isEmpty() || filter.kinds().contains(record.event().kind()))
                    && (needle.isEmpty() || record.event().text().toLowerCase(Locale.ROOT).contains(needle))) {
                matching.add(record);
            }
        }
        ObjectNode json = StatusJson.MAPPER.createObjectNode();
        ArrayNode events = json.putArray("events");
        for (int i = matching.size() - 1; i >= 0; i--) {
            events.add(StatusJson.MAPPER.readTree(matching.get(i).json()));
        }
        json.put("last_seq", records.isEmpty() ? 0 : records.get(records.size() - 1).seq());
        return json;
    }
}
