package org.pibms.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.pibms.bench.BenchReport;
import org.pibms.control.ControlLoop;
import org.pibms.core.settings.Settings;
import org.pibms.transport.ByteLink;
import org.pibms.transport.serial.SerialLink;

/**
 * {@code pibms bench jitter}: does the control tick start on time while every protocol is busy?
 * A daemon on a simulated 16S pack at real-time speed, its control thread real-time
 * (SCHED_FIFO at the default priority, where the system allows it, as under the shipped unit),
 * ticks every 10 ms while three clients flood it as fast as it answers: Modbus TCP reads of 125
 * registers over loopback, ANT status requests on a serial port and CAN frames through an SLCAN
 * adapter, the last two over socat pty pairs so that the daemon's own jSerialComm links carry
 * them. Each tick's start lateness (its start minus its absolute deadline, in real time) is
 * recorded by the loop itself into a preallocated ring ({@link ControlLoop#recordLateness}).
 * Target: p99.9 at most 1 ms.
 *
 * <p>The LTC6813 converts at 14 kHz: at the default 7 kHz a tick that also reads temperatures
 * needs 8.1 ms of conversions, more than the 80 % of a 10 ms tick the config allows.
 */
public final class JitterBench {

    /** The bench cannot run here (socat missing, a pty that does not appear): nothing was measured. */
    public static final class CannotRun extends RuntimeException {

        CannotRun(String message) {
            super(message);
        }
    }

    static final int PERIOD_ms = 10;
    /** The daemon's loop runs this long before the baseline is recorded: its methods get compiled. */
    private static final long BASELINE_WARM_UP_ms = 2_000;
    private static final byte[] ANT_STATUS = ProtocolBench.ANT_NEW_STATUS;
    /** How long a flooding client waits for an answer before it counts a loss and sends again. */
    private static final int CLIENT_TIMEOUT_ms = 1000;

    private JitterBench() {
    }

    public static BenchReport run(boolean quick) {
        long duration_ms = quick ? 5_000 : 60_000;
        long warmUp_ms = quick ? 2_000 : 5_000;
        long baseline_ms = quick ? 2_000 : 10_000;
        requireSocat();
        Path scratch = BenchRig.scratchDirectory();
        List<AutoCloseable> toClose = new ArrayList<>();
        try {
            Pty ant = Pty.open(scratch, "ant");
            toClose.add(ant);
            Pty can = Pty.open(scratch, "can");
            toClose.add(can);
            int tcpPort = freePort();
            Settings settings = BenchRig.settings("""
                    control:
                      period_ms: %d
                    hardware:
                      ltc6813:
                        conversion: 14kHz
                    ports:
                      - device: %s
                        protocol: ant
                    modbus_tcp:
                      enabled: true
                      address: 127.0.0.1
                      port: %d
                    can:
                      transport: slcan
                      device: %s
                      profile: pylon
                    """.formatted(PERIOD_ms, ant.daemonEnd(), tcpPort, can.daemonEnd()), scratch);
            try (Daemon daemon = BenchRig.start(settings)) {
                ControlLoop loop = daemon.loop();
                try {
                    // the daemon alone first, once its loop is compiled: what this machine does to the
                    // loop without the floods, to tell their share from the machine's
                    Thread.sleep(BASELINE_WARM_UP_ms);
                    Window baseline = record(loop, baseline_ms);
                    List<Flood> floods = List.of(new ModbusTcpFlood(tcpPort), new AntFlood(ant.clientEnd()),
                            new CanFlood(can.clientEnd()));
                    toClose.addAll(floods);
                    floods.forEach(Flood::start);
                    // the floods and the daemon's serving threads get compiled, the ports opened (a first
                    // try may fail while socat is still setting up: the daemon retries after 1 s)
                    Thread.sleep(warmUp_ms);
                    floods.forEach(Flood::requireProgress);
                    long[] before = floods.stream().mapToLong(Flood::count).toArray();
                    long heardBefore = daemon.canFramesHeard();
                    Window flooded = record(loop, duration_ms);
                    long heard = daemon.canFramesHeard() - heardBefore;
                    long[] after = floods.stream().mapToLong(Flood::count).toArray();
                    floods.forEach(Flood::requireProgress);
                    return report(quick, baseline, flooded, floods, before, after, heard,
                            daemon.realtimeLoop() ? settings.control().realtimePriority() : 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        } finally {
            // the daemon has closed its ends of the ptys by now: the clients, then socat
            for (int i = toClose.size() - 1; i >= 0; i--) {
                try {
                    toClose.get(i).close();
                } catch (Exception e) {
                    // closing as the bench ends: nothing to report
                }
            }
            BenchRig.delete(scratch);
        }
    }

    /** What one recording window saw: each tick's lateness, and what else happened meanwhile. */
    record Window(long[] sorted_ns, double seconds, long overruns, long collections, long collecting_ms) {
    }

    /** Records every tick's start lateness for {@code duration_ms}, sleeping meanwhile. */
    private static Window record(ControlLoop loop, long duration_ms) throws InterruptedException {
        ControlLoop.LatenessRing ring = new ControlLoop.LatenessRing((int) (2 * duration_ms / PERIOD_ms + 1000));
        long overruns = loop.overruns();
        long[] gc = gc();
        long start_ns = System.nanoTime();
        loop.recordLateness(ring);
        Thread.sleep(duration_ms);
        loop.recordLateness(null);
        double seconds = (System.nanoTime() - start_ns) / 1e9;
        long[] gcAfter = gc();
        long[] sorted = ring.samples();
        Arrays.sort(sorted);
        return new Window(sorted, seconds, loop.overruns() - overruns, gcAfter[0] - gc[0], gcAfter[1] - gc[1]);
    }

    private static BenchReport report(boolean quick, Window baseline, Window flooded, List<Flood> floods,
            long[] before, long[] after, long canHeard, int realtimePriority) {
        long[] sorted = flooded.sorted_ns();
        long late = Arrays.stream(sorted).filter(l -> l >= PERIOD_ms * 1_000_000L).count();
        BenchReport report = new BenchReport("jitter", String.format(Locale.ROOT, "tick start lateness (start minus"
                + " its absolute deadline, real time) of a simulated 16S daemon at time scale 1, control.period_ms %d,"
                + " LTC6813 at 14 kHz, for %.1f s while Modbus TCP (loopback), ANT (socat pty) and SLCAN (socat pty)"
                + " clients flood it, after %.1f s without them (baseline); control thread: %s; this JVM: %s, heap at"
                + " most %d MiB", PERIOD_ms, flooded.seconds(), baseline.seconds(),
                realtimePriority > 0 ? "SCHED_FIFO priority " + realtimePriority
                        : "normal scheduling (SCHED_FIFO was refused: the bench needs root or LimitRTPRIO)",
                collectors(), Runtime.getRuntime().maxMemory() >> 20), quick);
        report.add("lateness p50", BenchRig.quantile_ms(sorted, 0.50), "ms");
        report.add("lateness p99", BenchRig.quantile_ms(sorted, 0.99), "ms");
        report.add("lateness p99.9", BenchRig.quantile_ms(sorted, 0.999), "ms", 1.0);
        report.add("lateness max", sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, "ms");
        report.add("ticks measured", sorted.length, "ticks");
        report.add("ticks expected (duration / period)", Math.floor(flooded.seconds() * 1000 / PERIOD_ms), "ticks");
        report.add("ticks started a whole period late or more", late, "ticks");
        report.add("overruns (counted by the loop, simulated time)", flooded.overruns(), "ticks");
        for (int i = 0; i < floods.size(); i++) {
            report.add(floods.get(i).what() + " per second", (after[i] - before[i]) / flooded.seconds(), "1/s");
        }
        report.add("CAN frames heard by the daemon per second", canHeard / flooded.seconds(), "1/s");
        // the serving threads allocate (answers, SLCAN lines), so the collector runs; a collection
        // that stops every thread is lateness the control loop cannot avoid
        report.add("garbage collections during the run", flooded.collections(), "");
        report.add("time spent collecting", flooded.collecting_ms(), "ms");
        long[] quiet = baseline.sorted_ns();
        report.add("baseline, no floods: lateness p50", BenchRig.quantile_ms(quiet, 0.50), "ms");
        report.add("baseline, no floods: lateness p99", BenchRig.quantile_ms(quiet, 0.99), "ms");
        report.add("baseline, no floods: lateness p99.9", BenchRig.quantile_ms(quiet, 0.999), "ms");
        report.add("baseline, no floods: lateness max", quiet.length == 0 ? 0 : quiet[quiet.length - 1] / 1e6, "ms");
        report.add("baseline, no floods: ticks measured", quiet.length, "ticks");
        return report;
    }

    /** Collections so far and the milliseconds they took, over all of the JVM's collectors. */
    private static long[] gc() {
        long count = 0;
        long time_ms = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, bean.getCollectionCount());
            time_ms += Math.max(0, bean.getCollectionTime());
        }
        return new long[] {count, time_ms};
    }

    /** The garbage collector the figures depend on: the daemon's launcher picks the serial one. */
    private static String collectors() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(" + "));
    }

    private static void requireSocat() {
        try {
            Process probe = new ProcessBuilder("socat", "-V").redirectErrorStream(true).start();
            probe.getInputStream().transferTo(OutputStream.nullOutputStream());
            if (probe.waitFor() != 0) {
                throw new CannotRun("socat -V failed; the bench needs socat for its pty pairs (apt-get install socat)");
            }
        } catch (IOException e) {
            throw new CannotRun("socat is not installed; the bench needs it for its pty pairs (apt-get install socat)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CannotRun("interrupted");
        }
    }

    /** A port nothing listens on now; the daemon binds it a moment later. */
    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new CannotRun("cannot find a free TCP port on loopback: " + e.getMessage());
        }
    }

    /** Two linked pseudo-terminals from socat: the daemon opens one end, a client the other. */
    record Pty(Process socat, Path daemonEnd, Path clientEnd) implements AutoCloseable {

        static Pty open(Path directory, String name) {
            Path daemonEnd = directory.resolve(name + "-daemon");
            Path clientEnd = directory.resolve(name + "-client");
            Process socat;
            try {
                socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + daemonEnd,
                        "pty,raw,echo=0,link=" + clientEnd).redirectErrorStream(true)
                        .redirectOutput(directory.resolve(name + "-socat.log").toFile()).start();
            } catch (IOException e) {
                throw new CannotRun("cannot start socat: " + e.getMessage());
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!(Files.exists(daemonEnd) && Files.exists(clientEnd))) {
                if (System.nanoTime() > deadline || !socat.isAlive()) {
                    socat.destroy();
                    throw new CannotRun("socat did not make the pty pair " + daemonEnd + " / " + clientEnd);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    socat.destroy();
                    Thread.currentThread().interrupt();
                    throw new CannotRun("interrupted");
                }
            }
            return new Pty(socat, daemonEnd, clientEnd);
        }

        @Override
        public void close() throws InterruptedException {
            socat.destroy();
            socat.waitFor();
        }
    }

    /**
     * A client on its own thread, sending as fast as the daemon lets it. A failure ends the client
     * and fails the bench: a flood that stopped would flatter the figures.
     */
    abstract static class Flood implements AutoCloseable {

        private final String what;
        private final Thread thread;
        protected volatile boolean stopped;
        private volatile long count;
        private volatile Exception failure;

        Flood(String what) {
            this.what = what;
            this.thread = new Thread(this::run, "bench-flood-" + what);
            thread.setDaemon(true);
        }

        /** Sends until {@link #stopped}, calling {@link #done()} once per request answered or frame sent. */
        abstract void flood() throws Exception;

        /** Closes what {@link #flood()} opened, which also ends a blocked read. */
        abstract void release();

        final void start() {
            thread.start();
        }

        final String what() {
            return what;
        }

        final long count() {
            return count;
        }

        final void done() {
            count++;
        }

        final void requireProgress() {
            if (failure != null) {
                throw new IllegalStateException(what + ": the flooding client failed: " + failure, failure);
            }
            if (count == 0) {
                throw new IllegalStateException(what + ": the flooding client got nothing through");
            }
        }

        private void run() {
            try {
                flood();
            } catch (Exception e) {
                if (!stopped) {
                    failure = e;
                }
            }
        }

        @Override
        public final void close() throws InterruptedException {
            stopped = true;
            release();
            thread.join(2000);
        }
    }

    /** Modbus TCP over loopback: 03 for 125 registers, the next as soon as the answer is in. */
    static final class ModbusTcpFlood extends Flood {

        private final int port;
        private volatile Socket socket;

        ModbusTcpFlood(int port) {
            super("Modbus TCP reads (125 registers)");
            this.port = port;
        }

        @Override
        void flood() throws Exception {
            // the daemon binds its port as it starts; a refused connection is tried again
            while (socket == null && !stopped) {
                try {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CLIENT_TIMEOUT_ms);
                    socket = s;
                } catch (IOException e) {
                    Thread.sleep(50);
                }
            }
            if (socket == null) {
                return;
            }
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(CLIENT_TIMEOUT_ms);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] request = {0, 0, 0, 0, 0, 6, 1, 0x03, (byte) (ProtocolBench.MODBUS_FIRST >> 8),
                (byte) ProtocolBench.MODBUS_FIRST, 0, (byte) ProtocolBench.MODBUS_COUNT};
            byte[] answer = new byte[7 + 2 + 2 * ProtocolBench.MODBUS_COUNT];
            for (int transaction = 1; !stopped; transaction++) {
                request[0] = (byte) (transaction >> 8);
                request[1] = (byte) transaction;
                out.write(request);
                in.readNBytes(answer, 0, answer.length);
                if (answer[0] != request[0] || answer[1] != request[1] || answer[7] != 0x03) {
                    throw new IOException("unexpected answer to transaction " + transaction);
                }
                done();
            }
        }

        @Override
        void release() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** ANT status requests (new protocol) on the client end of a pty, the next as soon as the answer is in. */
    static final class AntFlood extends Flood {

        private final Path device;
        private volatile ByteLink link;

        AntFlood(Path device) {
            super("ANT status answers");
            this.device = device;
        }

        @Override
        void flood() throws Exception {
            link = SerialLink.opener(device, 19_200, false, CLIENT_TIMEOUT_ms).open();
            byte[] answer = new byte[1024];
            byte[] chunk = new byte[512];
            while (!stopped) {
                link.write(ANT_STATUS);
                // 7E A1 11, address, the length byte, that many data bytes, CRC, AA 55
                int have = 0;
                int need = 6;
                while (have < need) {
                    int count = link.read(chunk);
                    if (count == 0) {
                        break;
                    }
                    System.arraycopy(chunk, 0, answer, have, Math.min(count, answer.length - have));
                    have = Math.min(have + count, answer.length);
                    if (need == 6 && have >= 6) {
                        need = 6 + (answer[5] & 0xFF) + 4;
                    }
                }
                if (have == need && answer[2] == 0x11) {
                    done();
                }
                // a lost or garbled answer: the next request starts afresh, as a real client's would
            }
        }

        @Override
        void release() {
            if (link != null) {
                link.close();
            }
        }
    }

    /**
     * SLCAN frames into the daemon's adapter end: the inverter's 0x305 keep-alive every other
     * frame, else a random standard id with random data, each its own write as an adapter would
     * deliver it. (A real adapter at 500 kbit/s delivers at most about 4000 frames a second; the
     * flood is not limited to that.) A second thread drains what the daemon sends, so its writes never block.
     */
    static final class CanFlood extends Flood {

        private final Path device;
        private volatile ByteLink link;
        private Thread drain;

        CanFlood(Path device) {
            super("CAN frames written");
            this.device = device;
        }

        @Override
        void flood() throws Exception {
            link = SerialLink.opener(device, 115_200, false, 100).open();
            ByteLink opened = link;
            drain = new Thread(() -> {
                byte[] buffer = new byte[1024];
                try {
                    while (!stopped) {
                        opened.read(buffer);
                    }
                } catch (IOException e) {
                    // the bench is closing the link
                }
            }, "bench-flood-can-drain");
            drain.setDaemon(true);
            drain.start();
            // made beforehand, so the client allocates nothing while it floods: its garbage would be
            // collected in the daemon's JVM and count against the daemon
            SplittableRandom random = new SplittableRandom(1);
            byte[][] lines = new byte[1024][];
            for (int i = 0; i < lines.length; i++) {
                byte[] data = new byte[i % 2 == 0 ? 8 : random.nextInt(9)];
                if (i % 2 != 0) {
                    random.nextBytes(data);
                }
                lines[i] = line(i % 2 == 0 ? 0x305 : random.nextInt(0x800), data);
            }
            for (int n = 0; !stopped; n = (n + 1) % lines.length) {
                opened.write(lines[n]);
                done();
            }
        }

        /** A standard frame as an SLCAN adapter reports it: {@code t}, 3 hex digits of id, the length, the data. */
        static byte[] line(int id, byte[] data) {
            StringBuilder line = new StringBuilder(32).append('t').append(String.format("%03X", id)).append(data.length);
            for (byte b : data) {
                line.append(String.format("%02X", b & 0xFF));
            }
            return line.append('\r').toString().getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        void release() {
            if (link != null) {
                link.close();
            }
        }
    }
}
