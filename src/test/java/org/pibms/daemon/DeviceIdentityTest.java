package org.pibms.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceIdentityTest {

    @TempDir
    Path dir;

    @Test
    void aPiGivesItsOwnSerialNumber() throws Exception {
        Path serial = Files.write(dir.resolve("serial-number"), "10000000abcdef12\0".getBytes());
        assertThat(DeviceIdentity.serialNumber(serial, dir.resolve("machine-id"))).isEqualTo("10000000abcdef12");
    }

    @Test
    void elsewhereTheMachineIdIsHashedNotShown() throws Exception {
        Path id = Files.writeString(dir.resolve("machine-id"), "0123456789abcdef0123456789abcdef\n");
        String serial = DeviceIdentity.serialNumber(dir.resolve("none"), id);
        assertThat(serial).hasSize(16).matches("[0-9a-f]{16}").isNotEqualTo("0123456789abcdef");
        assertThat(DeviceIdentity.serialNumber(dir.resolve("none"), id)).as("stable").isEqualTo(serial);
        assertThat(DeviceIdentity.serialNumber(dir.resolve("none"), dir.resolve("none"))).isEqualTo("unknown");
    }
}
