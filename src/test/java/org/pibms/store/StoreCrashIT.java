package org.pibms.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.core.FaultId;
import org.pibms.core.SavedState;

/**
 * Power-loss safety of what pibms persists: a child process that writes the state file and the
 * event log as fast as it can is killed with SIGKILL at a random moment, 200 times. After every
 * kill the next start must read a whole state (the newest or the previous generation, never
 * anything older) and the event log must read back to its last whole record, numbered without a
 * gap.
 *
 * <p>SIGKILL loses what the process had not yet handed to the kernel, which is how a torn
 * record arises here; a power cut loses what the kernel had not yet written, which the fsync
 * before each rename covers. The child is not the whole daemon: it runs the same store classes
 * flat out, so that the kills land in the middle of writes rather than between them.
 */
class StoreCrashIT {

    static final int KILLS = 200;

    @TempDir
    Path dir;

    @Test
    void twoHundredKillsInMidWriteNeverLeaveAnUnreadableStateOrLog() throws Exception {
        Random random = new Random(20261124);
        long lastStarts = 0;
        long lastSaves = 0;
        int tornTails = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            Process child = startChild();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                do {
                    line = out.readLine(); // the store's log lines come first
                } while (line != null && !line.equals("ready") && !line.startsWith("untrusted"));
                assertThat(line).as("start %d: the child's answer", kill).isEqualTo("ready");
                Thread.sleep(random.nextInt(120));
                child.destroyForcibly();
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }

            Optional<SavedState> state = StateFile.open(dir).load();
            assertThat(state).as("after kill %d", kill).isPresent();
            long starts = state.get().counters().starts();
            long saves = state.get().counters().trips(FaultId.CELL_OVERVOLTAGE);
            assertThat(starts).as("starts after kill %d", kill).isEqualTo(kill);
            assertThat(saves).as("saves after kill %d", kill).isGreaterThanOrEqualTo(lastSaves);
            lastStarts = starts;
            lastSaves = saves;

            EventLogFiles.Contents log = EventLogFiles.read(dir);
            List<EventRecord> records = log.records();
            assertThat(log.damaged()).as("damaged lines after kill %d", kill).isLessThanOrEqualTo(1);
            tornTails += log.damaged();
            for (int i = 1; i < records.size(); i++) {
                assertThat(records.get(i).seq()).as("record %d after kill %d", i, kill)
                        .isEqualTo(records.get(i - 1).seq() + 1);
            }
        }
        assertThat(lastStarts).isEqualTo(KILLS);
        assertThat(lastSaves).as("states saved in all").isGreaterThan(KILLS);
        System.out.printf("StoreCrashIT: %d kills, %d states saved, %d torn event records cut away%n", KILLS,
                lastSaves, tornTails);
    }

    private Process startChild() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("pibms.jar") + ":" + Path.of("target/test-classes").toAbsolutePath();
        return new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", classpath, StoreTortureChild.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
