package org.pibms.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pibms.LogCapture;
import org.pibms.core.Counters;
import org.pibms.core.FaultId;
import org.pibms.core.SocCalibration;
import org.pibms.core.StateStore;
import org.pibms.core.SavedState;
import org.pibms.core.SocState;

class StateFileTest {

    // values whose shortest decimal form is long, negative zero and a subnormal, to catch any rounding
    private static final SocState LEARNING = new SocState(1_732_400_000_000L, 0.1 + 0.2, 57.123456789012344,
            -0.0, 99.99999999999999, 100_000.0 / 3, 7, Double.MIN_VALUE, -12.345e-7, 1.0e300,
            SocCalibration.FULL_CHARGE, 1_732_399_000_000L, new SocState.Anchor(Math.PI, -123_456.789, -205, 451));
    private static final SocState IDLE = new SocState(1_732_400_060_000L, 3.6e7, 50.0, 48.5, 51.25, 10_000.0,
            0, 3.5, 0.75, 123.0, SocCalibration.OCV_REST, 1_732_300_000_000L, null);

    @TempDir
    Path dir;

    @RegisterExtension
    final LogCapture log = new LogCapture(StateFile.class);

    @Test
    void aStateWithAnAnchorIsLoadedExactlyAsSaved() throws Exception {
        assertThat(StateFile.open(dir).save(SavedState.of(LEARNING))).isTrue();

        assertThat(StateFile.open(dir).load().flatMap(SavedState::soc)).contains(LEARNING);
        assertThat(Files.readString(dir.resolve("state"))).startsWith("""
                format 2
                starts 0
                latched none
                trips none
                saved_at_ms 1732400000000
                charge_mAs 0.30000000000000004
                displayed_pct 57.123456789012344
                min_cell_soc_pct -0.0
                """).contains("""
                last_calibration full_charge
                last_calibration_at_ms 1732399000000
                anchor_soc_pct 3.141592653589793
                anchor_counted_mAs -123456.789
                anchor_min_temperature_dC -205
                anchor_max_temperature_dC 451
                crc32\s""").doesNotContain("anchor none");
        assertThat(dir.resolve("state.tmp")).doesNotExist();
        assertThat(dir.resolve("state.1")).doesNotExist();
        assertThat(log.list).isEmpty();
    }

    @Test
    void aStateWithoutAnAnchorIsLoadedExactlyAsSaved() throws Exception {
        assertThat(StateFile.open(dir).save(SavedState.of(IDLE))).isTrue();

        assertThat(StateFile.open(dir).load().flatMap(SavedState::soc)).contains(IDLE);
        assertThat(Files.readString(dir.resolve("state"))).contains("\nanchor none\ncrc32 ")
                .doesNotContain("anchor_");
    }

    @Test
    void nothingSavedYetIsEmptyWithoutAWarningAndTheFirstSaveCreatesTheDirectory() throws Exception {
        StateFile store = StateFile.open(dir.resolve("new"));

        assertThat(store.load()).isEmpty();
        assertThat(log.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.INFO);
        assertThat(store.save(SavedState.NONE)).isTrue();
        assertThat(dir.resolve("new").resolve("state")).isRegularFile();
    }

    @Test
    void latchedFaultsCountersAndTheConfigDigestAreLoadedExactlyAsSaved() throws Exception {
        SavedState saved = SavedState.of(IDLE)
                .withLatched(Set.of(FaultId.CELL_DEEP_DISCHARGE, FaultId.CELL_UNDERVOLTAGE))
                .withCounters(new Counters(17, Map.of(FaultId.CELL_OVERVOLTAGE, 3L, FaultId.CELL_DEEP_DISCHARGE, 1L)))
                .withConfigDigest("ab".repeat(32));

        assertThat(StateFile.open(dir).save(saved)).isTrue();

        assertThat(StateFile.open(dir).load()).contains(saved);
        assertThat(Files.readString(dir.resolve("state"))).startsWith("""
                format 2
                starts 17
                latched cell_undervoltage,cell_deep_discharge
                trips cell_overvoltage:3,cell_deep_discharge:1
                config_sha256 abab""");
    }

    @Test
    void aStateWithoutAnEstimateYetKeepsItsLatchesAndCounters() throws Exception {
        SavedState saved = SavedState.NONE.withLatched(Set.of(FaultId.CELL_DEEP_DISCHARGE))
                .withCounters(new Counters(2, Map.of()));

        assertThat(StateFile.open(dir).save(saved)).isTrue();

        assertThat(StateFile.open(dir).load()).contains(saved);
        assertThat(Files.readString(dir.resolve("state"))).contains("\nsoc none\n").doesNotContain("charge_mAs");
    }

    @Test
    void aSaveKeepsThePreviousGeneration() throws Exception {
        StateFile store = StateFile.open(dir);
        store.save(SavedState.of(LEARNING));
        byte[] first = Files.readAllBytes(dir.resolve("state"));
        store.save(SavedState.of(IDLE));

        assertThat(dir.resolve("state.1")).hasBinaryContent(first);
        assertThat(store.load().flatMap(SavedState::soc)).contains(IDLE);
        assertThat(log.list).isEmpty();
    }

    @Test
    void aNewestGenerationWithAFlippedDigitFallsBackToThePreviousOne() throws Exception {
        saveTwoGenerations();
        Path newest = dir.resolve("state");
        String text = Files.readString(newest);
        assertThat(text).contains("\ndisplayed_pct 50.0\n");
        Files.writeString(newest, text.replace("displayed_pct 50.0", "displayed_pct 51.0"));

        assertThat(StateFile.open(dir).load().flatMap(SavedState::soc)).contains(LEARNING);
        assertThat(warnings()).containsExactly(
                newest + " cannot be used: its checksum does not match",
                "using the previous generation " + dir.resolve("state.1"));
    }

    @Test
    void theChargeEachCellBledIsLoadedExactlyAsSaved() throws Exception {
        StateFile store = StateFile.open(dir);
        SavedState saved = SavedState.of(IDLE).withBalanced(List.of(0.0, 12.345678901, 1e-9, 250.5));
        assertThat(store.save(saved)).isTrue();

        assertThat(Files.readString(dir.resolve("state"))).contains("\nbalanced_mAh 0.0,12.345678901,1.0E-9,250.5\n");
        assertThat(StateFile.open(dir).load()).contains(saved);
    }

    @Test
    void aStateSavedBeforeBalancingWasCountedLoadsWithNoBalancingRecord() throws Exception {
        StateFile.open(dir).save(SavedState.of(IDLE));

        assertThat(StateFile.open(dir).load()).contains(SavedState.of(IDLE));
    }

    @Test
    void aNegativeBledChargeIsRefusedEvenWithAValidChecksum() throws Exception {
        saveTwoGenerations();
        resealed(dir.resolve("state"), text -> text + "balanced_mAh 1.0,-2.0\n");

        assertThat(StateFile.open(dir).load().flatMap(SavedState::soc)).contains(LEARNING);
        assertThat(warnings().get(0)).endsWith("cannot be used: 'balanced_mAh' has -2.0, which no bleeding gives");
    }

    @Test
    void aSaveAfterACorruptNewestGenerationKeepsTheGoodPreviousOne() throws Exception {
        saveTwoGenerations();
        byte[] good = Files.readAllBytes(dir.resolve("state.1"));
        Path newest = dir.resolve("state");
        Files.writeString(newest, Files.readString(newest).replace("displayed_pct 50.0", "displayed_pct 51.0"));
        StateFile store = StateFile.open(dir);
        assertThat(store.load().flatMap(SavedState::soc)).contains(LEARNING);

        assertThat(store.save(SavedState.of(IDLE))).isTrue();
        assertThat(dir.resolve("state.1")).hasBinaryContent(good);

        Files.delete(newest);
        assertThat(StateFile.open(dir).load().flatMap(SavedState::soc)).contains(LEARNING);
    }

    @Test
    void aNewestGenerationCutInHalfFallsBackToThePreviousOne() throws Exception {
        saveTwoGenerations();
        Path newest = dir.resolve("state");
        byte[] whole = Files.readAllBytes(newest);
        Files.write(newest, Arrays.copyOf(whole, whole.length / 2));

        assertThat(StateFile.open(dir).load().flatMap(SavedState::soc)).contains(LEARNING);
        assertThat(warnings()).hasSize(2).first().asString().startsWith(newest + " cannot be used: it is torn");
    }

    @Test
    void aNewestGenerationCutAtALineEndHasNoChecksumLine() throws Exception {
        saveTwoGenerations();
        Path newest = dir.resolve("state");
        String text = Files.readString(newest);
        Files.writeString(newest, text.substring(0, text.indexOf("crc32 ")));

        assertThat(StateFile.open(dir).load().flatMap(SavedState::soc)).contains(LEARNING);
        assertThat(warnings()).first().isEqualTo(newest + " cannot be used: it is torn: it has no checksum line");
    }

    @Test
    void aMissingNewestGenerationFallsBackToThePreviousOne() throws Exception {
        saveTwoGenerations();
        Files.delete(dir.resolve("state"));

        assertThat(StateFile.open(dir).load().flatMap(SavedState::soc)).contains(LEARNING);
        assertThat(warnings()).containsExactly(
                dir.resolve("state") + " cannot be used: it is missing",
                "using the previous generation " + dir.resolve("state.1"));
    }

    @Test
    void twoCorruptGenerationsAreRefusedBecauseALatchedFaultMayBeLost() throws Exception {
        saveTwoGenerations();
        Files.writeString(dir.resolve("state"), "format 2\nsaved_at_ms 17");
        Files.writeString(dir.resolve("state.1"), "");

        assertThatThrownBy(() -> StateFile.open(dir).load()).isInstanceOf(StateStore.Untrusted.class)
                .hasMessageStartingWith("no generation of the saved state in " + dir + " can be trusted")
                .hasMessageContaining("deep discharge");
        assertThat(warnings()).containsExactly(
                dir.resolve("state") + " cannot be used: it is torn: its last line is incomplete",
                dir.resolve("state.1") + " cannot be used: it is empty");
    }

    @Test
    void aLeftoverTemporaryFileFromAPowerCutIsIgnoredAndOverwritten() throws Exception {
        StateFile.open(dir).save(SavedState.of(LEARNING));
        Files.writeString(dir.resolve("state.tmp"), "format 2\ncharge_mAs 99");

        assertThat(StateFile.open(dir).load().flatMap(SavedState::soc)).contains(LEARNING);
        assertThat(StateFile.open(dir).save(SavedState.of(IDLE))).isTrue();
        assertThat(StateFile.open(dir).load().flatMap(SavedState::soc)).contains(IDLE);
        assertThat(log.list).isEmpty();
    }

    static Stream<Arguments> wellSealedButUntrustworthy() {
        return Stream.of(
                Arguments.of("charge_mAs 3.6E7", "charge_mAs NaN", "'charge_mAs' is NaN, not a finite number"),
                Arguments.of("offset_mA 0.75", "offset_mA -Infinity", "'offset_mA' is -Infinity, not a finite number"),
                Arguments.of("capacity_mAh 10000.0", "capacity_mAh 10,000", "'capacity_mAh' is not a number: '10,000'"),
                Arguments.of("saved_at_ms 1732400060000", "saved_at_ms 1.7e12",
                        "'saved_at_ms' is not a whole number: '1.7e12'"),
                Arguments.of("last_calibration ocv_rest", "last_calibration ocv_nap",
                        "it names an unknown calibration 'ocv_nap'"),
                Arguments.of("format 2", "format 3", "it is in format '3', which this version cannot read"),
                Arguments.of("latched none", "latched cell_meltdown", "'latched' names an unknown fault 'cell_meltdown'"),
                Arguments.of("trips none", "trips cell_overvoltage", "'trips' has 'cell_overvoltage', not fault:count"),
                Arguments.of("starts 0", "starts -1", "'starts' is -1, below zero"),
                Arguments.of("uncertainty_pct 3.5\n", "", "it lacks 'uncertainty_pct'"),
                Arguments.of("offset_mA", "offset_A", "it has an unknown key 'offset_A'"),
                Arguments.of("anchor none", "anchor none\nanchor_soc_pct 12.0",
                        "it has both 'anchor none' and 'anchor_soc_pct'"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("wellSealedButUntrustworthy")
    void aFileWithAValidChecksumIsStillCheckedValueByValue(String line, String replacement, String reason)
            throws Exception {
        saveTwoGenerations();
        Path newest = dir.resolve("state");
        resealed(newest, text -> {
            assertThat(text).contains(line);
            return text.replace(line, replacement);
        });

        assertThat(StateFile.open(dir).load().flatMap(SavedState::soc)).contains(LEARNING);
        assertThat(warnings()).first().isEqualTo(newest + " cannot be used: " + reason);
    }

    @Test
    void aFailedSaveLeavesBothGenerationsAndLogsAtMostOnceAMinuteUntilItWorksAgain() throws Exception {
        long[] now_ns = {0};
        StateFile store = StateFile.open(dir, () -> now_ns[0]);
        saveTwoGenerations();
        byte[] newest = Files.readAllBytes(dir.resolve("state"));
        byte[] previous = Files.readAllBytes(dir.resolve("state.1"));
        // a directory in the temporary file's place fails the save even for root
        Path obstacle = Files.createDirectories(dir.resolve("state.tmp").resolve("x"));

        assertThat(store.save(SavedState.of(LEARNING))).isFalse();
        now_ns[0] += 59_000_000_000L;
        assertThat(store.save(SavedState.of(LEARNING))).isFalse();
        now_ns[0] += 1_000_000_000L;
        assertThat(store.save(SavedState.of(LEARNING))).isFalse();

        assertThat(dir.resolve("state")).hasBinaryContent(newest);
        assertThat(dir.resolve("state.1")).hasBinaryContent(previous);
        Files.delete(obstacle);
        Files.delete(obstacle.getParent());
        assertThat(store.save(SavedState.of(LEARNING))).isTrue();
        assertThat(store.load().flatMap(SavedState::soc)).contains(LEARNING);
        assertThat(log.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.ERROR, Level.ERROR, Level.WARN);
        assertThat(log.list.get(0).getFormattedMessage())
                .startsWith("cannot save the state to " + dir.resolve("state") + ": ")
                .contains("state.tmp").endsWith("pibms keeps protecting the pack and tries again");
        assertThat(log.list.get(1).getFormattedMessage()).startsWith("still cannot save the state to ")
                .endsWith("(3 failed attempts so far)");
        assertThat(log.list.get(2).getFormattedMessage())
                .isEqualTo("the state to " + dir.resolve("state") + " is saved again after 3 failed attempts");
    }

    @Test
    void aSaveIntoADirectoryMadeReadOnlyFailsAndLeavesTheOldFile() throws Exception {
        Assumptions.assumeFalse(System.getProperty("user.name").equals("root"), "root ignores permissions");
        StateFile store = StateFile.open(dir);
        store.save(SavedState.of(LEARNING));
        byte[] old = Files.readAllBytes(dir.resolve("state"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assertThat(store.save(SavedState.of(IDLE))).isFalse();
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        assertThat(dir.resolve("state")).hasBinaryContent(old);
        assertThat(dir.resolve("state.tmp")).doesNotExist();
        assertThat(store.load().flatMap(SavedState::soc)).contains(LEARNING);
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "cannot save the state to " + dir.resolve("state") + ": "
                        + dir.resolve("state.tmp") + ": permission denied; pibms keeps protecting the pack and tries"
                        + " again");
    }

    @Test
    void aStateThatNoLoadWouldAcceptIsNotSavedOverAGoodOne() throws Exception {
        StateFile store = StateFile.open(dir);
        store.save(SavedState.of(IDLE));
        byte[] good = Files.readAllBytes(dir.resolve("state"));
        SocState broken = new SocState(1, 1.0, Double.NaN, 1.0, 1.0, 1.0, 0, 1.0, 1.0, 1.0, SocCalibration.NONE, 0,
                null);

        assertThat(store.save(SavedState.of(broken))).isFalse();

        assertThat(dir.resolve("state")).hasBinaryContent(good);
        assertThat(dir.resolve("state.1")).doesNotExist();
        assertThat(log.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage).containsExactly(
                tuple(Level.ERROR, "cannot save the state to " + dir.resolve("state")
                        + ": displayed_pct is NaN, so the state saved before is kept; pibms keeps protecting the"
                        + " pack and tries again"));
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsRefusedAtLoadAndFailsEachSaveWithoutThrowing() throws Exception {
        Path file = dir.resolve("not-a-directory");
        Files.writeString(file, "x");
        StateFile store = StateFile.open(file);

        assertThatThrownBy(store::load).isInstanceOf(StateStore.Untrusted.class)
                .hasMessage("the state directory " + file + " is not a directory: point daemon.state_directory at a"
                        + " directory");
        assertThat(store.save(SavedState.of(IDLE))).isFalse();
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).last().asString()
                .startsWith("cannot save the state to " + file.resolve("state") + ": ");
    }

    /** LEARNING in {@code soc-state.1}, IDLE in {@code soc-state}. */
    private void saveTwoGenerations() {
        StateFile store = StateFile.open(dir);
        assertThat(store.save(SavedState.of(LEARNING))).isTrue();
        assertThat(store.save(SavedState.of(IDLE))).isTrue();
    }

    /** Edits the lines before the checksum and writes a checksum that matches them. */
    private static void resealed(Path file, UnaryOperator<String> edit) throws Exception {
        String text = Files.readString(file);
        String lines = edit.apply(text.substring(0, text.lastIndexOf("crc32 ")));
        CRC32 crc = new CRC32();
        crc.update(lines.getBytes(StandardCharsets.UTF_8));
        Files.writeString(file, lines + String.format("crc32 %08x\n", crc.getValue()));
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
