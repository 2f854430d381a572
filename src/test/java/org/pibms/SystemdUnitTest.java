package org.pibms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * systemd/pibms.service: the settings the daemon relies on (notify, watchdog, user, directories,
 * restart policy, devices, address families), and its {@code systemd-analyze security} exposure.
 * The exposure check runs systemd-analyze (systemd 252 or later); without it the check is skipped,
 * unless {@code -Dpibms.require.systemd-analyze=true} makes a missing systemd-analyze a failure.
 */
class SystemdUnitTest {

    private static final Path UNIT = Path.of("systemd/pibms.service");
    private static final BigDecimal MAX_EXPOSURE = new BigDecimal("2.0");
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for pibms\\.service: (\\d+\\.\\d+)");

    @Test
    void isANotifyServiceWithAWatchdog() throws IOException {
        UnitFile unit = UnitFile.read(UNIT);

        assertThat(unit.value("Service", "Type")).hasValue("notify");
        assertThat(unit.value("Service", "NotifyAccess")).hasValue("main");
        assertThat(unit.value("Service", "WatchdogSec")).hasValue("10s");
        assertThat(unit.value("Service", "TimeoutStartSec")).hasValue("30s");
        assertThat(unit.value("Service", "ExecStart")).hasValue("/usr/bin/pibms run --config /etc/pibms/pibms.yaml");
        assertThat(unit.value("Service", "Restart")).hasValue("on-failure");
        assertThat(unit.value("Service", "RestartSec")).hasValue("2");
        assertThat(unit.value("Service", "RestartPreventExitStatus")).as("exit 1 = refused to start").hasValue("1");
        assertThat(unit.value("Service", "TimeoutStopSec")).hasValue("10");
        assertThat(unit.value("Service", "KillMode")).as("SIGTERM to the JVM only, which opens both MOS").hasValue("mixed");
        assertThat(unit.value("Install", "WantedBy")).hasValue("multi-user.target");
    }

    @Test
    void runsAsPibmsWithItsDirectories() throws IOException {
        UnitFile unit = UnitFile.read(UNIT);

        assertThat(unit.value("Service", "User")).hasValue("pibms");
        assertThat(unit.value("Service", "Group")).hasValue("pibms");
        assertThat(unit.words("Service", "SupplementaryGroups")).contains("gpio", "spi", "i2c", "dialout");
        assertThat(unit.value("Service", "StateDirectory")).hasValue("pibms");
        assertThat(unit.value("Service", "StateDirectoryMode")).hasValue("0750");
        assertThat(unit.value("Service", "RuntimeDirectory")).hasValue("pibms");
        assertThat(unit.value("Service", "RuntimeDirectoryMode")).hasValue("0750");
        assertThat(unit.value("Service", "ConfigurationDirectory")).hasValue("pibms");
        assertThat(unit.value("Service", "ConfigurationDirectoryMode")).get().isIn("0750", "0755");
        assertThat(unit.value("Service", "UMask")).hasValue("0027");
    }

    @Test
    void sandboxLeavesWhatTheDaemonNeeds() throws IOException {
        UnitFile unit = UnitFile.read(UNIT);

        assertThat(unit.value("Service", "MemoryDenyWriteExecute")).as("the JIT needs W+X memory").isEmpty();
        assertThat(unit.value("Service", "PrivateDevices")).as("the daemon drives SPI, I2C, GPIO, serial").isEmpty();
        assertThat(unit.value("Service", "PrivateNetwork")).as("Modbus TCP, web page, MQTT").isEmpty();
        assertThat(unit.words("Service", "NoExecPaths")).as("JNI libraries are loaded from /tmp").isEmpty();
        assertThat(unit.value("Service", "DevicePolicy")).hasValue("closed");
        assertThat(unit.values("Service", "DeviceAllow")).contains("char-spi rw", "char-i2c rw", "char-gpiochip rw",
                "char-ttyS rw", "char-ttyAMA rw", "char-ttyUSB rw", "char-ttyACM rw");
        assertThat(unit.words("Service", "RestrictAddressFamilies"))
                .containsExactlyInAnyOrder("AF_UNIX", "AF_NETLINK", "AF_CAN", "AF_INET", "AF_INET6");
        assertThat(unit.value("Service", "CapabilityBoundingSet")).hasValue("");
        assertThat(unit.value("Service", "AmbientCapabilities")).hasValue("");
        assertThat(unit.values("Service", "SystemCallFilter")).contains("@system-service");
        assertThat(unit.value("Service", "SystemCallErrorNumber")).hasValue("EPERM");
        assertThat(unit.value("Service", "SystemCallArchitectures")).hasValue("native");
        assertThat(unit.value("Service", "ProtectSystem")).hasValue("strict");
        assertThat(unit.value("Service", "PrivateTmp")).hasValue("yes");
    }

    @Test
    void systemdAnalyzeRatesTheExposureAtMostTwo(@TempDir Path tmp) throws Exception {
        Optional<Path> analyze = onPath("systemd-analyze");
        if (analyze.isEmpty()) {
            if (Boolean.getBoolean("pibms.require.systemd-analyze")) {
                fail("systemd-analyze is not on the PATH, and -Dpibms.require.systemd-analyze=true requires it");
            }
            Assumptions.abort("systemd-analyze is not installed (not on the PATH); "
                    + "-Dpibms.require.systemd-analyze=true makes this a failure");
        }

        Path output = tmp.resolve("security.txt");
        Process process = new ProcessBuilder(analyze.get().toString(), "security", "--offline=true",
                UNIT.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("systemd-analyze security did not finish within 60 s:%n%s", Files.readString(output));
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as("exit status of systemd-analyze security; it printed:%n%s", printed).isZero();
        Matcher m = EXPOSURE.matcher(printed);
        assertThat(m.find()).as("an overall exposure line in:%n%s", printed).isTrue();
        assertThat(new BigDecimal(m.group(1))).as("overall exposure; systemd-analyze printed:%n%s", printed)
                .isLessThanOrEqualTo(MAX_EXPOSURE);
    }

    private static Optional<Path> onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, command))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Just enough of the unit file syntax: [Section] lines, Key=Value lines, # and ; comments,
     * a trailing backslash continuing a line. A key may appear more than once (DeviceAllow=).
     */
    record UnitFile(Map<String, Map<String, List<String>>> sections) {

        static UnitFile read(Path file) throws IOException {
            Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
            String section = "";
            StringBuilder pending = new StringBuilder();
            for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String line = raw.strip();
                if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#") || line.startsWith(";"))) {
                    continue;
                }
                if (line.endsWith("\\")) {
                    pending.append(line, 0, line.length() - 1).append(' ');
                    continue;
                }
                line = pending.append(line).toString().strip();
                pending.setLength(0);
                if (line.startsWith("[") && line.endsWith("]")) {
                    section = line.substring(1, line.length() - 1);
                    sections.putIfAbsent(section, new LinkedHashMap<>());
                    continue;
                }
                int eq = line.indexOf('=');
                assertThat(eq).as("%s: not a Key=Value line: %s", file, raw).isPositive();
                sections.computeIfAbsent(section, s -> new LinkedHashMap<>())
                        .computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                        .add(line.substring(eq + 1).strip());
            }
            return new UnitFile(sections);
        }

        /** Every assignment of the key, in file order. */
        List<String> values(String section, String key) {
            return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
        }

        /** The last assignment of the key (the one that counts for a single-valued setting). */
        Optional<String> value(String section, String key) {
            List<String> all = values(section, key);
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        }

        /** The space-separated words of every assignment of the key. */
        List<String> words(String section, String key) {
            return values(section, key).stream()
                    .flatMap(v -> Arrays.stream(v.split("\\s+")))
                    .filter(w -> !w.isEmpty())
                    .toList();
        }
    }
}
