package org.pibms.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;
import org.pibms.core.FaultId;
import org.pibms.core.LatchStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latched faults in {@code latched-faults} under the state directory: one fault id per
 * line, then a {@code crc32 XXXXXXXX} line over the lines before it. It is written to a
 * temporary file, synced and renamed over the old one, then the directory is synced, so a power
 * cut leaves either the old file or the new one, never a mix.
 *
 * <p>A file that is there but cannot be trusted (bad checksum, unknown id) stops the daemon
 * from starting: it may be the only record of a cell that was deep-discharged.
 */
public final class LatchFile implements LatchStore {

    static final String NAME = "latched-faults";
    private static final Logger log = LoggerFactory.getLogger(LatchFile.class);

    private final Path file;
    private final Path directory;

    private LatchFile(Path directory) {
        this.directory = directory;
        this.file = directory.resolve(NAME);
    }

    /**
     * Opens the store in {@code directory}, creating the directory if needed, and reads what it
     * holds.
     *
     * @throws StoreException naming the file and what is wrong with it
     */
    public static LatchFile open(Path directory) throws StoreException {
        DurableFiles.openDirectory(directory);
        return new LatchFile(directory);
    }

    /** @throws StoreException if the file exists but cannot be read or trusted */
    public Set<FaultId> load() throws StoreException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return EnumSet.noneOf(FaultId.class);
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(lines.size() - 1).startsWith("crc32 ")) {
            throw corrupt("it has no checksum line");
        }
        List<String> ids = lines.subList(0, lines.size() - 1);
        String expected = lines.get(lines.size() - 1).substring("crc32 ".length()).trim();
        if (!expected.equalsIgnoreCase(checksum(ids))) {
            throw corrupt("its checksum does not match");
        }
        EnumSet<FaultId> latched = EnumSet.noneOf(FaultId.class);
        for (String id : ids) {
            Optional<FaultId> fault = FaultId.fromId(id.trim());
            if (fault.isEmpty()) {
                throw corrupt("it names an unknown fault '" + id.trim() + "'");
            }
            latched.add(fault.get());
        }
        return latched;
    }

    private StoreException corrupt(String why) {
        return new StoreException(file + " cannot be trusted: " + why + ". It records faults latched across restarts"
                + " (deep discharge); check the pack, then delete the file to start");
    }

    @Override
    public boolean save(Set<FaultId> latched) {
        StringBuilder text = new StringBuilder();
        List<String> ids = latched.stream().map(FaultId::id).toList();
        for (String id : ids) {
            text.append(id).append('\n');
        }
        text.append("crc32 ").append(checksum(ids)).append('\n');
        Path temporary = directory.resolve(NAME + ".tmp");
        try {
            DurableFiles.writeSynced(temporary, text.toString().getBytes(StandardCharsets.UTF_8));
            DurableFiles.rename(temporary, file);
            DurableFiles.syncDirectory(directory);
            return true;
        } catch (IOException e) {
            log.error("cannot save the latched faults to {}: {}", file, e.getMessage());
            return false;
        }
    }

    private static String checksum(List<String> ids) {
        CRC32 crc = new CRC32();
        for (String id : ids) {
            crc.update((id.trim() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return String.format("%08x", crc.getValue());
    }

    public Path file() {
        return file;
    }
}
