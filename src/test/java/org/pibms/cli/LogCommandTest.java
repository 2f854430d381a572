package org.pibms.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.Event;
import org.pibms.store.EventLog;
import picocli.CommandLine;

class LogCommandTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @TempDir
    Path dir;

    private String out;
    private String err;

    private int log(String... args) {
        LogCommand command = new LogCommand();
        command.zone = BERLIN;
        command.now = NOW;
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        int code = new CommandLine(command).setOut(new PrintWriter(outText)).setErr(new PrintWriter(errText))
                .execute(args);
        out = outText.toString();
        err = errText.toString();
        return code;
    }

    private Path configWithEvents() throws Exception {
        Path config = dir.resolve("pibms.yaml");
        Files.writeString(config, TestConfigs.simulatedYaml(16, dir, "1", ""));
        try (EventLog events = EventLog.open(dir.resolve("state"), 1 << 20, 2)) {
            events.append(Event.of(Instant.parse("2026-11-23T10:00:00Z").toEpochMilli(), Event.Kind.START,
                    "pibms started"));
            events.append(Event.of(Instant.parse("2026-11-24T11:45:00.250Z").toEpochMilli(), Event.Kind.FAULT,
                    "tripped: cell_overvoltage, cell 7", "fault", "cell_overvoltage"));
        }
        return config;
    }

    @Test
    void printsEveryRecordInLocalTimeOrAsJson() throws Exception {
        Path config = configWithEvents();

        assertThat(log("--config", config.toString())).isZero();
        assertThat(out).isEqualTo("""
                2026-11-23 11:00:00.000  start       pibms started
                2026-11-24 12:45:00.250  fault       tripped: cell_overvoltage, cell 7
                """);

        assertThat(log("--json", "--config", config.toString())).isZero();
        assertThat(out.lines().toList()).containsExactly(
                "{\"seq\":1,\"time\":\"2026-11-23T10:00:00Z\",\"kind\":\"start\",\"text\":\"pibms started\","
                        + "\"data\":{}}",
                "{\"seq\":2,\"time\":\"2026-11-24T11:45:00.250Z\",\"kind\":\"fault\",\"text\":"
                        + "\"tripped: cell_overvoltage, cell 7\",\"data\":{\"fault\":\"cell_overvoltage\"}}");
    }

    @Test
    void sinceKeepsOnlyTheRecordsFromThatTimeOn() throws Exception {
        Path config = configWithEvents();

        assertThat(log("--since", "30m", "--config", config.toString())).isZero();
        assertThat(out).contains("fault").doesNotContain("start");
        assertThat(log("--since", "2026-11-24", "--config", config.toString())).isZero();
        assertThat(out.lines()).hasSize(1);
        assertThat(log("--since", "2d", "--config", config.toString())).isZero();
        assertThat(out.lines()).hasSize(2);
        assertThat(log("--since", "yesterday", "--config", config.toString())).isEqualTo(2);
        assertThat(err).startsWith("pibms: --since 'yesterday': expected a date (2026-11-24)");
    }

    @Test
    void anEmptyLogSaysSo() throws Exception {
        Path config = dir.resolve("pibms.yaml");
        Files.writeString(config, TestConfigs.simulatedYaml(16, dir, "1", ""));

        assertThat(log("--config", config.toString())).isZero();
        assertThat(out).isEmpty();
        assertThat(err).isEqualTo("pibms: no events in " + dir.resolve("state") + "\n");
    }

    @Test
    void sinceUnderstandsAgesDatesLocalTimesAndInstants() {
        assertThat(LogCommand.parseSince("90s", NOW, BERLIN)).isEqualTo("2026-11-24T11:58:30Z");
        assertThat(LogCommand.parseSince("12h", NOW, BERLIN)).isEqualTo("2026-11-24T00:00:00Z");
        assertThat(LogCommand.parseSince("7d", NOW, BERLIN)).isEqualTo("2026-11-17T12:00:00Z");
        assertThat(LogCommand.parseSince("2026-11-24", NOW, BERLIN)).isEqualTo("2026-11-23T23:00:00Z");
        assertThat(LogCommand.parseSince("2026-11-24 18:30", NOW, BERLIN)).isEqualTo("2026-11-24T17:30:00Z");
        assertThat(LogCommand.parseSince("2026-11-24T18:30:00Z", NOW, BERLIN)).isEqualTo("2026-11-24T18:30:00Z");
        assertThatThrownBy(() -> LogCommand.parseSince("10 min", NOW, BERLIN))
                .hasMessageStartingWith("'10 min': expected a date");
    }
}
