package org.pibms.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Reads the event log: {@code events.log} and its rotated files {@code events.log.1} (newer)
 * to {@code events.log.N} (oldest). Every whole record is returned; a record cut off at the end
 * of a file (a crash in mid-write) is left out, and a damaged line elsewhere is skipped and
 * counted, so a reader never fails on what a power cut left behind.
 */
public final class EventLogFiles {

    public static final String NAME = "events.log";

    /**
     * The records of the log, oldest first.
     *
     * @param damaged lines that were not whole records (bad checksum or a cut-off end)
     */
    public record Contents(List<EventRecord> records, int damaged) {
    }

    private EventLogFiles() {
    }

    static Path current(Path directory) {
        return directory.resolve(NAME);
    }

    static Path rotated(Path directory, int generation) {
        return directory.resolve(NAME + "." + generation);
    }

    /** The files of the log that exist, oldest first; only regular files, never a device or a directory. */
    static List<Path> files(Path directory) {
        List<Path> newestFirst = new ArrayList<>();
        if (Files.isRegularFile(current(directory))) {
            newestFirst.add(current(directory));
        }
        for (int generation = 1; Files.isRegularFile(rotated(directory, generation)); generation++) {
            newestFirst.add(rotated(directory, generation));
        }
        List<Path> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);
        return oldestFirst;
    }

    /**
     * What changes whenever the log does: each file's name, size and modification time. A reader
     * that keeps the records in memory reads the files again only when this differs.
     */
    public static String fingerprint(Path directory) {
        StringBuilder text = new StringBuilder();
        for (Path file : files(directory)) {
            try {
                text.append(file.getFileName()).append(' ').append(Files.size(file)).append(' ')
                        .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
            } catch (IOException rotatedMeanwhile) {
                text.append(file.getFileName()).append(" gone\n");
            }
        }
        return text.toString();
    }

    /**
     * Reads every file of the log in {@code directory}.
     *
     * @throws IOException if a file exists but cannot be read (permissions)
     */
    public static Contents read(Path directory) throws IOException {
        List<EventRecord> records = new ArrayList<>();
        int damaged = 0;
        for (Path file : files(directory)) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException rotatedMeanwhile) {
                continue;
            }
            damaged += parse(bytes, bytes.length, records);
        }
        return new Contents(records, damaged);
    }

    /**
     * Parses the whole lines of {@code bytes[0, length)} into {@code records}.
     *
     * @return how many lines were damaged, a cut-off last line included
     */
    static int parse(byte[] bytes, int length, List<EventRecord> records) {
        int damaged = 0;
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                Optional<EventRecord> record = EventRecord.parse(bytes, start, i);
                if (record.isPresent()) {
                    records.add(record.get());
                } else {
                    damaged++;
                }
                start = i + 1;
            }
        }
        return start < length ? damaged + 1 : damaged;
    }

    /** The offset just past the last newline of {@code bytes}: where a cut-off record begins. */
    static int wholeLength(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        return end;
    }

    /** The newest whole record, looking back through the rotated files; empty for a new log. */
    static Optional<EventRecord> last(Path directory) throws IOException {
        List<Path> files = files(directory);
        for (int i = files.size() - 1; i >= 0; i--) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(files.get(i));
            } catch (NoSuchFileException gone) {
                continue;
            }
            List<EventRecord> records = new ArrayList<>();
            parse(bytes, bytes.length, records);
            if (!records.isEmpty()) {
                return Optional.of(records.get(records.size() - 1));
            }
        }
        return Optional.empty();
    }
}
