package org.pibms.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.PackSnapshot;
import org.pibms.core.settings.Settings;
import org.pibms.daemon.ControlSocketServer;
import org.pibms.daemon.Daemon;

class CliTest {

    @TempDir
    Path dir;

    private String out;
    private String err;

    private int pibms(String... args) {
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        int code = Main.execute(new PrintWriter(outText), new PrintWriter(errText), args);
        out = outText.toString();
        err = errText.toString();
        return code;
    }

    @Test
    void checkConfigSaysOkForAGoodFile() {
        assertThat(pibms("check-config", "config/simulated.yaml")).isZero();
        assertThat(out).isEqualTo("OK\n");
        assertThat(pibms("check-config", "config/pibms.yaml")).isZero();
    }

    @Test
    void checkConfigListsEveryProblemAndFails() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "pack:\n  chemistry: lfp\n  cells: 21\n  capacity_Ah: 100\ncontrol: {period_ms: 1}\n"
                + "temperature_sensors: [{name: t, location: cell, gpio: 1}]\n");

        assertThat(pibms("check-config", file.toString())).isEqualTo(1);
        assertThat(out).isEmpty();
        assertThat(err).isEqualTo(file + ":3:10: pack.cells: 21 is outside the allowed range 8..20\n"
                + file + ":5:22: control.period_ms: 1 is outside the allowed range 10..1000\n");
    }

    @Test
    void checkConfigOfAMissingFileFails() {
        assertThat(pibms("check-config", dir.resolve("nothing.yaml").toString())).isEqualTo(1);
        assertThat(err).isEqualTo(dir.resolve("nothing.yaml") + ": cannot read: no such file\n");
    }

    @Test
    void runRefusesAnInvalidFileAndStartsNothing() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, TestConfigs.simulatedYaml(16, dir, "1", "").replace("cells: 16", "cells: 7"));

        assertThat(pibms("run", "--config", file.toString())).isEqualTo(1);
        assertThat(err).contains(":3:10: pack.cells: 7 is outside the allowed range 8..20")
                .endsWith("pibms: not started: the config file has errors\n");
        assertThat(dir.resolve("pibms.sock")).doesNotExist();
    }

    @Test
    void statusWithoutADaemonFails() throws Exception {
        Path file = dir.resolve("sim.yaml");
        Files.writeString(file, TestConfigs.simulatedYaml(16, dir, "1", ""));

        assertThat(pibms("status", "--config", file.toString())).isEqualTo(1);
        assertThat(err).startsWith("pibms: no pibms daemon is running: the control socket " + dir.resolve("pibms.sock"));
    }

    @Test
    void clientCommandsTalkToTheRunningDaemon() throws Exception {
        Path file = dir.resolve("sim.yaml");
        // normal scheduling, as in the demo: a real-time loop refuses `sim speed max` (LoopSchedulingTest)
        Files.writeString(file, TestConfigs.simulatedYaml(16, dir, "1", "", "control:\n  realtime_priority: 0\n"));
        Settings settings = TestConfigs.load(dir, Files.readString(file));
        try (Daemon daemon = Daemon.start(settings)) {
            String config = file.toString();
            while (daemon.snapshots().latest().sequence() < 3) { // the voltage ADC delivers from tick 2
                Thread.sleep(10);
            }

            assertThat(pibms("status", "--config", config)).isZero();
            assertThat(out).contains("NORMAL (simulated)", "Cells (mV)", "  16  3265", "Pack      52.24 V",
                    "SOC       50.0 % of 100.0 Ah", "MOS       charge ON   discharge ON", "Faults    none");

            assertThat(pibms("sim", "current", "-50", "--config", config)).isZero();
            assertThat(out).isEqualTo("external current -50.000 A (discharging)\n");

            assertThat(pibms("sim", "--config", config, "current", "-50")).isZero(); // --config before the subcommand
            assertThat(pibms("sim", "cell", "3", "--mV", "3500", "--config", config)).isZero();
            assertThat(pibms("sim", "temp", "mos", "--C", "45.5", "--config", config)).isZero();
            assertThat(pibms("sim", "temp", "ambient", "--C", "10", "--config", config)).isZero();
            assertThat(out).isEqualTo("ambient temperature 10.0 °C\n");
            long sequence = daemon.snapshots().latest().sequence();
            while (daemon.snapshots().latest().sequence() <= sequence + 12) { // temperatures convert once a second
                Thread.sleep(10);
            }

            assertThat(pibms("status", "--json", "--config", config)).isZero();
            JsonNode json = new ObjectMapper().readTree(out);
            assertThat(json.get("current_mA").asInt()).isEqualTo(-50_000);
            assertThat(json.get("cells_mV").get(2).asInt()).isEqualTo(3500);
            assertThat(json.get("temps_C").get("mos").asDouble()).isEqualTo(45.5);

            assertThat(pibms("sim", "cell", "3", "--clear", "--config", config)).isZero();
            assertThat(pibms("sim", "speed", "max", "--config", config)).isZero();
            assertThat(out).isEqualTo("simulated time runs at maximum speed\n");
            assertThat(pibms("sim", "speed", "1", "--config", config)).isZero();

            assertThat(pibms("sim", "fault", "ntc-open", "on", "--sensor", "mos", "--config", config)).isZero();
            assertThat(out).isEqualTo("fault ntc-open on for sensor mos\n");
            assertThat(pibms("sim", "fault", "open-wire", "on", "--cell", "3", "--config", config)).isZero();
            assertThat(out).isEqualTo("fault open-wire on: the sense wire above cell 3 is open\n");
            assertThat(pibms("sim", "fault", "open-wire", "on", "--cell", "17", "--config", config)).isEqualTo(1);
            assertThat(err).isEqualTo("pibms: sense wire 17 does not exist: the wires are 0 (below cell 1) to 16"
                    + " (above cell 16)\n");
            assertThat(pibms("sim", "fault", "pec-errors", "on", "--rate", "0.2", "--config", config)).isZero();
            assertThat(out).isEqualTo("fault pec-errors on: 20 % of the chips' answers corrupted\n");
            assertThat(pibms("sim", "fault", "afe-comm", "on", "--config", config)).isZero();
            long faultFrom = daemon.snapshots().latest().sequence();
            while (daemon.snapshots().latest().sequence() <= faultFrom + 12) { // past the 1 s delay
                Thread.sleep(10);
            }
            assertThat(pibms("status", "--json", "--config", config)).isZero();
            assertThat(new ObjectMapper().readTree(out).get("faults").get(0).get("id").asText())
                    .isEqualTo("afe_communication_lost");
            assertThat(pibms("sim", "fault", "afe-comm", "off", "--config", config)).isZero();
            assertThat(pibms("sim", "fault", "load-short", "on", "--config", config)).isZero();
            assertThat(out).isEqualTo("fault load-short on: the load side is shorted; a pre-charge cannot raise it\n");
            assertThat(pibms("sim", "fault", "load-short", "off", "--config", config)).isZero();

            assertThat(pibms("sim", "acc", "on", "--config", config)).isEqualTo(1);
            assertThat(err).isEqualTo("pibms: the ACC input is not wired: set hardware.gpio.acc\n");
            assertThat(pibms("sim", "fault", "short-circuit", "on", "--config", config)).isEqualTo(1);
            assertThat(err).isEqualTo("pibms: the short-circuit latch input is not wired: set"
                    + " hardware.gpio.short_circuit\n");

            assertThat(pibms("sim", "cell", "30", "--mV", "3500", "--config", config)).isEqualTo(1);
            assertThat(err).isEqualTo("pibms: cell 30 does not exist: the pack has cells 1..16\n");
            assertThat(pibms("sim", "temp", "ambient", "--clear", "--config", config)).isEqualTo(1);
        }
    }

    @Test
    void controlCommandsSendTheirJsonAndPrintTheDaemonsAnswer() throws Exception {
        Path file = dir.resolve("sim.yaml");
        Files.writeString(file, TestConfigs.simulatedYaml(16, dir, "1", ""));
        String config = file.toString();
        List<String> requests = new CopyOnWriteArrayList<>();
        AtomicReference<String> answer = new AtomicReference<>("{\"ok\":true,\"message\":\"done\"}");
        try (ControlSocketServer fakeDaemon = ControlSocketServer.claim(dir.resolve("pibms.sock"))) {
            fakeDaemon.start((line, caller) -> {
                requests.add(line);
                return answer.get();
            });

            assertThat(pibms("mos", "charge", "off", "--config", config)).isZero();
            assertThat(out).isEqualTo("done\n");
            assertThat(pibms("mos", "discharge", "on", "--config", config)).isZero();
            assertThat(pibms("fault", "reset", "--config", config)).isZero();
            assertThat(pibms("fault", "--config", config, "reset")).isZero(); // --config before the subcommand
            assertThat(pibms("set", "protection.cell_overvoltage.trip_mV", "3600", "--config", config)).isZero();
            assertThat(requests).containsExactly(
                    "{\"request\":\"command\",\"command\":{\"type\":\"mos\",\"path\":\"charge\",\"on\":false}}",
                    "{\"request\":\"command\",\"command\":{\"type\":\"mos\",\"path\":\"discharge\",\"on\":true}}",
                    "{\"request\":\"command\",\"command\":{\"type\":\"fault_reset\"}}",
                    "{\"request\":\"command\",\"command\":{\"type\":\"fault_reset\"}}",
                    "{\"request\":\"command\",\"command\":{\"type\":\"set_protection\","
                            + "\"key\":\"cell_overvoltage.trip_mV\",\"value\":\"3600\"}}");

            answer.set("{\"ok\":false,\"error\":\"refused, the limits are unchanged\"}");
            assertThat(pibms("set", "protection.cell_overvoltage.trip_mV", "9000", "--config", config)).isEqualTo(1);
            assertThat(out).isEmpty();
            assertThat(err).isEqualTo("pibms: refused, the limits are unchanged\n");
            assertThat(pibms("mos", "charge", "on", "--config", config)).isEqualTo(1);
            assertThat(pibms("fault", "reset", "--config", config)).isEqualTo(1);
        }
    }

    @Test
    void controlCommandsWithoutADaemonFail() throws Exception {
        Path file = dir.resolve("sim.yaml");
        Files.writeString(file, TestConfigs.simulatedYaml(16, dir, "1", ""));

        assertThat(pibms("mos", "charge", "off", "--config", file.toString())).isEqualTo(1);
        assertThat(err).startsWith("pibms: no pibms daemon is running");
        assertThat(pibms("fault", "reset", "--config", file.toString())).isEqualTo(1);
        assertThat(pibms("set", "protection.cell_overvoltage.trip_mV", "3600", "--config", file.toString()))
                .isEqualTo(1);
    }

    @Test
    void controlCommandsOperateTheRunningDaemon() throws Exception {
        Path file = dir.resolve("sim.yaml");
        Files.writeString(file, TestConfigs.simulatedYaml(16, dir, "1", ""));
        Settings settings = TestConfigs.load(dir, Files.readString(file));
        try (Daemon daemon = Daemon.start(settings)) {
            String config = file.toString();
            awaitSnapshot(daemon, s -> s.chargeMos() && s.dischargeMos());

            assertThat(pibms("mos", "charge", "off", "--config", config)).isZero();
            PackSnapshot held = awaitSnapshot(daemon, s -> !s.chargeMos());
            assertThat(held.chargeManualOff()).isTrue();
            assertThat(held.dischargeMos()).isTrue();
            assertThat(pibms("status", "--json", "--config", config)).isZero();
            JsonNode json = new ObjectMapper().readTree(out);
            assertThat(json.get("manual_off")).hasSize(1);
            assertThat(json.get("manual_off").get(0).asText()).isEqualTo("charge");
            assertThat(pibms("status", "--config", config)).isZero();
            assertThat(out).contains("MOS       charge off (manual off)   discharge ON");

            assertThat(pibms("mos", "charge", "on", "--config", config)).isZero();
            awaitSnapshot(daemon, s -> s.chargeMos() && !s.chargeManualOff());

            assertThat(pibms("fault", "reset", "--config", config)).isZero();

            assertThat(pibms("set", "protection.cell_overvoltage.trip_mV", "3600", "--config", config)).isZero();
            assertThat(out).contains("protection.cell_overvoltage.trip_mV");
            assertThat(pibms("set", "protection.cell_overvoltage.trip_mV", "lots", "--config", config)).isEqualTo(1);
            assertThat(err).startsWith("pibms: ").contains("lots");
            assertThat(pibms("set", "protection.gremlins.trip_mV", "1", "--config", config)).isEqualTo(1);
            assertThat(err).startsWith("pibms: ").contains("gremlins");
        }
    }

    /** The first snapshot that satisfies {@code condition}; the simulated pack gets there within a few ticks. */
    private static PackSnapshot awaitSnapshot(Daemon daemon, Predicate<PackSnapshot> condition) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            PackSnapshot s = daemon.snapshots().latest();
            if (condition.test(s)) {
                return s;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the daemon did not get there within 5 s: " + daemon.snapshots().latest());
    }

    @Test
    void controlCommandsWrongUsageIsExitCodeTwo() {
        assertThat(pibms("mos", "sideways", "off")).isEqualTo(2);
        assertThat(err).isEqualTo("pibms: say charge or discharge, not 'sideways'\n");
        assertThat(pibms("mos", "charge", "maybe")).isEqualTo(2);
        assertThat(err).isEqualTo("pibms: say on or off, not 'maybe'\n");
        assertThat(pibms("mos", "charge")).isEqualTo(2);
        assertThat(pibms("fault")).isEqualTo(2);
        assertThat(pibms("fault", "forget")).isEqualTo(2);
        assertThat(pibms("set", "pack.cells", "8")).isEqualTo(2);
        assertThat(err).isEqualTo("pibms: only protection.* keys can be changed at run time, not 'pack.cells'\n");
        assertThat(pibms("set", "cell_overvoltage.trip_mV", "3600")).isEqualTo(2);
        assertThat(err).contains("only protection.* keys can be changed at run time");
        assertThat(pibms("set", "protection.cell_overvoltage.trip_mV")).isEqualTo(2);
    }

    @Test
    void wrongUsageIsExitCodeTwo() {
        assertThat(pibms("sim", "cell", "3")).isEqualTo(2);
        assertThat(err).contains("Missing required argument");
        assertThat(pibms("sim", "cell", "3", "--mV", "3000", "--clear")).isEqualTo(2);
        assertThat(pibms("sim", "speed", "fast")).isEqualTo(2);
        assertThat(err).contains("speed must be a number or max, not 'fast'");
        assertThat(pibms("frobnicate")).isEqualTo(2);
        assertThat(pibms("sim", "fault", "gremlins", "on")).isEqualTo(2);
        assertThat(err).contains("unknown fault 'gremlins'");
        assertThat(pibms("sim", "fault", "ntc-open", "on")).isEqualTo(2);
        assertThat(err).contains("ntc-open needs --sensor NAME");
        assertThat(pibms("sim", "fault", "open-wire", "on")).isEqualTo(2);
        assertThat(err).contains("open-wire needs --cell N");
        assertThat(pibms("sim", "fault", "afe-comm", "maybe")).isEqualTo(2);
        assertThat(pibms("sim", "acc", "maybe")).isEqualTo(2);
        assertThat(err).contains("say on or off, not 'maybe'");
    }

    @Test
    void helpAndVersion() {
        assertThat(pibms("--help")).isZero();
        assertThat(out).contains("run", "status", "mos", "fault", "set", "check-config", "sim");
        assertThat(pibms("--version")).isZero();
        assertThat(out).startsWith("pibms ");
    }
}
