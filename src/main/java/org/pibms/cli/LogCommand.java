package org.pibms.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pibms.core.settings.Settings;
import org.pibms.store.EventLogFiles;
import org.pibms.store.EventRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "log", mixinStandardHelpOptions = true,
        description = "Print the event log kept in daemon.state_directory: starts and stops, fault trips and"
                + " recoveries, MOS changes, commands and who sent them, setting changes, calibrations.")
final class LogCommand implements Callable<Integer> {

    static final long FOLLOW_POLL_ms = 500;
    private static final Pattern RELATIVE = Pattern.compile("(\\d+)([smhd])");
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS",
            Locale.ROOT);

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = "--since", paramLabel = "TIME", description = "Only records from TIME on: 2026-11-24,"
            + " '2026-11-24 18:30', 2026-11-24T18:30:00Z, or an age such as 90s, 30m, 12h, 7d.")
    String since;

    @Option(names = "--json", description = "One JSON object per record.")
    boolean json;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new records as they come (Ctrl-C ends it).")
    boolean follow;

    /** For tests: the clock "30m ago" is counted from, and the zone local times are read in. */
    ZoneId zone = ZoneId.systemDefault();
    Instant now;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long since_ms = Long.MIN_VALUE;
        if (since != null) {
            try {
                since_ms = parseSince(since, now != null ? now : Instant.now(), zone).toEpochMilli();
            } catch (IllegalArgumentException e) {
                err.println("pibms: --since " + e.getMessage());
                return 2;
            }
        }
        Settings settings = config.load(err);
        if (settings == null) {
            return 1;
        }
        Path directory = settings.daemon().stateDirectory();
        long lastSeq;
        try {
            EventLogFiles.Contents contents = EventLogFiles.read(directory);
            lastSeq = print(contents.records(), since_ms, Long.MIN_VALUE, out);
            if (contents.damaged() > 0) {
                err.println("pibms: " + contents.damaged() + " damaged line(s) in the event log were skipped");
            }
            if (contents.records().isEmpty() && !follow) {
                err.println("pibms: no events in " + directory);
            }
        } catch (IOException e) {
            err.println("pibms: cannot read the event log in " + directory + ": " + e);
            return 1;
        }
        out.flush();
        while (follow) {
            Thread.sleep(FOLLOW_POLL_ms);
            try {
                List<EventRecord> records = EventLogFiles.read(directory).records();
                long newest = records.isEmpty() ? 0 : records.get(records.size() - 1).seq();
                // a log deleted and begun again numbers from 1
                lastSeq = print(records, since_ms, newest < lastSeq ? Long.MIN_VALUE : lastSeq, out);
                out.flush();
            } catch (IOException e) {
                err.println("pibms: cannot read the event log in " + directory + ": " + e);
                return 1;
            }
        }
        return 0;
    }

    /** Prints the records after {@code afterSeq} and from {@code since_ms} on; returns the last sequence number seen. */
    private long print(List<EventRecord> records, long since_ms, long afterSeq, PrintWriter out) {
        long last = afterSeq;
        for (EventRecord record : records) {
            last = Math.max(last, record.seq());
            if (record.seq() <= afterSeq || record.event().time_ms() < since_ms) {
                continue;
            }
            out.println(json ? record.json() : line(record));
        }
        return last;
    }

    private String line(EventRecord record) {
        return LOCAL_TIME.format(Instant.ofEpochMilli(record.event().time_ms()).atZone(zone)) + "  "
                + String.format(Locale.ROOT, "%-11s", record.event().kind().id()) + " " + record.event().text();
    }

    /**
     * @throws IllegalArgumentException with the message "TIME: what is wrong"
     */
    static Instant parseSince(String text, Instant now, ZoneId zone) {
        Matcher relative = RELATIVE.matcher(text);
        if (relative.matches()) {
            long amount = Long.parseLong(relative.group(1));
            Duration unit = switch (relative.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                default -> Duration.ofDays(1);
            };
            return now.minus(unit.multipliedBy(amount));
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            // try the local forms
        }
        String local = text.replace(' ', 'T');
        try {
            return LocalDateTime.parse(local).atZone(zone).toInstant();
        } catch (DateTimeParseException notLocal) {
            // try a date alone
        }
        try {
            return LocalDate.parse(text).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "': expected a date (2026-11-24), a local time"
                    + " ('2026-11-24 18:30'), an instant (2026-11-24T17:30:00Z) or an age (90s, 30m, 12h, 7d)");
        }
    }
}
