package org.pibms.transport.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.transport.ByteLink;

/**
 * jSerialComm on a real pseudo-terminal pair made by socat: bytes both ways at 19200 8N1, a
 * clear error for a missing device, and a failed read when the device goes away. Skipped
 * without socat unless {@code -Dpibms.require.socat=true} (as .ci/run sets) makes that a failure.
 */
class SerialLinkTest {

    @TempDir
    Path dir;
    private Process socat;

    @AfterEach
    void stopSocat() throws InterruptedException {
        if (socat != null) {
            socat.destroy();
            socat.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void startSocat() throws Exception {
        Optional<Path> binary = onPath("socat");
        if (binary.isEmpty()) {
            if (Boolean.getBoolean("pibms.require.socat")) {
                fail("socat is not on the PATH, and -Dpibms.require.socat=true requires it");
            }
            Assumptions.abort("socat is not installed; -Dpibms.require.socat=true makes this a failure");
        }
        socat = new ProcessBuilder(binary.get().toString(), "pty,raw,echo=0,link=" + dir.resolve("bms"),
                "pty,raw,echo=0,link=" + dir.resolve("client")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("socat.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(Files.exists(dir.resolve("bms")) && Files.exists(dir.resolve("client")))) {
            assertThat(System.nanoTime()).as("socat made its ptys within 5 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void bytesGoBothWaysAndALostDeviceFailsTheRead() throws Exception {
        startSocat();
        ByteLink bms = SerialLink.opener(dir.resolve("bms"), 19200, false, 50).open();
        ByteLink client = SerialLink.opener(dir.resolve("client"), 19200, false, 50).open();
        try (bms; client) {
            byte[] request = HexFormat.of().parseHex("DBDB00000000");
            client.write(request);
            assertThat(readAll(bms, 6)).isEqualTo(request);
            byte[] reply = new byte[140];
            reply[0] = (byte) 0xAA;
            bms.write(reply);
            assertThat(readAll(client, 140)).isEqualTo(reply);
            assertThat(bms.read(new byte[16])).as("a quiet line reads nothing").isZero();

            socat.destroy();
            socat.waitFor(5, TimeUnit.SECONDS);
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    bms.read(new byte[16]);
                }
            }).isInstanceOf(IOException.class).hasMessageContaining(dir.resolve("bms").toString());
        }
    }

    @Test
    void aMissingDeviceIsNamedInTheError() {
        Path missing = dir.resolve("ttyUSB9");
        assertThatThrownBy(() -> SerialLink.opener(missing, 19200, false, 50).open())
                .isInstanceOf(IOException.class).hasMessage("cannot open " + missing
                        + ": no such device (is the adapter plugged in?)");
    }

    private static byte[] readAll(ByteLink link, int count) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[256];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (out.size() < count && System.nanoTime() < deadline) {
            out.write(buffer, 0, link.read(buffer));
        }
        return out.toByteArray();
    }

    private static Optional<Path> onPath(String name) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
