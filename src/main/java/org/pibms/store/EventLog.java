package org.pibms.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.pibms.core.Event;
import org.pibms.core.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log writer: pibms's "system log in flash". {@link #append} only queues, so the
 * control loop never waits for the SD card; one thread of its own appends each batch to
 * {@code events.log} and syncs it. The file is rotated before it grows beyond its size cap and
 * only {@code keepFiles} rotated files are kept, so the log never fills the card.
 *
 * <p>At open, a record cut off by a crash is cut away, so the next record starts on a line of
 * its own. When the disk is full or read-only, the records wait in memory (at most
 * {@link #BACKLOG} of them; beyond that the oldest are dropped and counted), the failure is
 * reported at most once a minute, and the write is tried again every {@link #RETRY_ms} ms.
 */
public final class EventLog implements EventSink, AutoCloseable {

    static final int QUEUE = 1024;
    static final int BACKLOG = 4096;
    static final long RETRY_ms = 5000;

    private static final Logger log = LoggerFactory.getLogger(EventLog.class);

    private final Path directory;
    private final long maxFileBytes;
    private final int keepFiles;
    private final ArrayBlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
    private final ArrayDeque<EventRecord> backlog = new ArrayDeque<>();
    private final FailureReport failures;
    private final Optional<EventRecord> lastAtOpen;
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong queueOverflows = new AtomicLong();
    private final Thread writer;
    private final Object progress = new Object();

    // writer thread only
    private FileChannel channel;
    private long size;
    private long nextSeq;
    private long dropped;

    // guarded by progress: what flush() waits for
    private long handled;
    private int waiting;

    private volatile boolean closing;

    private EventLog(Path directory, long maxFileBytes, int keepFiles, LongSupplier nanoTime,
            Optional<EventRecord> last) {
        this.directory = directory;
        this.maxFileBytes = maxFileBytes;
        this.keepFiles = keepFiles;
        this.failures = new FailureReport(log, "the event log to " + EventLogFiles.current(directory), nanoTime);
        this.lastAtOpen = last;
        this.nextSeq = last.map(r -> r.seq() + 1).orElse(1L);
        this.writer = new Thread(this::writeLoop, "pibms-events");
        this.writer.setDaemon(true);
    }

    /**
     * Opens the log in {@code directory} and starts its writer. A log that cannot be read or
     * written yet is reported, and written once it can.
     */
    public static EventLog open(Path directory, long maxFileBytes, int keepFiles) {
        return open(directory, maxFileBytes, keepFiles, System::nanoTime);
    }

    static EventLog open(Path directory, long maxFileBytes, int keepFiles, LongSupplier nanoTime) {
        Optional<EventRecord> last = Optional.empty();
        try {
            last = EventLogFiles.last(directory);
        } catch (IOException e) {
            log.error("cannot read the event log in {}: {}", directory, e.getMessage());
        }
        EventLog eventLog = new EventLog(directory, maxFileBytes, keepFiles, nanoTime, last);
        eventLog.writer.start();
        return eventLog;
    }

    /** The newest whole record when the log was opened: how the previous run ended. */
    public Optional<EventRecord> lastAtOpen() {
        return lastAtOpen;
    }

    /** Queues the event; never blocks. When the queue is full the event is dropped and counted. */
    @Override
    public void append(Event event) {
        if (queue.offer(event)) {
            appended.incrementAndGet();
        } else {
            queueOverflows.incrementAndGet();
        }
    }

    /**
     * Waits until every event appended so far is on the disk, or for at most {@code timeout_ms}.
     *
     * @return true if they all are
     */
    public boolean flush(long timeout_ms) throws InterruptedException {
        long target = appended.get();
        long deadline = System.nanoTime() + timeout_ms * 1_000_000L;
        synchronized (progress) {
            while (handled < target || waiting > 0) {
                long left_ns = deadline - System.nanoTime();
                if (left_ns <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left_ns);
            }
        }
        return true;
    }

    /** Writes what is queued (waiting at most {@code timeout_ms}), then stops the writer. */
    public void close(long timeout_ms) {
        try {
            if (!flush(timeout_ms)) {
                log.error("the event log could not write its last records within {} ms", timeout_ms);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closing = true;
        writer.interrupt();
        try {
            writer.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(1000);
    }

    // ---- the writer thread ----

    private void writeLoop() {
        while (!closing) {
            Event first;
            try {
                first = backlog.isEmpty() ? queue.take() : queue.poll(RETRY_ms, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                if (closing) {
                    break;
                }
                continue;
            }
            int taken = 0;
            if (first != null) {
                number(first);
                taken = 1;
                Event next;
                while ((next = queue.poll()) != null) {
                    number(next);
                    taken++;
                }
            }
            dropped += queueOverflows.getAndSet(0);
            writeBacklog();
            synchronized (progress) {
                handled += taken;
                waiting = backlog.size();
                progress.notifyAll();
            }
        }
        closeChannel();
    }

    private void number(Event event) {
        if (backlog.size() >= BACKLOG) {
            backlog.removeFirst();
            dropped++;
        }
        backlog.addLast(new EventRecord(nextSeq++, event));
    }

    private void writeBacklog() {
        if (backlog.isEmpty()) {
            return;
        }
        try {
            while (!backlog.isEmpty()) {
                write(backlog.peekFirst().line());
                backlog.removeFirst();
            }
            channel.force(false);
            failures.succeeded();
            noteDropped();
        } catch (IOException e) {
            closeChannel();
            failures.failed(e instanceof NoSuchFileException ? "no such directory: " + directory
                    : String.valueOf(e.getMessage()));
        }
    }

    /** Records, once the log can be written again, how many records were lost meanwhile. */
    private void noteDropped() throws IOException {
        if (dropped == 0) {
            return;
        }
        EventRecord note = new EventRecord(nextSeq++, Event.of(System.currentTimeMillis(), Event.Kind.STORAGE,
                dropped + " events were lost: the event log could not keep up or could not be written",
                "lost", dropped));
        write(note.line());
        channel.force(false);
        dropped = 0;
    }

    private void write(byte[] line) throws IOException {
        if (channel == null) {
            openChannel();
        }
        if (size > 0 && size + line.length > maxFileBytes) {
            rotate();
        }
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        size += line.length;
    }

    /** Opens {@code events.log} for appending, first cutting away a record a crash left unfinished. */
    private void openChannel() throws IOException {
        Files.createDirectories(directory);
        Path file = EventLogFiles.current(directory);
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        long length = channel.size();
        if (length > 0) {
            ByteBuffer tail = ByteBuffer.allocate((int) Math.min(length, 64 * 1024));
            channel.read(tail, length - tail.capacity());
            byte[] bytes = tail.array();
            int whole = EventLogFiles.wholeLength(bytes);
            if (whole < bytes.length) {
                long cut = length - (bytes.length - whole);
                log.warn("the event log {} ended in a record cut off by a crash or power cut ({} bytes): removed",
                        file, length - cut);
                channel.truncate(cut);
                length = cut;
            }
        }
        channel.position(length);
        size = length;
    }

    /** events.log becomes events.log.1, .1 becomes .2, …; the oldest beyond keepFiles is deleted. */
    private void rotate() throws IOException {
        channel.force(false);
        closeChannel();
        Files.deleteIfExists(EventLogFiles.rotated(directory, keepFiles));
        for (int generation = keepFiles - 1; generation >= 1; generation--) {
            Path from = EventLogFiles.rotated(directory, generation);
            if (Files.exists(from)) {
                DurableFiles.rename(from, EventLogFiles.rotated(directory, generation + 1));
            }
        }
        Path current = EventLogFiles.current(directory);
        if (keepFiles > 0) {
            DurableFiles.rename(current, EventLogFiles.rotated(directory, 1));
        } else {
            Files.deleteIfExists(current);
        }
        DurableFiles.syncDirectory(directory);
        openChannel();
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // the data was synced or is still in the backlog
            }
            channel = null;
        }
    }
}
