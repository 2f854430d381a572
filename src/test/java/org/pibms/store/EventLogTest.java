package org.pibms.store;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.LogCapture;
import org.pibms.core.Event;

class EventLogTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final LogCapture log = new LogCapture(EventLog.class);

    private static Event fault(long time_ms, int cell) {
        return Event.of(time_ms, Event.Kind.FAULT, "tripped: cell_overvoltage, cell " + cell, "fault",
                "cell_overvoltage", "cell", cell, "value", 3.652, "latched", false);
    }

    @Test
    void recordsComeBackInOrderWithTheirValuesAndNumbersGoOnAcrossRestarts() throws Exception {
        try (EventLog events = EventLog.open(dir, 1 << 20, 2)) {
            events.append(fault(1_000, 7));
            events.append(Event.of(2_000, Event.Kind.STOP, "pibms stopped"));
            assertThat(events.flush(2000)).isTrue();
        }
        EventLog reopened = EventLog.open(dir, 1 << 20, 2);
        assertThat(reopened.lastAtOpen()).map(EventRecord::seq).contains(2L);
        reopened.append(Event.of(3_000, Event.Kind.START, "pibms started"));
        reopened.close();

        EventLogFiles.Contents contents = EventLogFiles.read(dir);
        assertThat(contents.damaged()).isZero();
        assertThat(contents.records()).extracting(EventRecord::seq).containsExactly(1L, 2L, 3L);
        Event first = contents.records().get(0).event();
        assertThat(first.kind()).isEqualTo(Event.Kind.FAULT);
        assertThat(first.time_ms()).isEqualTo(1_000);
        // whole numbers come back as Long, whatever they were written as
        assertThat(first.data()).containsExactly(java.util.Map.entry("fault", "cell_overvoltage"),
                java.util.Map.entry("cell", 7L), java.util.Map.entry("value", 3.652),
                java.util.Map.entry("latched", false));
        assertThat(Files.readString(dir.resolve("events.log"))).startsWith(String.format("%08x",
                crc(contents.records().get(0).json())) + " {\"seq\":1,\"time\":\"1970-01-01T00:00:01Z\","
                + "\"kind\":\"fault\",");
    }

    @Test
    void aRecordCutOffByACrashIsSkippedByReadersAndCutAwayAtTheNextOpen() throws Exception {
        try (EventLog events = EventLog.open(dir, 1 << 20, 2)) {
            events.append(fault(1_000, 1));
            events.append(fault(2_000, 2));
        }
        Path file = dir.resolve("events.log");
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 20));

        EventLogFiles.Contents torn = EventLogFiles.read(dir);
        assertThat(torn.records()).extracting(EventRecord::seq).containsExactly(1L);
        assertThat(torn.damaged()).isEqualTo(1);

        try (EventLog events = EventLog.open(dir, 1 << 20, 2)) {
            assertThat(events.lastAtOpen()).map(EventRecord::seq).contains(1L);
            events.append(fault(3_000, 3));
        }
        EventLogFiles.Contents mended = EventLogFiles.read(dir);
        assertThat(mended.damaged()).isZero();
        assertThat(mended.records()).extracting(EventRecord::seq).containsExactly(1L, 2L);
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).anySatisfy(message ->
                assertThat(message).contains("ended in a record cut off by a crash or power cut"));
    }

    @Test
    void aDamagedLineInTheMiddleIsSkippedAndCountedAndTheRestIsRead() throws Exception {
        try (EventLog events = EventLog.open(dir, 1 << 20, 2)) {
            for (int i = 1; i <= 3; i++) {
                events.append(fault(i * 1000L, i));
            }
        }
        Path file = dir.resolve("events.log");
        String text = Files.readString(file);
        int second = text.indexOf("\"seq\":2");
        Files.writeString(file, text.substring(0, second + 20) + "X" + text.substring(second + 21));

        EventLogFiles.Contents contents = EventLogFiles.read(dir);
        assertThat(contents.records()).extracting(EventRecord::seq).containsExactly(1L, 3L);
        assertThat(contents.damaged()).isEqualTo(1);
    }

    @Test
    void theLogIsRotatedAtItsCapAndKeepsOnlyItsFiles() throws Exception {
        int records = 200;
        try (EventLog events = EventLog.open(dir, 4096, 2)) {
            for (int i = 0; i < records; i++) {
                events.append(fault(i, i));
            }
            assertThat(events.flush(5000)).isTrue();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("events.log", "events.log.1", "events.log.2");
        }
        for (String name : List.of("events.log", "events.log.1", "events.log.2")) {
            assertThat(Files.size(dir.resolve(name))).as(name).isLessThanOrEqualTo(4096);
        }
        List<EventRecord> kept = EventLogFiles.read(dir).records();
        assertThat(kept.get(kept.size() - 1).seq()).isEqualTo(records);
        for (int i = 1; i < kept.size(); i++) {
            assertThat(kept.get(i).seq()).isEqualTo(kept.get(i - 1).seq() + 1);
        }
    }

    @Test
    void aFullDiskKeepsTheRecordsInMemoryReportsOnceAMinuteAndWritesThemWhenItCan() throws Exception {
        Path file = dir.resolve("events.log");
        Files.createSymbolicLink(file, Path.of("/dev/full")); // every write: "No space left on device"
        long[] now_ns = {0};
        EventLog events = EventLog.open(dir, 1 << 20, 2, () -> now_ns[0]);
        events.append(fault(1_000, 1));
        assertThat(events.flush(300)).isFalse();
        now_ns[0] += 30_000_000_000L;
        events.append(fault(2_000, 2));
        assertThat(events.flush(300)).isFalse();
        assertThat(errors()).hasSize(1).first().asString().startsWith("cannot save the event log to " + file + ": ")
                .contains("No space left on device").endsWith("pibms keeps protecting the pack and tries again");

        now_ns[0] += 31_000_000_000L;
        events.append(fault(3_000, 3));
        assertThat(events.flush(300)).isFalse();
        assertThat(errors()).hasSize(2).last().asString().startsWith("still cannot save the event log");

        Files.delete(file); // space again
        assertThat(events.flush(EventLog.RETRY_ms + 3000)).isTrue();
        events.close();
        assertThat(EventLogFiles.read(dir).records()).extracting(r -> r.event().time_ms())
                .containsExactly(1_000L, 2_000L, 3_000L);
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).last().asString()
                .isEqualTo("the event log to " + file + " is saved again after 3 failed attempts");
    }

    @Test
    void appendNeverBlocksAndWhatDoesNotFitIsCountedInTheLog() throws Exception {
        Path file = dir.resolve("events.log");
        Files.createSymbolicLink(file, Path.of("/dev/full"));
        EventLog events = EventLog.open(dir, 1 << 20, 2);
        int offered = EventLog.QUEUE + EventLog.BACKLOG + 500;
        long started = System.nanoTime();
        for (int i = 0; i < offered; i++) {
            events.append(fault(i, 1));
        }
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms to offer them all").isLessThan(1000);
        Thread.sleep(200);
        Files.delete(file);
        events.flush(EventLog.RETRY_ms + 3000);
        events.close();

        List<EventRecord> written = EventLogFiles.read(dir).records();
        EventRecord note = written.get(written.size() - 1);
        assertThat(note.event().kind()).isEqualTo(Event.Kind.STORAGE);
        long lost = (Long) note.event().data().get("lost");
        assertThat(written.size() - 1 + lost).isEqualTo(offered);
        assertThat(written.size() - 1).isLessThanOrEqualTo(EventLog.BACKLOG);
    }

    private List<String> errors() {
        List<String> errors = new ArrayList<>();
        for (ILoggingEvent event : log.list) {
            if (event.getLevel() == Level.ERROR) {
                errors.add(event.getFormattedMessage());
            }
        }
        return errors;
    }

    private static long crc(String json) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(json.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
