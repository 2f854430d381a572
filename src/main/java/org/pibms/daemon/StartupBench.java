package org.pibms.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.pibms.bench.BenchReport;

/**
 * {@code pibms bench startup}: how fast the daemon comes up and how much memory it then holds,
 * measured on the daemon as users run it. The launcher ({@code /usr/bin/pibms}, or
 * {@code scripts/pibms} in a clone) starts {@code run} on a simulated 16S pack like the demo's,
 * with the JVM flags that launcher gives {@code run}, in the environment systemd gives the
 * service: {@code NOTIFY_SOCKET} pointing at a datagram socket this bench listens on, and
 * {@code WATCHDOG_USEC} of the shipped unit's {@code WatchdogSec=10s}.
 *
 * <p>Start-up is timed from just before the process is created to the arrival of READY=1, which
 * the daemon sends once its first good measurement is published: what {@code Type=notify} makes
 * systemd wait for. The last daemon started is then left running; after the steady period its
 * resident set is read from {@code /proc/<pid>/status}, and its heap after a full collection
 * through {@code jcmd} (when the JDK's jcmd is there; a JRE has none, and the figure is then
 * reported as not measured). It is stopped with SIGTERM, as {@code systemctl stop} does.
 *
 * <p>Every daemon the bench starts is stopped before it returns, also when it fails or the bench's
 * own JVM is told to exit.
 */
public final class StartupBench {

    /** Process start to READY=1. */
    public static final double START_TARGET_ms = 1500;
    /** Resident set once running steadily, with the launcher's JVM flags. */
    public static final double RSS_TARGET_MiB = 96;
    /** Heap in use right after a full collection: what the daemon really keeps. */
    public static final double HEAP_TARGET_MiB = 16;

    /** The shipped unit's TimeoutStartSec: a daemon slower than this fails its start anyway. */
    private static final long START_TIMEOUT_ms = 30_000;
    /** The shipped unit's TimeoutStopSec. */
    private static final long STOP_TIMEOUT_ms = 10_000;
    /** The shipped unit's WatchdogSec, so the daemon runs its watchdog thread as under systemd. */
    private static final long WATCHDOG_us = 10_000_000;
    /** jcmd attaches to the daemon and starts a JVM of its own: generous on a loaded Pi. */
    private static final long JCMD_TIMEOUT_ms = 60_000;
    private static final long RSS_SAMPLE_ms = 1000;
    private static final String INSTALLED_LAUNCHER = "/usr/bin/pibms";

    /** The bench could not measure: no launcher, a daemon that did not start or stop, an I/O error. */
    public static final class Failed extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message);
        }

        Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private StartupBench() {
    }

    /** Runs the bench with the {@link #defaultLauncher() default launcher}. */
    public static BenchReport run(boolean quick) {
        return run(quick, defaultLauncher());
    }

    /**
     * @param quick    one start and 5 s of steady running instead of five starts and 30 s: for CI,
     *                 which only checks the bench still works, so the figures are not judged
     * @param launcher the pibms command that starts the daemon
     * @throws Failed when a daemon does not start, does not stop, or the bench cannot run
     */
    public static BenchReport run(boolean quick, Path launcher) {
        if (!Files.isRegularFile(launcher) || !Files.isExecutable(launcher)) {
            throw new Failed("no pibms launcher at " + launcher + "; name one with --launcher");
        }
        int starts = quick ? 1 : 5;
        long steady_ms = quick ? 5_000 : 30_000;
        Path dir;
        try {
            dir = Files.createTempDirectory("pibms-bench-startup");
        } catch (IOException e) {
            throw new Failed("cannot create a temporary directory: " + e, e);
        }
        Daemons daemons = new Daemons();
        // Ctrl-C or a kill of the bench's own JVM must not leave a daemon (or its files) behind.
        Thread reaper = new Thread(() -> {
            daemons.killAll();
            BenchRig.delete(dir);
        }, "pibms-bench-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            Path config = writeConfig(dir);
            try (Notifications systemd = Notifications.listen(dir.resolve("notify.sock"))) {
                long[] ready_ms = new long[starts];
                long[] cpu_ms = new long[starts];
                Started daemon = null;
                for (int i = 0; i < starts; i++) {
                    daemon = daemons.start(launcher, config, dir.resolve("daemon-" + (i + 1) + ".log"), systemd);
                    ready_ms[i] = daemon.ready_ms();
                    cpu_ms[i] = daemon.cpu_ms();
                    if (i < starts - 1) {
                        daemons.stop(daemon);
                    }
                }
                Steady steady = steady(daemon, steady_ms);
                Heap heap = heap(daemon.jvm());
                long stop_ms = daemons.stop(daemon);
                return report(quick, launcher, starts, steady_ms, ready_ms, cpu_ms, steady, heap, stop_ms,
                        daemon.flags());
            }
        } catch (IOException e) {
            // the temporary directory, the config or the notification socket
            throw new Failed("cannot set the bench up: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted");
        } finally {
            daemons.killAll();
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it finds nothing left to kill
            }
            BenchRig.delete(dir);
        }
    }

    /**
     * The launcher that belongs to the running code: in a clone the jar is {@code target/pibms.jar}
     * (or the classes {@code target/classes}) and the launcher {@code scripts/pibms} beside
     * {@code target}; installed, the jar is {@code /usr/share/pibms/pibms.jar}, which has no
     * {@code scripts} beside it, and the launcher {@code /usr/bin/pibms}.
     */
    public static Path defaultLauncher() {
        Optional<Path> code = codeLocation();
        if (code.isPresent() && code.get().getParent() != null && code.get().getParent().getParent() != null) {
            Path clone = code.get().getParent().getParent().resolve("scripts").resolve("pibms");
            if (Files.isExecutable(clone)) {
                return clone;
            }
        }
        return Path.of(INSTALLED_LAUNCHER);
    }

    private static Optional<Path> codeLocation() {
        CodeSource source = StartupBench.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath().normalize());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty(); // not a file: a jar inside a jar, a custom class loader
        }
    }

    // ---------------------------------------------------------------------------------------
    // The daemons

    /**
     * One daemon that said READY=1.
     *
     * @param jvm   the JVM process: the launcher exec's it, so normally the process itself
     * @param cpu_ms CPU time the JVM had used when READY=1 arrived: on a busy machine the wall
     *               time stretches with the load, this much less
     * @param flags  the JVM's options, as the launcher chose them
     */
    private record Started(Process process, ProcessHandle jvm, long ready_ms, long cpu_ms, String flags, Path log) {
    }

    /** The daemons this bench has started and not yet seen exit. */
    private static final class Daemons {

        private final List<Process> live = new ArrayList<>();

        Started start(Path launcher, Path config, Path log, Notifications systemd)
                throws IOException, InterruptedException {
            ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "run", "--config", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // As systemd starts the service: its notification socket and watchdog, nothing of
            // whatever systemd unit or journal the bench itself may be running under.
            builder.environment().keySet().removeAll(List.of("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
                    "JOURNAL_STREAM", "LISTEN_FDS", "LISTEN_PID"));
            builder.environment().put("NOTIFY_SOCKET", systemd.path().toString());
            builder.environment().put("WATCHDOG_USEC", Long.toString(WATCHDOG_us));
            systemd.clear();
            long start_ns = System.nanoTime();
            Process process = builder.start();
            synchronized (this) {
                live.add(process);
            }
            long ready_ns = systemd.awaitReady(process, start_ns + START_TIMEOUT_ms * 1_000_000, log);
            ProcessHandle jvm = jvmOf(process);
            long cpu_ms = jvm.info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
            return new Started(process, jvm, (ready_ns - start_ns) / 1_000_000, cpu_ms, flags(jvm), log);
        }

        /**
         * SIGTERM, as {@code systemctl stop} sends; SIGKILL after TimeoutStopSec, as systemd does.
         *
         * @return milliseconds from SIGTERM to exit
         */
        long stop(Started daemon) throws InterruptedException {
            Process process = daemon.process();
            // Taken before the signal: once the process is gone its children are no longer its own.
            List<ProcessHandle> children = process.descendants().toList();
            long signalled_ns = System.nanoTime();
            process.destroy();
            boolean exited = process.waitFor(STOP_TIMEOUT_ms, TimeUnit.MILLISECONDS);
            long stop_ms = (System.nanoTime() - signalled_ns) / 1_000_000;
            children.forEach(ProcessHandle::destroyForcibly);
            if (!exited) {
                process.destroyForcibly();
                throw new Failed("the daemon did not stop within " + STOP_TIMEOUT_ms + " ms of SIGTERM; killed it."
                        + " Its output:\n" + tail(daemon.log()));
            }
            synchronized (this) {
                live.remove(process);
            }
            return stop_ms;
        }

        /** Kills what is left; waits for it, so nothing outlives the bench. */
        synchronized void killAll() {
            for (Process process : live) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                try {
                    process.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            live.clear();
        }
    }

    /**
     * The JVM of a launched daemon. The shipped launcher exec's java, so that is the process
     * itself (systemd's NotifyAccess=main depends on it); a launcher that forks instead leaves
     * the JVM as a child.
     */
    private static ProcessHandle jvmOf(Process process) {
        if (isJava(process.toHandle())) {
            return process.toHandle();
        }
        return process.descendants().filter(StartupBench::isJava).findFirst().orElse(process.toHandle());
    }

    private static boolean isJava(ProcessHandle handle) {
        return handle.info().command().map(c -> Path.of(c).getFileName().toString().equals("java")).orElse(false);
    }

    /** The JVM options before {@code -jar}: the flags the launcher chose. */
    private static String flags(ProcessHandle jvm) {
        String[] arguments = jvm.info().arguments().orElse(new String[0]);
        List<String> flags = new ArrayList<>();
        for (String argument : arguments) {
            if (argument.equals("-jar") || argument.equals("-cp") || argument.equals("-classpath")) {
                break;
            }
            flags.add(argument);
        }
        return String.join(" ", flags);
    }

    // ---------------------------------------------------------------------------------------
    // systemd's side of sd_notify

    private record Notification(long received_ns, String message) {
    }

    /**
     * The datagram socket systemd listens on for sd_notify. The JDK cannot receive AF_UNIX
     * datagrams, hence junixsocket, as on the daemon's sending side. A thread of its own takes
     * each message with its arrival time, so the start-up time does not depend on when the bench
     * gets round to looking.
     */
    private static final class Notifications implements AutoCloseable {

        private final Path path;
        private final AFUNIXDatagramChannel channel;
        private final BlockingQueue<Notification> received = new LinkedBlockingQueue<>();

        private Notifications(Path path, AFUNIXDatagramChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        static Notifications listen(Path path) throws IOException {
            AFUNIXDatagramChannel channel = AFUNIXDatagramChannel.open();
            channel.bind(AFUNIXSocketAddress.of(path));
            Notifications notifications = new Notifications(path, channel);
            Thread listener = new Thread(notifications::receive, "pibms-bench-notify");
            listener.setDaemon(true);
            listener.start();
            return notifications;
        }

        Path path() {
            return path;
        }

        private void receive() {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            try {
                while (true) {
                    buffer.clear();
                    channel.receive(buffer);
                    long now_ns = System.nanoTime();
                    received.add(new Notification(now_ns, new String(buffer.array(), 0, buffer.position(),
                            StandardCharsets.UTF_8)));
                }
            } catch (IOException closed) {
                // the bench is over
            }
        }

        /** Forgets what earlier daemons said (their STOPPING=1). */
        void clear() {
            received.clear();
        }

        /**
         * @return the {@link System#nanoTime()} READY=1 arrived at
         * @throws Failed if the daemon exits first or says nothing by the deadline
         */
        long awaitReady(Process daemon, long deadline_ns, Path log) throws InterruptedException {
            while (true) {
                Notification n = received.poll(50, TimeUnit.MILLISECONDS);
                // sd_notify messages are newline-separated assignments; READY=1 comes with a STATUS=
                if (n != null && n.message().lines().anyMatch("READY=1"::equals)) {
                    return n.received_ns();
                }
                if (n == null && !daemon.isAlive()) {
                    throw new Failed("the daemon exited with code " + daemon.exitValue() + " before READY=1. Its"
                            + " output:\n" + tail(log));
                }
                if (System.nanoTime() - deadline_ns > 0) {
                    throw new Failed("no READY=1 within " + START_TIMEOUT_ms / 1000 + " s (the unit's"
                            + " TimeoutStartSec). The daemon's output:\n" + tail(log));
                }
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Memory

    private record Steady(double last_MiB, double peak_MiB) {
    }

    /** Lets the daemon run, sampling its resident set once a second. */
    private static Steady steady(Started daemon, long steady_ms) throws InterruptedException {
        long end_ns = System.nanoTime() + steady_ms * 1_000_000;
        double peak = 0;
        double last = 0;
        while (true) {
            if (!daemon.process().isAlive()) {
                throw new Failed("the daemon exited with code " + daemon.process().exitValue() + " while running."
                        + " Its output:\n" + tail(daemon.log()));
            }
            last = rss_MiB(daemon.jvm().pid());
            peak = Math.max(peak, last);
            long left_ns = end_ns - System.nanoTime();
            if (left_ns <= 0) {
                return new Steady(last, peak);
            }
            Thread.sleep(Math.min(RSS_SAMPLE_ms, left_ns / 1_000_000 + 1));
        }
    }

    /** VmRSS of {@code /proc/<pid>/status}, which the kernel gives in kB (KiB). */
    private static double rss_MiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] words = line.substring("VmRSS:".length()).trim().split("\\s+");
                    return Long.parseLong(words[0]) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new Failed("cannot read the daemon's resident set from /proc/" + pid + "/status: " + e);
        }
        throw new Failed("/proc/" + pid + "/status has no VmRSS line (is this Linux?)");
    }

    /**
     * The heap after a full collection; null figures with the reason when it could not be
     * measured.
     */
    record Heap(Double used_MiB, Double committed_MiB, String notMeasured) {
    }

    /** {@code jcmd <pid> GC.run}, then {@code jcmd <pid> GC.heap_info}. */
    private static Heap heap(ProcessHandle jvm) throws InterruptedException {
        Optional<Path> jcmd = jcmd(jvm);
        if (jcmd.isEmpty()) {
            return new Heap(null, null, "no jcmd next to the daemon's java, in $JAVA_HOME/bin or in this JVM's"
                    + " bin (a JRE has none; install the JDK to measure it)");
        }
        String pid = Long.toString(jvm.pid());
        String gc = jcmd(jcmd.get(), pid, "GC.run");
        if (gc.startsWith("!")) {
            return new Heap(null, null, gc.substring(1));
        }
        String info = jcmd(jcmd.get(), pid, "GC.heap_info");
        if (info.startsWith("!")) {
            return new Heap(null, null, info.substring(1));
        }
        Heap heap = parseHeapInfo(info);
        return heap.used_MiB() != null ? heap : new Heap(null, null, "jcmd GC.heap_info printed no heap"
                + " generation: " + info.strip());
    }

    /**
     * The daemon's own JDK's jcmd first (jcmd must match the JVM it attaches to), then
     * {@code $JAVA_HOME/bin}, then this JVM's.
     */
    private static Optional<Path> jcmd(ProcessHandle jvm) {
        List<Path> candidates = new ArrayList<>();
        jvm.info().command().ifPresent(java -> candidates.add(Path.of(java).resolveSibling("jcmd")));
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && !javaHome.isEmpty()) {
            candidates.add(Path.of(javaHome, "bin", "jcmd"));
        }
        candidates.add(Path.of(System.getProperty("java.home"), "bin", "jcmd"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** @return jcmd's output; "!" and the reason when it failed */
    private static String jcmd(Path jcmd, String pid, String command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(jcmd.toString(), pid, command).redirectErrorStream(true).start();
            // its output is a few lines: read it all, then the exit code
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(JCMD_TIMEOUT_ms, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return "!" + jcmd + " " + command + " did not finish within " + JCMD_TIMEOUT_ms / 1000 + " s";
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                return "!" + jcmd + " " + command + " failed (exit code " + process.exitValue() + "): " + text.strip();
            }
            return text;
        } catch (IOException e) {
            return "!" + jcmd + " " + command + ": " + e.getMessage();
        }
    }

    /**
     * Every collector prints its heap as lines of "name total 1234K, used 567K [...": one line
     * for G1 ("garbage-first heap"), one per generation for Serial ("def new generation",
     * "tenured generation") and Parallel ("PSYoungGen", "ParOldGen"). Metaspace and class space
     * print "used" without "total", and are not heap.
     */
    private static final Pattern GENERATION = Pattern.compile("total (\\d+)([KMG]), used (\\d+)([KMG])");

    static Heap parseHeapInfo(String heapInfo) {
        long used = 0;
        long committed = 0;
        boolean found = false;
        for (String line : heapInfo.lines().toList()) {
            Matcher m = GENERATION.matcher(line);
            if (m.find()) {
                committed += bytes(m.group(1), m.group(2));
                used += bytes(m.group(3), m.group(4));
                found = true;
            }
        }
        return found ? new Heap(used / 1048576.0, committed / 1048576.0, null) : new Heap(null, null, "no heap");
    }

    private static long bytes(String number, String unit) {
        long n = Long.parseLong(number);
        return switch (unit) {
            case "K" -> n << 10;
            case "M" -> n << 20;
            default -> n << 30;
        };
    }

    // ---------------------------------------------------------------------------------------
    // The config and the report

    /**
     * The demo's pack (config/simulated.yaml): 16S LFP 100 Ah, the real drivers against the chip
     * emulators, the protection, balancing, low-power, SOC and charge-limit sections, the recorder,
     * Modbus TCP and the web app; unlike the demo, with the service's real-time control thread
     * (control.realtime_priority left at its default), which loads JNA. Its files go to the
     * bench's directory and its servers to free loopback ports, so the bench runs beside a demo
     * or a real daemon.
     */
    private static Path writeConfig(Path dir) throws IOException {
        Path config = dir.resolve("pibms.yaml");
        Files.writeString(config, """
                pack:
                  chemistry: lfp
                  cells: 16
                  capacity_Ah: 100
                temperature_sensors:
                  - {name: cells_top, location: cell, gpio: 1, cell: 16}
                  - {name: cells_bottom, location: cell, gpio: 2, cell: 1}
                  - {name: mos, location: mos, gpio: 3}
                  - {name: balance, location: balance, gpio: 4}
                  - {name: shunt, location: mos, input: ina228_die}
                hardware:
                  spi: {device: /dev/spidev0.0, clock_Hz: 1000000}
                  i2c: {bus: 1}
                  ltc6813:
                    conversion: 7kHz
                    chips:
                      - cells: 16
                    thermistor: {r25_Ohm: 10000, beta_K: 3435, pullup_Ohm: 10000}
                    balance_resistor_Ohm: 33
                    discharge_timeout_min: 0.5
                  ina228: {address: 0x40, shunt_uOhm: 100, max_current_A: 300, invert_current: false, alert_gpio: 24}
                  ads1115:
                    address: 0x48
                    full_scale_mV: 4096
                    pack: {input: 0, divider_ratio: 31}
                    load: {input: 1, divider_ratio: 31}
                  gpio: {charge_mos: 17, discharge_mos: 27, acc: 23, short_circuit: 25}
                outputs:
                  - {name: precharge, gpio: 22, function: precharge}
                  - {name: alarm, gpio: 5, function: alarm}
                switching: {precharge_timeout_ms: 3000, precharge_margin_mV: 2000}
                balancing:
                  mode: charging_or_resting
                  start_mV: 3400
                  start_delta_mV: 15
                  stop_delta_mV: 5
                  max_channels: 8
                  current_mA: 100
                  thermal: {derate_from_C: 50, stop_C: 60}
                open_wire: {interval_min: 10}
                low_power: {enabled: true, idle_s: 600, idle_current_A: 0.5, period_ms: 1000, mos: keep}
                charge_limits:
                  charge_cell_mV: 3450
                  float_cell_mV: 3375
                  max_charge_A: 50
                  max_discharge_A: 90
                recorder: {path: %s, interval_ms: 1000, max_file_MB: 10, keep_files: 2}
                daemon:
                  socket: %s
                  status_log_interval_s: 5
                  state_directory: %s
                modbus_tcp: {enabled: true, address: 127.0.0.1, port: %d, writes: false}
                web: {enabled: true, address: 127.0.0.1, port: %d, password: pibms-bench}
                simulation: {seed: 42, time_scale: 1, initial_soc_pct: 60, ambient_C: 25}
                """.formatted(dir.resolve("recorder.csv"), dir.resolve("pibms.sock"), dir.resolve("state"),
                freePort(), freePort()));
        return config;
    }

    /**
     * A loopback port nobody listens on now. Another process may take it before the daemon
     * binds it; the daemon then retries and logs it, and starts all the same.
     */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static BenchReport report(boolean quick, Path launcher, int starts, long steady_ms, long[] ready_ms,
            long[] cpu_ms, Steady steady, Heap heap, long stop_ms, String flags) {
        String setup = String.format(Locale.ROOT, "the 16S LFP demo pack (simulated: chip emulators, Modbus TCP and"
                + " web app on loopback) started %d time%s by %s run, with NOTIFY_SOCKET and WATCHDOG_USEC=%d as"
                + " systemd sets them, the last one then running for %d s; JVM flags: %s", starts,
                starts == 1 ? "" : "s", launcher, WATCHDOG_us, steady_ms / 1000, flags.isEmpty() ? "none" : flags);
        if (heap.notMeasured() != null) {
            setup += "; heap after GC not measured: " + heap.notMeasured();
        }
        BenchReport report = new BenchReport("startup", setup, quick);
        long[] sorted = ready_ms.clone();
        Arrays.sort(sorted);
        report.add("start to READY=1, median", BenchReport.quantile(sorted, 0.5), "ms", START_TARGET_ms);
        report.add("start to READY=1, max", sorted[sorted.length - 1], "ms", START_TARGET_ms);
        report.add("start to READY=1, min", sorted[0], "ms");
        long[] cpu = cpu_ms.clone();
        Arrays.sort(cpu);
        if (cpu[0] >= 0) {
            report.add("CPU time to READY=1 (user + system), median", BenchReport.quantile(cpu, 0.5), "ms");
        }
        report.add(String.format(Locale.ROOT, "resident set (VmRSS) after %d s", steady_ms / 1000),
                round(steady.last_MiB()), "MiB", RSS_TARGET_MiB);
        report.add("resident set, highest sample (1/s)", round(steady.peak_MiB()), "MiB");
        if (heap.used_MiB() != null) {
            report.add("heap used after a full GC (jcmd GC.run)", round(heap.used_MiB()), "MiB", HEAP_TARGET_MiB);
            report.add("heap committed after that GC", round(heap.committed_MiB()), "MiB");
        }
        report.add("SIGTERM to exit", stop_ms, "ms");
        return report;
    }

    /** Memory figures to 0.1 MiB: finer than that, two runs never agree. */
    private static double round(double MiB) {
        return Math.round(MiB * 10) / 10.0;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

}
