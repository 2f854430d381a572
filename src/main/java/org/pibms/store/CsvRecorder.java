package org.pibms.store;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.pibms.core.Measurement;
import org.pibms.core.MeasurementRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every tick's measurements (or one every {@code interval_ms}) to a CSV file that
 * {@link MeasurementCsv} reads back for {@code pibms replay}.
 *
 * <p>The control thread only copies primitives into a preallocated ring; the {@code pibms-recorder}
 * thread formats and writes them. The two share nothing but the ring and its two indices, each
 * written by one side only, so neither ever waits for the other: a slow or failing disk costs rows,
 * never a late tick. The file is rotated by size, and a file that cannot be written is given up
 * and retried now and then rather than failing the daemon.
 */
public final class CsvRecorder implements MeasurementRecorder, AutoCloseable {

    static final int CAPACITY_ROWS = 4096;
    static final long RETRY_ns = TimeUnit.SECONDS.toNanos(60);
    private static final long FLUSH_ns = TimeUnit.SECONDS.toNanos(1);
    /** The writer's sleep once the ring is empty; the ring holds 40 s of 10 ms ticks, so the delay costs nothing. */
    private static final long IDLE_ns = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long CLOSE_WAIT_ms = 2_000;
    /** The longest field with its comma: "-2147483648," and "-9223372036854775808,". */
    private static final int MAX_INT_CHARS = 12;
    private static final int MAX_LONG_CHARS = 21;

    private static final int CURRENT_VALID = 1;
    private static final int PACK_VALID = 1 << 1;
    private static final int CELLS_VALID = 1 << 2;
    private static final int CHARGE_MOS = 1 << 3;
    private static final int DISCHARGE_MOS = 1 << 4;

    private static final Logger log = LoggerFactory.getLogger(CsvRecorder.class);

    private final Path file;
    private final int interval_ms;
    private final long maxFileBytes;
    private final int keepFiles;
    private final int cellCount;
    private final int sensorCount;
    private final String header;
    private final long retry_ns;

    private final int capacityRows;
    private final long[] rowTime_ms;
    private final int[] rowFlags;
    private final int[] rowCurrent_mA;
    private final int[] rowPack_mV;
    private final int[] rowCell_mV;
    private final int[] rowTemperature_dC;
    private final boolean[] rowTemperatureValid;
    /** Rows published; written by the control thread only, with release semantics after the row's data. */
    private final AtomicLong published = new AtomicLong();
    /** Rows taken; written by the writer only, after it has read the row's data. */
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong droppedWhileFull = new AtomicLong();

    // control thread only
    private boolean anyRow;
    private long lastRow_ms;

    // writer thread only (and the starting thread before the writer starts)
    private final Thread writer;
    private final StringBuilder row;
    private final char[] rowChars;
    private BufferedWriter out;
    private long fileBytes;
    private int fileRows;
    private boolean unflushed;
    private long lastFlush_ns;
    private boolean failing;
    private long nextRetry_ns;
    private long droppedWhileFullReported;
    private long droppedWhileFailingAtFailure;
    /** Volatile only so {@link #droppedRows()} can be read from another thread. */
    private volatile long droppedWhileFailing;

    private volatile boolean closing;

    private CsvRecorder(Path file, int interval_ms, long maxFileBytes, int keepFiles, int cellCount,
            List<String> temperatureNames, int capacityRows, long retry_ns) {
        this.file = file;
        this.interval_ms = interval_ms;
        this.maxFileBytes = maxFileBytes;
        this.keepFiles = keepFiles;
        this.cellCount = cellCount;
        this.sensorCount = temperatureNames.size();
        this.header = header(cellCount, temperatureNames);
        this.retry_ns = retry_ns;
        this.capacityRows = capacityRows;
        this.rowTime_ms = new long[capacityRows];
        this.rowFlags = new int[capacityRows];
        this.rowCurrent_mA = new int[capacityRows];
        this.rowPack_mV = new int[capacityRows];
        this.rowCell_mV = new int[capacityRows * cellCount];
        this.rowTemperature_dC = new int[capacityRows * sensorCount];
        this.rowTemperatureValid = new boolean[capacityRows * sensorCount];
        this.rowChars = new char[MAX_LONG_CHARS + (2 + cellCount + sensorCount) * MAX_INT_CHARS + 4];
        this.row = new StringBuilder(rowChars.length);
        this.lastFlush_ns = System.nanoTime();
        this.writer = new Thread(this::writeLoop, "pibms-recorder");
        writer.setDaemon(true);
    }

    /**
     * Starts recording to {@code path}. An existing file there is rotated away first, as its
     * columns may differ.
     *
     * @param interval_ms      at least this long between rows; 0 records every call
     * @param maxFileBytes     the size at which the file is rotated
     * @param keepFiles        how many rotated files ({@code path.1}, {@code path.2}, …) to keep
     * @param temperatureNames the configured sensors, in their configured order
     * @throws StoreException if the file's directory cannot be created or written
     */
    public static CsvRecorder start(Path path, int interval_ms, long maxFileBytes, int keepFiles, int cellCount,
            List<String> temperatureNames) throws StoreException {
        return start(path, interval_ms, maxFileBytes, keepFiles, cellCount, temperatureNames, CAPACITY_ROWS, RETRY_ns);
    }

    static CsvRecorder start(Path path, int interval_ms, long maxFileBytes, int keepFiles, int cellCount,
            List<String> temperatureNames, int capacityRows, long retry_ns) throws StoreException {
        if (interval_ms < 0 || maxFileBytes <= 0 || keepFiles < 0 || cellCount < 1
                || cellCount > Measurement.MAX_CELLS || capacityRows < 1) {
            throw new IllegalArgumentException("unusable recorder settings: interval " + interval_ms + " ms, "
                    + maxFileBytes + " bytes per file, " + keepFiles + " files kept, " + cellCount + " cells, "
                    + capacityRows + " rows queued");
        }
        Path directory = path.toAbsolutePath().getParent();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StoreException("cannot create the directory for the measurement recording " + path + ": "
                    + reason(e), e);
        }
        if (!Files.isWritable(directory)) {
            throw new StoreException("the directory " + directory + " for the measurement recording " + path
                    + " is not writable by this user");
        }
        if (Files.isDirectory(path)) {
            throw new StoreException("the measurement recording " + path + " is a directory; name a file");
        }
        CsvRecorder recorder = new CsvRecorder(path, interval_ms, maxFileBytes, keepFiles, cellCount,
                temperatureNames, capacityRows, retry_ns);
        try {
            recorder.openNewFile();
        } catch (IOException e) {
            // a full disk must not keep the pack unprotected; the writer retries
            recorder.failed(e);
        }
        recorder.writer.start();
        return recorder;
    }

    private static String header(int cellCount, List<String> temperatureNames) {
        StringBuilder header = new StringBuilder(MeasurementCsv.TIME).append(',').append(MeasurementCsv.CURRENT)
                .append(',').append(MeasurementCsv.PACK);
        for (int cell = 0; cell < cellCount; cell++) {
            header.append(',').append(MeasurementCsv.cellColumn(cell));
        }
        for (String name : temperatureNames) {
            header.append(',').append(MeasurementCsv.temperatureColumn(name));
        }
        return header.append(',').append(MeasurementCsv.CHARGE_MOS).append(',').append(MeasurementCsv.DISCHARGE_MOS)
                .append('\n').toString();
    }

    @Override
    public void record(long time_ms, Measurement m, boolean chargeMos, boolean dischargeMos) {
        if (interval_ms > 0 && anyRow) {
            long since_ms = time_ms - lastRow_ms;
            // a clock set back would otherwise stop the recording until it caught up again
            if (since_ms >= 0 && since_ms < interval_ms) {
                return;
            }
        }
        anyRow = true;
        lastRow_ms = time_ms;

        long next = published.get();
        if (next - taken.get() >= capacityRows) {
            droppedWhileFull.incrementAndGet();
            return;
        }
        int slot = (int) (next % capacityRows);
        rowTime_ms[slot] = time_ms;
        int flags = (chargeMos ? CHARGE_MOS : 0) | (dischargeMos ? DISCHARGE_MOS : 0);
        if (m.currentValid()) {
            flags |= CURRENT_VALID;
            rowCurrent_mA[slot] = m.current_mA();
        }
        if (m.packVoltageValid()) {
            flags |= PACK_VALID;
            rowPack_mV[slot] = m.packVoltage_mV();
        }
        if (m.cellVoltagesValid()) {
            flags |= CELLS_VALID;
            int base = slot * cellCount;
            for (int cell = 0; cell < cellCount; cell++) {
                rowCell_mV[base + cell] = m.cellVoltage_mV(cell);
            }
        }
        int base = slot * sensorCount;
        for (int sensor = 0; sensor < sensorCount; sensor++) {
            boolean valid = m.temperatureValid(sensor);
            rowTemperatureValid[base + sensor] = valid;
            if (valid) {
                rowTemperature_dC[base + sensor] = m.temperature_dC(sensor);
            }
        }
        rowFlags[slot] = flags;
        published.lazySet(next + 1);
    }

    private void writeLoop() {
        while (true) {
            // read before draining: whatever was recorded before close() is then written
            boolean stopping = closing;
            drain();
            if (stopping) {
                break;
            }
            caughtUp();
            LockSupport.parkNanos(IDLE_ns);
        }
        caughtUp();
        if (out != null) {
            closeFile();
        }
        if (failing) {
            log.warn("recorder: stopped while {} could not be written; {} rows were not recorded", file,
                    droppedWhileFailing - droppedWhileFailingAtFailure);
        }
    }

    private void drain() {
        long next = taken.get();
        long available;
        while ((available = published.get()) != next) {
            retryIfDue();
            while (next != available) {
                write((int) (next % capacityRows));
                next++;
                taken.lazySet(next);
            }
            if (out != null && System.nanoTime() - lastFlush_ns >= FLUSH_ns) {
                flush();
            }
        }
        retryIfDue();
    }

    private void write(int slot) {
        if (out == null) {
            droppedWhileFailing++;
            return;
        }
        format(slot);
        int length = row.length();
        row.getChars(0, length, rowChars, 0);
        try {
            if (fileRows > 0 && fileBytes + length > maxFileBytes) {
                out.close();
                out = null;
                openNewFile();
            }
            out.write(rowChars, 0, length);
            fileBytes += length;
            fileRows++;
            unflushed = true;
        } catch (IOException e) {
            failed(e);
            droppedWhileFailing++;
        }
    }

    private void format(int slot) {
        int flags = rowFlags[slot];
        row.setLength(0);
        row.append(rowTime_ms[slot]).append(',');
        if ((flags & CURRENT_VALID) != 0) {
            row.append(rowCurrent_mA[slot]);
        }
        row.append(',');
        if ((flags & PACK_VALID) != 0) {
            row.append(rowPack_mV[slot]);
        }
        row.append(',');
        boolean cellsValid = (flags & CELLS_VALID) != 0;
        int base = slot * cellCount;
        for (int cell = 0; cell < cellCount; cell++) {
            if (cellsValid) {
                row.append(rowCell_mV[base + cell]);
            }
            row.append(',');
        }
        base = slot * sensorCount;
        for (int sensor = 0; sensor < sensorCount; sensor++) {
            if (rowTemperatureValid[base + sensor]) {
                row.append(rowTemperature_dC[base + sensor]);
            }
            row.append(',');
        }
        row.append((flags & CHARGE_MOS) != 0 ? '1' : '0').append(',')
                .append((flags & DISCHARGE_MOS) != 0 ? '1' : '0').append('\n');
    }

    /** Rotates away whatever is at the path and starts a file with the header. */
    private void openNewFile() throws IOException {
        if (Files.exists(file)) {
            rotate();
        }
        // CREATE_NEW: never append to a file whose columns may differ
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        out.write(header);
        fileBytes = header.getBytes(StandardCharsets.UTF_8).length;
        fileRows = 0;
        unflushed = true;
    }

    private void rotate() throws IOException {
        if (keepFiles == 0) {
            Files.delete(file);
            return;
        }
        // replacing the last one deletes the oldest
        for (int n = keepFiles; n >= 1; n--) {
            Path older = n == 1 ? file : rotated(n - 1);
            if (Files.exists(older)) {
                Files.move(older, rotated(n), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private Path rotated(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private void flush() {
        lastFlush_ns = System.nanoTime();
        try {
            out.flush();
            unflushed = false;
        } catch (IOException e) {
            failed(e);
        }
    }

    /** The writer has caught up: the moment to flush, and to say how many rows found the ring full. */
    private void caughtUp() {
        if (out != null && unflushed) {
            flush();
        }
        long dropped = droppedWhileFull.get();
        if (dropped != droppedWhileFullReported) {
            log.warn("recorder: dropped {} rows, the disk was too slow", dropped - droppedWhileFullReported);
            droppedWhileFullReported = dropped;
        }
    }

    private void closeFile() {
        try {
            out.close();
            out = null;
        } catch (IOException e) {
            failed(e);
        }
    }

    /** Gives up the file until the next retry; logs only the first failure, as the rest repeat it. */
    private void failed(IOException e) {
        if (out != null) {
            try {
                out.close();
            } catch (IOException again) {
                // the file is already broken; the first error is the one worth reporting
            }
            out = null;
        }
        nextRetry_ns = System.nanoTime() + retry_ns;
        if (!failing) {
            failing = true;
            droppedWhileFailingAtFailure = droppedWhileFailing;
            log.error("recorder: cannot write {}: {}; measurements are not recorded until it can be written again"
                    + " (retrying every {} s)", file, reason(e), TimeUnit.NANOSECONDS.toSeconds(retry_ns));
        }
    }

    private void retryIfDue() {
        if (!failing || System.nanoTime() - nextRetry_ns < 0) {
            return;
        }
        try {
            openNewFile();
        } catch (IOException e) {
            failed(e);
            return;
        }
        failing = false;
        log.info("recorder: recording to {} again; {} rows were not recorded meanwhile", file,
                droppedWhileFailing - droppedWhileFailingAtFailure);
    }

    private static String reason(IOException e) {
        // these carry nothing but the file name as their message
        if (e instanceof NoSuchFileException) {
            return "no such file or directory: " + e.getMessage();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + e.getMessage();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** Rows lost so far: to a full queue, or while the file could not be written. */
    public long droppedRows() {
        return droppedWhileFull.get() + droppedWhileFailing;
    }

    public Path file() {
        return file;
    }

    /** Writes out what is queued and closes the file; waits at most 2 s for a slow disk. */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(CLOSE_WAIT_ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            log.warn("recorder: {} was not closed within {} ms; its last rows may be missing", file, CLOSE_WAIT_ms);
        }
    }
}
