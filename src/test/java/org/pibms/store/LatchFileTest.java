package org.pibms.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.core.FaultId;

class LatchFileTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileHoldsNothingAndTheDirectoryIsCreated() throws Exception {
        LatchFile store = LatchFile.open(dir.resolve("state"));
        assertThat(Files.isDirectory(dir.resolve("state"))).isTrue();
        assertThat(store.load()).isEmpty();
    }

    @Test
    void whatIsSavedIsLoadedByTheNextRun() throws Exception {
        assertThat(LatchFile.open(dir).save(EnumSet.of(FaultId.CELL_DEEP_DISCHARGE, FaultId.SHORT_CIRCUIT))).isTrue();
        assertThat(Files.readString(dir.resolve("latched-faults"))).startsWith("cell_deep_discharge\nshort_circuit\ncrc32 ");
        assertThat(LatchFile.open(dir).load()).containsExactlyInAnyOrder(FaultId.CELL_DEEP_DISCHARGE,
                FaultId.SHORT_CIRCUIT);

        LatchFile.open(dir).save(Set.of());
        assertThat(LatchFile.open(dir).load()).isEmpty();
        assertThat(dir.resolve("latched-faults.tmp")).doesNotExist();
    }

    @Test
    void aLeftoverTemporaryFileFromAPowerCutIsIgnored() throws Exception {
        LatchFile.open(dir).save(EnumSet.of(FaultId.CELL_DEEP_DISCHARGE));
        Files.writeString(dir.resolve("latched-faults.tmp"), "short_ci");

        assertThat(LatchFile.open(dir).load()).containsExactly(FaultId.CELL_DEEP_DISCHARGE);
    }

    @Test
    void aFileWhoseChecksumDoesNotMatchStopsTheStartAndNamesTheFile() throws Exception {
        LatchFile.open(dir).save(EnumSet.of(FaultId.CELL_DEEP_DISCHARGE));
        Path file = dir.resolve("latched-faults");
        Files.writeString(file, Files.readString(file).replace("cell_deep_discharge", "cell_deep_dischargf"));

        assertThatThrownBy(() -> LatchFile.open(dir).load()).isInstanceOf(StoreException.class)
                .hasMessageStartingWith(file + " cannot be trusted: its checksum does not match")
                .hasMessageContaining("delete the file to start");
    }

    @Test
    void aTruncatedFileStopsTheStart() throws Exception {
        Files.writeString(dir.resolve("latched-faults"), "cell_deep_discharge\n");

        assertThatThrownBy(() -> LatchFile.open(dir).load()).isInstanceOf(StoreException.class)
                .hasMessageContaining("it has no checksum line");
    }

    @Test
    void anUnknownFaultStopsTheStart() throws Exception {
        LatchFile.open(dir).save(EnumSet.of(FaultId.OPEN_WIRE));
        Path file = dir.resolve("latched-faults");
        String text = Files.readString(file);
        // a well-formed file from another version, with its own valid checksum
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update("cell_melted\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.writeString(file, "cell_melted\ncrc32 " + String.format("%08x", crc.getValue()) + "\n");
        assertThat(text).isNotEqualTo(Files.readString(file));

        assertThatThrownBy(() -> LatchFile.open(dir).load()).isInstanceOf(StoreException.class)
                .hasMessageContaining("it names an unknown fault 'cell_melted'");
    }

    @Test
    void anUnwritableDirectoryIsRefusedAtOpen() throws Exception {
        Path file = dir.resolve("not-a-directory");
        Files.writeString(file, "x");

        assertThatThrownBy(() -> LatchFile.open(file)).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot create the state directory " + file);
    }
}
