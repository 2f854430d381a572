package org.pibms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertThat(Files.readString(log)).contains("stopping", "opening both MOS: the daemon is stopping",
                "stopped; both MOS open");
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
