package org.pibms.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/configuration.md and docs/protection.md document every key the loader reads, and no key it does not. */
class ConfigurationDocsTest {

    private static final Pattern TABLE_KEY = Pattern.compile("^\\| `([a-z_A-Z0-9.\\[\\]]+)` \\|", Pattern.MULTILINE);

    @Test
    void everyKeyIsDocumentedAndEveryDocumentedKeyExists(@TempDir Path directory) throws IOException {
        Set<String> documented = new TreeSet<>();
        Matcher m = TABLE_KEY.matcher(Files.readString(Path.of("docs/configuration.md")));
        while (m.find()) {
            documented.add(m.group(1));
        }
        // the protection keys are listed in docs/protection.md, next to the table they belong to
        Matcher p = TABLE_KEY.matcher(Files.readString(Path.of("docs/protection.md")));
        while (p.find()) {
            if (p.group(1).startsWith("protection.")) {
                documented.add(p.group(1));
            }
        }
        // the demo file has every section and one list item, so every key is read; ports, CAN and MQTT
        // are added here, as the demo has no serial port, CAN bus or broker to serve
        Path file = directory.resolve("pibms.yaml");
        Files.writeString(file, Files.readString(Path.of("config/simulated.yaml"))
                + "\nports:\n  - device: /dev/ttyUSB0\n    protocol: ant\n"
                + "can:\n  transport: slcan\n  interface: can0\n  device: /dev/ttyACM0\n  profile: pylon\n"
                + "  period_ms: 1000\n  inverter_timeout_s: 30\n  j1939_address: 244\n"
                + "  j1939_name: 00000000FFE00001\n"
                + "mqtt:\n  host: broker.local\n");
        Set<String> read = ConfigLoader.keysRead(file);
        Set<String> leaves = new TreeSet<>();
        for (String key : read) {
            boolean isSection = read.stream().anyMatch(other -> other.startsWith(key + ".") || other.startsWith(key + "[]"));
            if (!isSection) {
                leaves.add(key);
            }
        }

        assertThat(leaves).hasSizeGreaterThan(50);
        assertThat(documented).as("every key the loader reads is documented").containsAll(leaves);
        assertThat(read).as("every documented key is one the loader reads").containsAll(documented);
    }
}
