package org.pibms.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;
import org.pibms.core.Counters;
import org.pibms.core.FaultId;
import org.pibms.core.SavedState;
import org.pibms.core.SocCalibration;
import org.pibms.core.SocState;
import org.pibms.core.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that outlives a restart, in {@code state} under the state directory: a
 * {@code format 2} line, one {@code key value} line per field, then a {@code crc32 xxxxxxxx}
 * line over the lines before it. Each save is written to a temporary file and synced; the
 * current file then becomes {@code state.1}, the temporary file takes its place and the
 * directory is synced, so a power cut at any point leaves at least one whole generation.
 *
 * <p>A torn or corrupt newest generation is reported and the previous one used. When a state
 * was saved but neither generation can be trusted, {@link #load} refuses: the file is the only
 * record of a fault latched across restarts (a deep discharge).
 *
 * <p>A save that fails (a full disk, a read-only file system) never stops the daemon: it is
 * reported at most once a minute and the next save tries again.
 */
public final class StateFile implements StateStore {

    static final String NAME = "state";
    static final String PREVIOUS_NAME = NAME + ".1";
    static final String TEMPORARY_NAME = NAME + ".tmp";

    private static final String FORMAT_PREFIX = "format ";
    private static final String FORMAT = "2";
    private static final String CRC_PREFIX = "crc32 ";

    private static final String SAVED_AT = "saved_at_ms";
    private static final String CHARGE = "charge_mAs";
    private static final String DISPLAYED = "displayed_pct";
    private static final String MIN_CELL_SOC = "min_cell_soc_pct";
    private static final String MAX_CELL_SOC = "max_cell_soc_pct";
    private static final String CAPACITY = "capacity_mAh";
    private static final String LEARNINGS = "capacity_learnings";
    private static final String UNCERTAINTY = "uncertainty_pct";
    private static final String OFFSET = "offset_mA";
    private static final String DISCHARGED = "discharged_mAh";
    private static final String LAST_CALIBRATION = "last_calibration";
    private static final String LAST_CALIBRATION_AT = "last_calibration_at_ms";
    private static final String ANCHOR = "anchor";
    private static final String NO_ANCHOR = "none";
    private static final String ANCHOR_SOC = "anchor_soc_pct";
    private static final String ANCHOR_COUNTED = "anchor_counted_mAs";
    private static final String ANCHOR_MIN_TEMPERATURE = "anchor_min_temperature_dC";
    private static final String ANCHOR_MAX_TEMPERATURE = "anchor_max_temperature_dC";
    private static final String BALANCED = "balanced_mAh";
    private static final String SOC = "soc";
    private static final String NONE = "none";
    private static final String LATCHED = "latched";
    private static final String STARTS = "starts";
    private static final String TRIPS = "trips";
    private static final String CONFIG = "config_sha256";
    private static final Set<String> KEYS = Set.of(SOC, LATCHED, STARTS, TRIPS, CONFIG, BALANCED, SAVED_AT, CHARGE, DISPLAYED, MIN_CELL_SOC, MAX_CELL_SOC,
            CAPACITY, LEARNINGS, UNCERTAINTY, OFFSET, DISCHARGED, LAST_CALIBRATION, LAST_CALIBRATION_AT, ANCHOR, ANCHOR_SOC,
            ANCHOR_COUNTED, ANCHOR_MIN_TEMPERATURE, ANCHOR_MAX_TEMPERATURE);

    private static final Logger log = LoggerFactory.getLogger(StateFile.class);

    private final Path directory;
    private final Path file;
    private final Path previous;
    private final Path temporary;
    private final FailureReport failures;

    private StateFile(Path directory, LongSupplier nanoTime) {
        this.directory = directory;
        this.file = directory.resolve(NAME);
        this.previous = directory.resolve(PREVIOUS_NAME);
        this.temporary = directory.resolve(TEMPORARY_NAME);
        this.failures = new FailureReport(log, "the state to " + file, nanoTime);
    }

    /** The store in {@code directory}; a directory that cannot be created yet is reported by the first save. */
    public static StateFile open(Path directory) {
        return open(directory, System::nanoTime);
    }

    /** As {@link #open(Path)}, with the clock that spaces the failure reports. */
    static StateFile open(Path directory, LongSupplier nanoTime) {
        return new StateFile(directory, nanoTime);
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized Optional<SavedState> load() throws Untrusted {
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new Untrusted("the state directory " + directory + " is not a directory: point daemon.state_directory"
                    + " at a directory");
        }
        if (Files.notExists(file) && Files.notExists(previous)) {
            log.info("no state saved in {} yet: a first start", directory);
            return Optional.empty();
        }
        for (Path candidate : List.of(file, previous)) {
            try {
                SavedState state = read(candidate);
                if (candidate.equals(previous)) {
                    log.warn("using the previous generation {}", previous);
                }
                return Optional.of(state);
            } catch (Unusable e) {
                log.warn("{} cannot be used: {}", candidate, e.getMessage());
            }
        }
        throw new Untrusted("no generation of the saved state in " + directory + " can be trusted (the reasons are"
                + " logged above). It records faults latched across restarts (deep discharge): check the pack,"
                + " then move " + file + " and " + previous + " away to start afresh");
    }

    // synchronized: every save goes through the one temporary file, so two must not interleave
    @Override
    public synchronized boolean save(SavedState state) {
        byte[] text;
        try {
            text = encode(state);
        } catch (IllegalArgumentException e) {
            failures.failed(e.getMessage() + ", so the state saved before is kept");
            return false;
        }
        try {
            write(text);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                // the loader never reads the temporary file, and the next save truncates it
            }
            failures.failed(reason(e));
            return false;
        }
        failures.succeeded();
        return true;
    }

    private void write(byte[] text) throws IOException {
        Files.createDirectories(directory);
        DurableFiles.writeSynced(temporary, text);
        if (trusted(file)) {
            DurableFiles.rename(file, previous);
        }
        // an untrusted newest is simply replaced: moving it would destroy a good previous generation
        DurableFiles.rename(temporary, file);
        DurableFiles.syncDirectory(directory);
    }

    private static boolean trusted(Path path) {
        try {
            read(path);
            return true;
        } catch (Unusable e) {
            return false;
        }
    }

    /** @throws IllegalArgumentException naming a field that is not finite, which no load would accept */
    private static byte[] encode(SavedState saved) {
        StringBuilder lines = new StringBuilder();
        lines.append(FORMAT_PREFIX).append(FORMAT).append('\n');
        line(lines, STARTS, Long.toString(saved.counters().starts()));
        line(lines, LATCHED, saved.latched().isEmpty() ? NONE
                : String.join(",", saved.latched().stream().sorted().map(FaultId::id).toList()));
        StringBuilder trips = new StringBuilder();
        saved.counters().trips().forEach((id, count) ->
                trips.append(trips.length() == 0 ? "" : ",").append(id.id()).append(':').append(count));
        line(lines, TRIPS, trips.length() == 0 ? NONE : trips.toString());
        if (!saved.configDigest().isEmpty()) {
            line(lines, CONFIG, saved.configDigest());
        }
        if (saved.soc().isEmpty()) {
            line(lines, SOC, NONE);
        } else {
            encodeSoc(lines, saved.soc().get());
        }
        if (!saved.balanced_mAh().isEmpty()) {
            StringBuilder values = new StringBuilder();
            for (double value : saved.balanced_mAh()) {
                values.append(values.length() == 0 ? "" : ",").append(decimal(BALANCED, value));
            }
            line(lines, BALANCED, values.toString());
        }
        byte[] body = lines.toString().getBytes(StandardCharsets.UTF_8);
        lines.append(CRC_PREFIX).append(checksum(body, body.length)).append('\n');
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void encodeSoc(StringBuilder lines, SocState state) {
        line(lines, SAVED_AT, Long.toString(state.savedAt_ms()));
        line(lines, CHARGE, decimal(CHARGE, state.charge_mAs()));
        line(lines, DISPLAYED, decimal(DISPLAYED, state.displayed_pct()));
        line(lines, MIN_CELL_SOC, decimal(MIN_CELL_SOC, state.minCellSoc_pct()));
        line(lines, MAX_CELL_SOC, decimal(MAX_CELL_SOC, state.maxCellSoc_pct()));
        line(lines, CAPACITY, decimal(CAPACITY, state.capacity_mAh()));
        line(lines, LEARNINGS, Integer.toString(state.capacityLearnings()));
        line(lines, UNCERTAINTY, decimal(UNCERTAINTY, state.uncertainty_pct()));
        line(lines, OFFSET, decimal(OFFSET, state.offset_mA()));
        line(lines, DISCHARGED, decimal(DISCHARGED, state.discharged_mAh()));
        line(lines, LAST_CALIBRATION, state.lastCalibration().id());
        line(lines, LAST_CALIBRATION_AT, Long.toString(state.lastCalibrationAt_ms()));
        SocState.Anchor anchor = state.anchor();
        if (anchor == null) {
            line(lines, ANCHOR, NO_ANCHOR);
        } else {
            line(lines, ANCHOR_SOC, decimal(ANCHOR_SOC, anchor.soc_pct()));
            line(lines, ANCHOR_COUNTED, decimal(ANCHOR_COUNTED, anchor.countedSince_mAs()));
            line(lines, ANCHOR_MIN_TEMPERATURE, Integer.toString(anchor.minTemperature_dC()));
            line(lines, ANCHOR_MAX_TEMPERATURE, Integer.toString(anchor.maxTemperature_dC()));
        }
    }

    private static void line(StringBuilder lines, String key, String value) {
        lines.append(key).append(' ').append(value).append('\n');
    }

    // Double.toString gives the shortest text that parses back to the same double
    private static String decimal(String key, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(key + " is " + value);
        }
        return Double.toString(value);
    }

    private static SavedState read(Path path) throws Unusable {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new Unusable("it is missing");
        } catch (IOException e) {
            throw new Unusable("it cannot be read: " + reason(e));
        }
        if (bytes.length == 0) {
            throw new Unusable("it is empty");
        }
        if (bytes[bytes.length - 1] != '\n') {
            throw new Unusable("it is torn: its last line is incomplete");
        }
        int crcLine = bytes.length - 1;
        while (crcLine > 0 && bytes[crcLine - 1] != '\n') {
            crcLine--;
        }
        String last = new String(bytes, crcLine, bytes.length - 1 - crcLine, StandardCharsets.UTF_8);
        if (!last.startsWith(CRC_PREFIX)) {
            throw new Unusable("it is torn: it has no checksum line");
        }
        if (!last.substring(CRC_PREFIX.length()).equalsIgnoreCase(checksum(bytes, crcLine))) {
            throw new Unusable("its checksum does not match");
        }
        return parse(new String(bytes, 0, crcLine, StandardCharsets.UTF_8));
    }

    private static SavedState parse(String body) throws Unusable {
        String[] lines = body.split("\n");
        if (!lines[0].startsWith(FORMAT_PREFIX)) {
            throw new Unusable("it does not start with a format line");
        }
        String format = lines[0].substring(FORMAT_PREFIX.length());
        if (!format.equals(FORMAT)) {
            throw new Unusable("it is in format '" + format + "', which this version cannot read");
        }
        Fields fields = new Fields();
        for (int i = 1; i < lines.length; i++) {
            fields.add(lines[i]);
        }
        Optional<SocState> soc = Optional.empty();
        if (fields.has(SOC)) {
            if (!fields.text(SOC).equals(NONE)) {
                throw new Unusable("'" + SOC + "' is '" + fields.text(SOC) + "' instead of '" + NONE + "'");
            }
        } else {
            soc = Optional.of(soc(fields));
        }
        long starts = fields.whole(STARTS);
        if (starts < 0) {
            throw new Unusable("'" + STARTS + "' is " + starts + ", below zero");
        }
        return new SavedState(soc, balanced(fields), latched(fields), new Counters(starts, trips(fields)),
                fields.has(CONFIG) ? fields.text(CONFIG) : "");
    }

    private static SocState soc(Fields fields) throws Unusable {
        String calibrationId = fields.text(LAST_CALIBRATION);
        SocCalibration calibration = SocCalibration.fromId(calibrationId)
                .orElseThrow(() -> new Unusable("it names an unknown calibration '" + calibrationId + "'"));
        return new SocState(
                fields.whole(SAVED_AT),
                fields.finite(CHARGE),
                fields.finite(DISPLAYED),
                fields.finite(MIN_CELL_SOC),
                fields.finite(MAX_CELL_SOC),
                fields.finite(CAPACITY),
                fields.wholeInt(LEARNINGS),
                fields.finite(UNCERTAINTY),
                fields.finite(OFFSET),
                fields.finite(DISCHARGED),
                calibration,
                fields.whole(LAST_CALIBRATION_AT),
                anchor(fields));
    }

    private static Set<FaultId> latched(Fields fields) throws Unusable {
        String text = fields.text(LATCHED);
        Set<FaultId> latched = EnumSet.noneOf(FaultId.class);
        if (text.equals(NONE)) {
            return latched;
        }
        for (String id : text.split(",", -1)) {
            latched.add(FaultId.fromId(id)
                    .orElseThrow(() -> new Unusable("'" + LATCHED + "' names an unknown fault '" + id + "'")));
        }
        return latched;
    }

    private static Map<FaultId, Long> trips(Fields fields) throws Unusable {
        String text = fields.text(TRIPS);
        Map<FaultId, Long> trips = new EnumMap<>(FaultId.class);
        if (text.equals(NONE)) {
            return trips;
        }
        for (String entry : text.split(",", -1)) {
            int colon = entry.indexOf(':');
            if (colon < 0) {
                throw new Unusable("'" + TRIPS + "' has '" + entry + "', not fault:count");
            }
            String id = entry.substring(0, colon);
            FaultId fault = FaultId.fromId(id)
                    .orElseThrow(() -> new Unusable("'" + TRIPS + "' names an unknown fault '" + id + "'"));
            long count;
            try {
                count = Long.parseLong(entry.substring(colon + 1));
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (count < 0) {
                throw new Unusable("'" + TRIPS + "' has '" + entry + "', not fault:count");
            }
            trips.put(fault, count);
        }
        return trips;
    }

    /** Optional: a state saved before balancing was counted has none. */
    private static List<Double> balanced(Fields fields) throws Unusable {
        if (!fields.has(BALANCED)) {
            return List.of();
        }
        List<Double> values = new ArrayList<>();
        for (String text : fields.text(BALANCED).split(",", -1)) {
            double value;
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new Unusable("'" + BALANCED + "' has '" + text + "', which is not a number");
            }
            if (!Double.isFinite(value) || value < 0) {
                throw new Unusable("'" + BALANCED + "' has " + text + ", which no bleeding gives");
            }
            values.add(value);
        }
        return values;
    }

    private static SocState.Anchor anchor(Fields fields) throws Unusable {
        if (!fields.has(ANCHOR)) {
            return new SocState.Anchor(fields.finite(ANCHOR_SOC), fields.finite(ANCHOR_COUNTED),
                    fields.wholeInt(ANCHOR_MIN_TEMPERATURE), fields.wholeInt(ANCHOR_MAX_TEMPERATURE));
        }
        String value = fields.text(ANCHOR);
        if (!value.equals(NO_ANCHOR)) {
            throw new Unusable("'" + ANCHOR + "' is '" + value + "' instead of '" + NO_ANCHOR + "'");
        }
        for (String key : List.of(ANCHOR_SOC, ANCHOR_COUNTED, ANCHOR_MIN_TEMPERATURE, ANCHOR_MAX_TEMPERATURE)) {
            if (fields.has(key)) {
                throw new Unusable("it has both '" + ANCHOR + " " + NO_ANCHOR + "' and '" + key + "'");
            }
        }
        return null;
    }

    private static String checksum(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return String.format("%08x", crc.getValue());
    }

    // the JDK gives only the path as the message of these two
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return e.getMessage() + ": permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return e.getMessage() + ": no such file or directory";
        }
        return e.getMessage();
    }

    /** The {@code key value} lines of one file. */
    private static final class Fields {

        private final Map<String, String> values = new HashMap<>();

        void add(String line) throws Unusable {
            int space = line.indexOf(' ');
            if (space <= 0) {
                throw new Unusable("the line '" + line + "' is not 'key value'");
            }
            String key = line.substring(0, space);
            if (!KEYS.contains(key)) {
                throw new Unusable("it has an unknown key '" + key + "'");
            }
            if (values.putIfAbsent(key, line.substring(space + 1)) != null) {
                throw new Unusable("it has '" + key + "' twice");
            }
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        String text(String key) throws Unusable {
            String value = values.get(key);
            if (value == null) {
                throw new Unusable("it lacks '" + key + "'");
            }
            return value;
        }

        double finite(String key) throws Unusable {
            String text = text(key);
            double value;
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new Unusable("'" + key + "' is not a number: '" + text + "'");
            }
            if (!Double.isFinite(value)) {
                throw new Unusable("'" + key + "' is " + text + ", not a finite number");
            }
            return value;
        }

        long whole(String key) throws Unusable {
            String text = text(key);
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new Unusable("'" + key + "' is not a whole number: '" + text + "'");
            }
        }

        int wholeInt(String key) throws Unusable {
            String text = text(key);
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new Unusable("'" + key + "' is not a whole number: '" + text + "'");
            }
        }
    }

    /** Why one file cannot be trusted; the message completes "&lt;file&gt; cannot be used: ". */
    private static final class Unusable extends Exception {

        Unusable(String reason) {
            super(reason);
        }
    }
}
