package org.pibms.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.LogCapture;
import org.pibms.core.Measurement;

class CsvRecorderTest {

    private static final int CELLS = 4;
    private static final List<String> SENSORS = List.of("top", "mos");
    private static final String HEADER = "time_ms,current_mA,pack_mV,cell1_mV,cell2_mV,cell3_mV,cell4_mV,"
            + "temp_top_dC,temp_mos_dC,charge_mos,discharge_mos\n";
    private static final long LARGE_bytes = 100_000_000;

    @TempDir
    Path dir;

    private final Measurement m = new Measurement(CELLS, SENSORS.size());
    @RegisterExtension
    final LogCapture log = new LogCapture(CsvRecorder.class);

    /** The writer thread appends; the appender appends under its own lock, so copy under it. */
    private List<ILoggingEvent> events() {
        synchronized (log) {
            return List.copyOf(log.list);
        }
    }

    private void fill(long time_ms, int seed) {
        m.invalidate(time_ms * 1_000_000);
        m.setCurrent_mA(-1_000 * seed);
        m.setPackVoltage_mV(13_000 + seed);
        for (int cell = 0; cell < CELLS; cell++) {
            m.setCellVoltage_mV(cell, 3_200 + cell + seed);
        }
        m.setCellVoltagesValid(true);
        m.setTemperature_dC(0, 200 + seed);
        m.setTemperature_dC(1, -100 - seed);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline_ns = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline_ns).as("waiting for " + what).isNegative();
            Thread.sleep(10);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void rowsReachTheFileUnderTheExactHeaderWhileRecordingFromADaemonThread() throws Exception {
        Path file = dir.resolve("rec.csv");
        try (CsvRecorder recorder = CsvRecorder.start(file, 0, LARGE_bytes, 2, CELLS, SENSORS)) {
            assertThat(Thread.getAllStackTraces().keySet()).anySatisfy(thread -> {
                assertThat(thread.getName()).isEqualTo("pibms-recorder");
                assertThat(thread.isDaemon()).isTrue();
            });
            fill(1_000, 1);
            recorder.record(1_000, m, true, false);

            await("the row to be flushed without close", () -> read(file).contains("\n1000,"));
            assertThat(read(file)).isEqualTo(HEADER + "1000,-1000,13001,3201,3202,3203,3204,201,-101,1,0\n");
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().equals("pibms-recorder"));
    }

    @Test
    void invalidReadingsAreEmptyFields() throws Exception {
        Path file = dir.resolve("rec.csv");
        try (CsvRecorder recorder = CsvRecorder.start(file, 0, LARGE_bytes, 2, CELLS, SENSORS)) {
            m.invalidate(0);
            m.setPackVoltage_mV(9_000);
            m.setCellVoltage_mV(0, 3_000);
            m.setTemperature_dC(1, -12);
            recorder.record(5, m, false, true);
            m.invalidate(0);
            m.setCurrent_mA(7);
            m.setTemperature_dC(0, 0);
            recorder.record(6, m, false, false);
        }
        assertThat(read(file)).isEqualTo(HEADER + "5,,9000,,,,,,-12,0,1\n" + "6,7,,,,,,0,,0,0\n");
    }

    @Test
    void aRecordedSequenceReadsBackIdentically() throws Exception {
        Path file = dir.resolve("rec.csv");
        Random random = new Random(42);
        List<int[]> expected = new ArrayList<>();
        try (CsvRecorder recorder = CsvRecorder.start(file, 0, LARGE_bytes, 2, CELLS, SENSORS)) {
            for (int row = 0; row < 3_000; row++) {
                long time_ms = 1_700_000_000_000L + 100L * row;
                m.invalidate(time_ms * 1_000_000);
                int flags = random.nextInt(64);
                int current_mA = random.nextInt(2 * 5_000_000 + 1) - 5_000_000;
                int pack_mV = random.nextInt(150_001);
                int[] cells_mV = new int[CELLS];
                for (int cell = 0; cell < CELLS; cell++) {
                    cells_mV[cell] = random.nextInt(6_001);
                    m.setCellVoltage_mV(cell, cells_mV[cell]);
                }
                int top_dC = random.nextInt(2_551) - 550;
                int mos_dC = random.nextInt(2_551) - 550;
                if ((flags & 1) != 0) {
                    m.setCurrent_mA(current_mA);
                }
                if ((flags & 2) != 0) {
                    m.setPackVoltage_mV(pack_mV);
                }
                m.setCellVoltagesValid((flags & 4) != 0);
                if ((flags & 8) != 0) {
                    m.setTemperature_dC(0, top_dC);
                }
                if ((flags & 16) != 0) {
                    m.setTemperature_dC(1, mos_dC);
                }
                boolean chargeMos = (flags & 32) != 0;
                boolean dischargeMos = random.nextBoolean();
                recorder.record(time_ms, m, chargeMos, dischargeMos);
                expected.add(new int[] {row, flags, current_mA, pack_mV, cells_mV[0], cells_mV[1], cells_mV[2],
                        cells_mV[3], top_dC, mos_dC, dischargeMos ? 1 : 0});
            }
            assertThat(recorder.droppedRows()).isZero();
        }

        Measurement back = new Measurement(CELLS, SENSORS.size());
        try (MeasurementCsv csv = MeasurementCsv.open(file, CELLS, SENSORS)) {
            assertThat(csv.hasMosColumns()).isTrue();
            for (int[] row : expected) {
                assertThat(csv.next(back)).as("row %d", row[0]).isTrue();
                int flags = row[1];
                assertThat(csv.time_ms()).isEqualTo(1_700_000_000_000L + 100L * row[0]);
                assertThat(back.time_ns()).isEqualTo(csv.time_ms() * 1_000_000);
                assertThat(back.currentValid()).isEqualTo((flags & 1) != 0);
                assertThat(back.packVoltageValid()).isEqualTo((flags & 2) != 0);
                assertThat(back.cellVoltagesValid()).isEqualTo((flags & 4) != 0);
                assertThat(back.temperatureValid(0)).isEqualTo((flags & 8) != 0);
                assertThat(back.temperatureValid(1)).isEqualTo((flags & 16) != 0);
                if (back.currentValid()) {
                    assertThat(back.current_mA()).isEqualTo(row[2]);
                }
                if (back.packVoltageValid()) {
                    assertThat(back.packVoltage_mV()).isEqualTo(row[3]);
                }
                if (back.cellVoltagesValid()) {
                    for (int cell = 0; cell < CELLS; cell++) {
                        assertThat(back.cellVoltage_mV(cell)).isEqualTo(row[4 + cell]);
                    }
                }
                if (back.temperatureValid(0)) {
                    assertThat(back.temperature_dC(0)).isEqualTo(row[8]);
                }
                if (back.temperatureValid(1)) {
                    assertThat(back.temperature_dC(1)).isEqualTo(row[9]);
                }
                assertThat(csv.chargeMos()).isEqualTo((flags & 32) != 0);
                assertThat(csv.dischargeMos()).isEqualTo(row[10] == 1);
            }
            assertThat(csv.next(back)).isFalse();
            assertThat(csv.skippedRows()).isZero();
            assertThat(csv.badValues()).isZero();
        }
    }

    @Test
    void anIntervalSkipsRowsUntilItHasPassed() throws Exception {
        Path file = dir.resolve("rec.csv");
        try (CsvRecorder recorder = CsvRecorder.start(file, 1_000, LARGE_bytes, 2, CELLS, SENSORS)) {
            for (long time_ms = 0; time_ms <= 5_000; time_ms += 300) {
                fill(time_ms, 1);
                recorder.record(time_ms, m, true, true);
            }
            // the clock set back: recording goes on rather than waiting for it to catch up
            for (long time_ms : new long[] {100, 500, 1_099, 1_100}) {
                fill(time_ms, 1);
                recorder.record(time_ms, m, true, true);
            }
        }
        assertThat(read(file).lines().skip(1).map(row -> Long.parseLong(row.substring(0, row.indexOf(',')))))
                .containsExactly(0L, 1_200L, 2_400L, 3_600L, 4_800L, 100L, 1_100L);
    }

    @Test
    void rotationKeepsTheNewestFilesEachWithTheHeader() throws Exception {
        Path file = dir.resolve("rec.csv");
        int rowBytes = "100,-1000,13001,3201,3202,3203,3204,201,-101,1,1\n".length();
        long maxFileBytes = HEADER.length() + 3L * rowBytes;
        try (CsvRecorder recorder = CsvRecorder.start(file, 0, maxFileBytes, 2, CELLS, SENSORS)) {
            for (int row = 100; row < 200; row++) {
                fill(row, 1);
                recorder.record(row, m, true, true);
            }
        }

        assertThat(dir.resolve("rec.csv.3")).doesNotExist();
        List<Long> times = new ArrayList<>();
        for (Path part : List.of(dir.resolve("rec.csv.2"), dir.resolve("rec.csv.1"), file)) {
            String text = read(part);
            assertThat(text).as(part.toString()).startsWith(HEADER);
            assertThat((long) text.length()).as(part.toString()).isLessThanOrEqualTo(maxFileBytes);
            text.lines().skip(1).forEach(row -> times.add(Long.parseLong(row.substring(0, row.indexOf(',')))));
        }
        // 100 rows, three to a file: the last file holds the 100th alone
        assertThat(times).containsExactly(193L, 194L, 195L, 196L, 197L, 198L, 199L);
    }

    @Test
    void anExistingFileIsRotatedAwayAtStartNeverAppendedTo() throws Exception {
        Path file = dir.resolve("rec.csv");
        Files.writeString(file, "time_ms,current_mA\n1,2\n");
        Files.writeString(dir.resolve("rec.csv.1"), "older\n");
        Files.writeString(dir.resolve("rec.csv.2"), "oldest\n");

        try (CsvRecorder recorder = CsvRecorder.start(file, 0, LARGE_bytes, 2, CELLS, SENSORS)) {
            assertThat(read(dir.resolve("rec.csv.1"))).isEqualTo("time_ms,current_mA\n1,2\n");
            assertThat(read(dir.resolve("rec.csv.2"))).isEqualTo("older\n");
            assertThat(dir.resolve("rec.csv.3")).doesNotExist();
        }
        assertThat(read(file)).isEqualTo(HEADER);

        try (CsvRecorder recorder = CsvRecorder.start(file, 0, LARGE_bytes, 1, CELLS, SENSORS)) {
            assertThat(read(dir.resolve("rec.csv.1"))).isEqualTo(HEADER);
            assertThat(read(dir.resolve("rec.csv.2"))).as("beyond the files to keep").isEqualTo("older\n");
        }

        Files.writeString(file, "time_ms,cur");
        try (CsvRecorder recorder = CsvRecorder.start(file, 0, LARGE_bytes, 0, CELLS, SENSORS)) {
            assertThat(read(dir.resolve("rec.csv.1"))).isEqualTo(HEADER);
        }
        assertThat(read(file)).isEqualTo(HEADER);
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsRefusedAtStart() throws Exception {
        Path notADirectory = dir.resolve("file");
        Files.writeString(notADirectory, "x");
        Path file = notADirectory.resolve("rec.csv");

        assertThatThrownBy(() -> CsvRecorder.start(file, 0, LARGE_bytes, 2, CELLS, SENSORS))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot create the directory for the measurement recording " + file + ": ");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().equals("pibms-recorder"));
    }

    @Test
    void anUnwritableDirectoryIsRefusedAtStart() throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("read-only"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-xr-xr-x")));
        try {
            Assumptions.assumeFalse(Files.isWritable(readOnly), "root may write anywhere");
            Path file = readOnly.resolve("rec.csv");

            assertThatThrownBy(() -> CsvRecorder.start(file, 0, LARGE_bytes, 2, CELLS, SENSORS))
                    .isInstanceOf(StoreException.class)
                    .hasMessage("the directory " + readOnly + " for the measurement recording " + file
                            + " is not writable by this user");
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aVanishedDirectoryIsReportedOnceRetriedAndRecordingResumes() throws Exception {
        Path directory = dir.resolve("usb");
        Path file = directory.resolve("rec.csv");
        // one row per file, so every row opens a new file; retries every 100 ms
        try (CsvRecorder recorder = CsvRecorder.start(file, 0, 1, 1, CELLS, SENSORS, 16,
                TimeUnit.MILLISECONDS.toNanos(100))) {
            fill(1, 1);
            recorder.record(1, m, true, true);
            await("the first row", () -> read(file).contains("\n1,"));

            try (Stream<Path> files = Files.list(directory)) {
                for (Path each : files.toList()) {
                    Files.delete(each);
                }
            }
            Files.delete(directory);
            fill(2, 2);
            recorder.record(2, m, true, true);
            await("the error", () -> !events().isEmpty());
            for (long time_ms = 3; time_ms <= 4; time_ms++) {
                fill(time_ms, 3);
                recorder.record(time_ms, m, true, true);
            }
            Thread.sleep(400); // several retries that fail

            Files.createDirectory(directory);
            await("the recording to resume", () -> events().size() == 2);
            fill(5, 5);
            recorder.record(5, m, true, true);
            await("the row after resuming", () -> read(file).contains("\n5,"));
            assertThat(recorder.droppedRows()).isEqualTo(3);
        }

        assertThat(read(file)).isEqualTo(HEADER + "5,-5000,13005,3205,3206,3207,3208,205,-105,1,1\n");
        assertThat(events()).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage).containsExactly(
                tuple(Level.ERROR, "recorder: cannot write " + file + ": no such file or directory: " + file
                        + "; measurements are not recorded until it can be written again (retrying every 0 s)"),
                tuple(Level.INFO, "recorder: recording to " + file + " again; 3 rows were not recorded meanwhile"));
    }

    @Test
    void rowsThatFindTheQueueFullAreDroppedCountedAndReported() throws Exception {
        Path file = dir.resolve("rec.csv");
        int recorded = 50_000;
        long dropped;
        try (CsvRecorder recorder = CsvRecorder.start(file, 0, LARGE_bytes, 2, CELLS, SENSORS, 16,
                CsvRecorder.RETRY_ns)) {
            for (int row = 0; row < recorded; row++) {
                fill(row, 1);
                recorder.record(row, m, true, true);
            }
            recorder.close();
            dropped = recorder.droppedRows();
        }

        assertThat(dropped).as("a 16-row queue cannot keep up with a tight loop").isPositive();
        assertThat(read(file).lines().count() - 1).isEqualTo(recorded - dropped);
        long reported = 0;
        for (ILoggingEvent event : events()) {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).matches("recorder: dropped \\d+ rows, the disk was too slow");
            reported += Long.parseLong(event.getFormattedMessage().split(" ")[2]);
        }
        assertThat(reported).isEqualTo(dropped);
    }

    /**
     * The control thread's side allocates nothing, whether a row is skipped by the interval,
     * queued, or dropped because the queue is full. As in the control loop's own allocation test,
     * the warm-up runs in rounds until the JIT has settled, since HotSpot allocates on a thread
     * while it compiles and deoptimises that thread's methods.
     *
     * <p>Calls come in bursts of a little more than a queue's worth of rows, with a pause after
     * each for the writer to empty the queue, so every burst queues rows and then drops some.
     */
    @Test
    void recordingAllocatesNothingOnTheControlThread() throws Exception {
        int burstCalls = 12_500; // every third call is due: 4 167 rows for a queue of 4 096
        int roundBursts = 2;
        int measuredBursts = 8;
        int maxWarmUpRounds = 40;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        Path file = dir.resolve("rec.csv");

        long allocated;
        long droppedMeasured;
        int warmUpRounds = 0;
        try (CsvRecorder recorder = CsvRecorder.start(file, 250, 1_000_000, 1, CELLS, SENSORS)) {
            long time_ms = 0;
            boolean measuring = false;
            while (true) {
                long droppedBefore = recorder.droppedRows();
                long compileTime_ms = compiler == null ? 0 : compiler.getTotalCompilationTime();
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int burst = 0; burst < (measuring ? measuredBursts : roundBursts); burst++) {
                    for (int call = 0; call < burstCalls; call++) {
                        time_ms += 100;
                        vary(call);
                        recorder.record(time_ms, m, (call & 1) != 0, (call & 2) != 0);
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(150));
                }
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
                droppedMeasured = recorder.droppedRows() - droppedBefore;
                if (measuring) {
                    break;
                }
                warmUpRounds++;
                boolean quiet = allocated == 0
                        && (compiler == null ? 0 : compiler.getTotalCompilationTime()) == compileTime_ms;
                measuring = quiet || warmUpRounds == maxWarmUpRounds;
            }
        }
        int measuredCalls = measuredBursts * burstCalls;
        System.out.printf("warm-up %d rounds of %d calls; over %d calls, %d rows dropped and %d bytes allocated%n",
                warmUpRounds, roundBursts * burstCalls, measuredCalls, droppedMeasured, allocated);
        assertThat(warmUpRounds).as("rounds until the JIT settled").isLessThan(maxWarmUpRounds);
        assertThat(droppedMeasured).as("rows that found the queue full, of %d due", measuredCalls / 3)
                .isPositive().isLessThan(measuredCalls / 3 / 2);
        assertThat(allocated).as("bytes allocated by %d calls", measuredCalls).isZero();
        assertThat(read(file)).startsWith(HEADER);
    }

    /** Changes the readings and their validity without allocating. */
    private void vary(int call) {
        m.invalidate(call);
        if ((call & 4) != 0) {
            m.setCurrent_mA(call);
        }
        m.setPackVoltage_mV(13_000 + (call & 255));
        for (int cell = 0; cell < CELLS; cell++) {
            m.setCellVoltage_mV(cell, 3_000 + cell + (call & 127));
        }
        m.setCellVoltagesValid((call & 8) != 0);
        m.setTemperature_dC(call & 1, call & 511);
    }
}
