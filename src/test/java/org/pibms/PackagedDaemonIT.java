package org.pibms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The packaged jar as users run it: {@code scripts/pibms} in separate processes, a daemon in
 * the background, clients in the foreground, signals to stop it.
 */
class PackagedDaemonIT {

    private static final Path SCRIPT = Path.of("scripts/pibms").toAbsolutePath();

    @TempDir
    Path dir;

    private final List<Process> daemons = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        daemons.forEach(Process::destroyForcibly);
    }

    record Result(int code, String out, String err) {
    }

    @Test
    void runStatusSimAndStopLikeAUser() throws Exception {
        Path config = writeConfig("60");
        Path log = dir.resolve("daemon.log");
        Process daemon = startDaemon(config, log, Map.of());
        awaitStatus(config);

        Result table = pibms("status", "--config", config.toString());
        assertThat(table.code()).isZero();
        assertThat(table.out()).contains("Cells (mV)", "  16  ", "Faults    none");

        Result sim = pibms("sim", "current", "-50", "--config", config.toString());
        assertThat(sim.code()).isZero();
        assertThat(sim.out()).isEqualTo("external current -50.000 A (discharging)\n");
        Thread.sleep(500);

        Result json = pibms("status", "--json", "--config", config.toString());
        assertThat(json.code()).isZero();
        JsonNode status = new ObjectMapper().readTree(json.out());
        assertThat(status.get("cells_mV")).hasSize(16);
        assertThat(status.get("current_mA").asInt()).isBetween(-50_100, -49_900);
        for (String field : new String[] {"time_ms", "pack_mV", "soc_pct", "temps_C", "charge_mos", "discharge_mos",
                "balancing", "faults", "state"}) {
            assertThat(status.has(field)).as(field).isTrue();
        }

        Result second = pibms("run", "--config", config.toString());
        assertThat(second.code()).isEqualTo(1);
        assertThat(second.err()).contains("another pibms daemon is already running on the control socket");
        assertThat(daemon.isAlive()).isTrue();
        assertThat(pibms("status", "--config", config.toString()).code()).isZero();

        daemon.destroy(); // SIGTERM, as systemctl stop sends
        assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log)).contains("stopping: stopped by a signal",
                "charge MOS: on -> off (the daemon is stopping)", "discharge MOS: on -> off (the daemon is stopping)",
                "stopped in ", "charge MOS off, discharge MOS off; state saved; event log flushed");
        assertThat(dir.resolve("pibms.sock")).doesNotExist();

        Result after = pibms("status", "--config", config.toString());
        assertThat(after.code()).isEqualTo(1);
        assertThat(after.err()).contains("no pibms daemon is running");
    }

    @Test
    void underSystemdTheLogCarriesPrioritiesAndNoTimes() throws Exception {
        Path config = writeConfig("1");
        Path log = dir.resolve("journal.log");
        Process daemon = startDaemon(config, log, Map.of("JOURNAL_STREAM", "8:12345"));
        awaitStatus(config);
        pibms("sim", "cell", "2", "--mV", "2500", "--config", config.toString());
        Thread.sleep(1500); // past the 1 s under-voltage delay

        daemon.destroy();
        assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).isTrue();
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).matches("<[3-7]>[A-Z]+ +\\w+: .*"));
        assertThat(lines).anySatisfy(line -> assertThat(line)
                .startsWith("<3>ERROR Protection: clear -> active (cell_undervoltage, cell 2, 2500 mV <= 2700 mV"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("<6>INFO  Daemon: pibms "));
    }

    @Test
    void sigtermStopsWithinTwoSecondsAndTheEventLogTellsACleanStopFromACrash() throws Exception {
        Path config = writeConfig("1");
        Path log = dir.resolve("daemon.log");
        Process daemon = startDaemon(config, log, Map.of());
        awaitStatus(config);
        assertThat(pibms("mos", "charge", "off", "--config", config.toString()).code()).isZero();

        long signalled = System.nanoTime();
        daemon.destroy();
        assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long stop_ms = (System.nanoTime() - signalled) / 1_000_000;
        assertThat(stop_ms).as("SIGTERM to exit, ms").isLessThan(2000);
        assertThat(daemon.exitValue()).as("128 + SIGTERM, as the JVM exits after its shutdown hooks").isEqualTo(143);
        assertThat(Files.readString(log)).contains("discharge MOS: on -> off (the daemon is stopping)",
                "outputs on stop: charge MOS off, discharge MOS off, pre-charge off, outputs off, balancing off");

        List<JsonNode> first = events(config);
        assertThat(first.get(0).get("kind").asText()).isEqualTo("start");
        assertThat(first.get(0).get("data").get("previous_run").asText()).isEqualTo("first");
        JsonNode command = first.stream().filter(e -> e.get("kind").asText().equals("command")).findFirst().orElseThrow();
        assertThat(command.get("data").get("command").asText()).isEqualTo("mos charge off");
        assertThat(command.get("data").get("channel").asText()).isEqualTo("control socket");
        assertThat(command.get("data").get("sender").asText()).startsWith("uid " + uid() + " gid ");
        JsonNode stop = first.get(first.size() - 1);
        assertThat(stop.get("kind").asText()).isEqualTo("stop");
        assertThat(stop.get("data").get("charge_mos").asBoolean()).isFalse();
        assertThat(stop.get("data").get("discharge_mos").asBoolean()).isFalse();
        assertThat(stop.get("data").get("state_saved").asBoolean()).isTrue();
        assertThat(Files.readString(dir.resolve("state").resolve("state"))).contains("\nstarts 1\n");

        Process second = startDaemon(config, dir.resolve("second.log"), Map.of());
        awaitStatus(config);
        second.destroyForcibly(); // SIGKILL: no stop record
        assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Process third = startDaemon(config, dir.resolve("third.log"), Map.of());
        awaitStatus(config);
        List<JsonNode> starts = events(config).stream().filter(e -> e.get("kind").asText().equals("start")).toList();
        assertThat(starts).extracting(e -> e.get("data").get("previous_run").asText())
                .containsExactly("first", "clean", "unclean");
        assertThat(starts).extracting(e -> e.get("data").get("starts").asLong()).containsExactly(1L, 2L, 3L);
        assertThat(Files.readString(dir.resolve("third.log"))).contains("the previous run did not stop cleanly");
        third.destroy();
        assertThat(third.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void systemdHearsReadyAfterTheFirstMeasurementAndWatchdogPingsOnlyWhileTheLoopTicks() throws Exception {
        Path config = writeConfig("1");
        Path socket = dir.resolve("notify.sock");
        List<long[]> pings = new CopyOnWriteArrayList<>();
        List<String> messages = new CopyOnWriteArrayList<>();
        try (AFUNIXDatagramChannel systemd = AFUNIXDatagramChannel.open()) {
            systemd.bind(AFUNIXSocketAddress.of(socket));
            long origin = System.nanoTime();
            Thread listener = new Thread(() -> {
                ByteBuffer buffer = ByteBuffer.allocate(4096);
                try {
                    while (true) {
                        buffer.clear();
                        systemd.receive(buffer);
                        String message = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
                        messages.add(message);
                        if (message.startsWith("WATCHDOG=1")) {
                            pings.add(new long[] {(System.nanoTime() - origin) / 1_000_000});
                        }
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            listener.setDaemon(true);
            listener.start();

            Process daemon = startDaemon(config, dir.resolve("daemon.log"), Map.of("NOTIFY_SOCKET", socket.toString(),
                    "WATCHDOG_USEC", "2000000"));
            awaitMessage(messages, "READY=1");
            JsonNode status = new ObjectMapper().readTree(pibms("status", "--json", "--config", config.toString()).out());
            assertThat(status.get("state").asText()).isEqualTo("normal");
            assertThat(status.get("cells_mV").get(0).asInt()).isGreaterThan(2500);
            assertThat(messages.stream().filter(m -> m.startsWith("READY=1")).findFirst().orElseThrow())
                    .contains("\nSTATUS=");

            Thread.sleep(3000);
            List<Long> healthy = times(pings);
            assertThat(healthy.size()).as("pings at 2 s / 4 in 3 s").isBetween(4, 8);
            assertThat(maxGap(healthy)).as("longest gap, ms").isLessThan(800);

            int before = pings.size();
            assertThat(pibms("sim", "hang", "3", "--config", config.toString()).code()).isZero();
            // the answer leaves just before the tick that hangs
            long hangStart = (System.nanoTime() - origin) / 1_000_000;
            Thread.sleep(4500);
            List<Long> around = times(pings).subList(Math.max(0, before - 1), pings.size());
            assertThat(around.stream().filter(t -> t > hangStart + 700 && t < hangStart + 2900)).as("pings while"
                    + " the loop hangs").isEmpty();
            assertThat(around.stream().filter(t -> t > hangStart + 3000)).as("pings after the hang").isNotEmpty();
            assertThat(Files.readString(dir.resolve("daemon.log"))).contains("the control loop has not ticked for",
                    "the control loop ticks again");

            daemon.destroy();
            assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("STOPPING=1"));
            assertThat(messages.stream().filter(m -> m.startsWith("READY=1"))).hasSize(1);
        }
    }

    @Test
    void aWatchdogShorterThanTwoTicksRefusesToStart() throws Exception {
        Path config = writeConfig("1");
        Process daemon = startDaemon(config, dir.resolve("daemon.log"), Map.of("NOTIFY_SOCKET",
                dir.resolve("nobody.sock").toString(), "WATCHDOG_USEC", "150000"));
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("daemon.log"))).contains("pibms: not started: systemd's watchdog"
                + " (WatchdogSec=0.15 s) must be more than twice the longest control tick (100 ms");
    }

    private static void awaitMessage(List<String> messages, String prefix) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (messages.stream().anyMatch(m -> m.startsWith(prefix))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + prefix + " within 15 s; got " + messages);
    }

    private static List<Long> times(List<long[]> pings) {
        return pings.stream().map(p -> p[0]).toList();
    }

    private static long maxGap(List<Long> times) {
        long gap = 0;
        for (int i = 1; i < times.size(); i++) {
            gap = Math.max(gap, times.get(i) - times.get(i - 1));
        }
        return gap;
    }

    private List<JsonNode> events(Path config) throws Exception {
        Result log = pibms("log", "--json", "--config", config.toString());
        assertThat(log.code()).as(log.err()).isZero();
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : log.out().split("\n")) {
            events.add(mapper.readTree(line));
        }
        return events;
    }

    private static long uid() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    }

    @Test
    void aBrokenConfigStartsNothing() throws Exception {
        Path config = dir.resolve("broken.yaml");
        Files.writeString(config, "pack:\n  chemistry: lfp\n  cells: 16\n  capacity_Ah: 100\n  colour: red\n"
                + "temperature_sensors: [{name: t, location: cell, gpio: 1}]\n");

        Result check = pibms("check-config", config.toString());
        assertThat(check.code()).isEqualTo(1);
        assertThat(check.err()).isEqualTo(config + ":5:3: pack.colour: unknown key (known keys: chemistry, cells,"
                + " capacity_Ah)\n");

        Result run = pibms("run", "--config", config.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).endsWith("pibms: not started: the config file has errors\n");
    }

    private Path writeConfig(String timeScale) throws IOException {
        Path config = dir.resolve("pibms.yaml");
        Files.writeString(config, TestConfigs.simulatedYaml(16, dir, timeScale, ""));
        return config;
    }

    private Process startDaemon(Path config, Path log, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString(), "run", "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().remove("JOURNAL_STREAM");
        builder.environment().putAll(environment);
        Process process = builder.start();
        daemons.add(process);
        return process;
    }

    private void awaitStatus(Path config) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (pibms("status", "--config", config.toString()).code() == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the daemon did not answer within 10 s");
    }

    private Result pibms(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(SCRIPT.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("pibms " + String.join(" ", args) + " did not finish within 30 s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
