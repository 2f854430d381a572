package org.pibms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package that {@code mvn package} builds, read with {@code dpkg-deb} as dpkg would
 * see it: its control fields, its files and their modes, the conffile, and what the maintainer
 * scripts do when run against stub commands.
 */
class DebPackageIT {

    /** The package's files and their modes, as {@code dpkg-deb -c} prints them. */
    private static final Map<String, String> FILES = Map.of(
            "./usr/share/pibms/pibms.jar", "-rw-r--r--",
            "./usr/share/pibms/javacan/aarch64/native/libjavacan-core.so", "-rw-r--r--",
            "./usr/share/pibms/javacan/armv7/native/libjavacan-core.so", "-rw-r--r--",
            "./usr/share/pibms/javacan/x86_64/native/libjavacan-core.so", "-rw-r--r--",
            "./usr/bin/pibms", "-rwxr-xr-x",
            "./etc/pibms/pibms.yaml", "-rw-r-----",
            "./lib/systemd/system/pibms.service", "-rw-r--r--",
            "./usr/share/doc/pibms/README.md", "-rw-r--r--",
            "./usr/share/doc/pibms/copyright", "-rw-r--r--");

    /** Where each packaged file comes from, relative to the project directory. */
    private static final Map<String, String> SOURCES = Map.of(
            "usr/bin/pibms", "scripts/pibms",
            "etc/pibms/pibms.yaml", "config/pibms.yaml",
            "lib/systemd/system/pibms.service", "systemd/pibms.service",
            "usr/share/doc/pibms/README.md", "README.md",
            "usr/share/doc/pibms/copyright", "src/deb/copyright");

    private static final List<String> DEVICE_GROUPS = List.of("gpio", "spi", "i2c", "dialout");

    /** A command line that enables or starts a unit ("try-restart" only restarts a running one). */
    private static final Pattern SERVICE_START = Pattern.compile(
            "^(systemctl|deb-systemd-invoke|deb-systemd-helper)\\b.*(?<![-\\w])(enable|start|restart|reload-or-restart)(?![-\\w])");

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    /** One line of {@code dpkg-deb -c}. */
    record Entry(String mode, String owner, long size, String time, String path) {
    }

    @Test
    void theOneDebIsNamedAfterTheProjectVersion() throws Exception {
        Path deb = deb();
        assertThat(deb.getFileName().toString()).isEqualTo("pibms_" + debianVersion() + "_all.deb");
    }

    @Test
    void controlFieldsNameThePackageItsVersionAndJava17() throws Exception {
        Path deb = deb();
        String info = dpkgDeb("-I", deb.toString());
        assertThat(info).contains("new Debian package, version 2.0");
        for (String member : List.of("control", "conffiles", "md5sums", "postinst", "prerm", "postrm")) {
            assertThat(info).as("control member " + member).containsPattern("(?m)^ +\\d+ bytes, +\\d+ lines .*" + member);
        }

        assertThat(field(deb, "Package")).isEqualTo("pibms");
        assertThat(field(deb, "Version")).isEqualTo(debianVersion());
        assertThat(field(deb, "Architecture")).isEqualTo("all");
        assertThat(field(deb, "Section")).isEqualTo("misc");
        assertThat(field(deb, "Priority")).isEqualTo("optional");
        assertThat(field(deb, "Maintainer")).isEqualTo("pibms developers <pibms@localhost>");
        assertThat(field(deb, "Description")).startsWith("battery management daemon").contains("pibms check-config");

        List<String> depends = List.of(field(deb, "Depends").split(",\\s*"));
        assertThat(depends).contains("openjdk-17-jre-headless | java17-runtime-headless", "adduser");
        // jdeb fills [[...]] tokens in the control file and the scripts; none may survive
        assertThat(dpkgDeb("-f", deb.toString())).doesNotContain("[[", "]]");
    }

    @Test
    void everyFileHasItsModeAndRootOwnsEverything() throws Exception {
        Path deb = deb();
        List<Entry> entries = contents(deb);

        Map<String, String> files = new TreeMap<>();
        for (Entry entry : entries) {
            assertThat(entry.owner()).as(entry.path()).isEqualTo("root/root");
            if (entry.mode().startsWith("d")) {
                assertThat(entry.mode()).as(entry.path()).isEqualTo("drwxr-xr-x");
            } else {
                files.put(entry.path(), entry.mode());
            }
        }
        assertThat(files).isEqualTo(new TreeMap<>(FILES));

        // every parent directory is in the package, so dpkg creates it root:root 0755
        Set<String> directories = entries.stream().filter(e -> e.mode().startsWith("d")).map(Entry::path)
                .collect(Collectors.toSet());
        for (String file : FILES.keySet()) {
            for (String parent = parentOf(file); !parent.equals("./"); parent = parentOf(parent)) {
                assertThat(directories).as("directory of " + file).contains(parent);
            }
        }

        // reproducible: every entry carries the one fixed time, not the build's clock
        assertThat(entries.stream().map(Entry::time).distinct()).hasSize(1);
    }

    @Test
    void thePackagedFilesAreTheShadedJarAndTheProjectsFiles() throws Exception {
        Path deb = deb();
        Path root = dir.resolve("root");
        dpkgDeb("-x", deb.toString(), root.toString());

        Path jar = Path.of(requiredProperty("pibms.jar"));
        assertThat(Files.mismatch(root.resolve("usr/share/pibms/pibms.jar"), jar)).as("the jar").isEqualTo(-1L);
        // the shaded jar, not the thin one: it carries the libraries
        assertThat(Files.size(jar)).isGreaterThan(1_000_000L);
        for (Map.Entry<String, String> file : SOURCES.entrySet()) {
            assertThat(Files.mismatch(root.resolve(file.getKey()), Path.of(file.getValue())))
                    .as(file.getKey() + " from " + file.getValue()).isEqualTo(-1L);
        }
        assertThat(Files.readString(root.resolve("usr/share/doc/pibms/copyright")))
                .contains("License: not yet chosen; all rights reserved by the pibms authors");
    }

    @Test
    void theConfigIsAConffileAndTheScriptsAreExecutableShellScripts() throws Exception {
        Path control = control(deb());

        assertThat(Files.readAllLines(control.resolve("conffiles"))).containsExactly("/etc/pibms/pibms.yaml");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Path path = control.resolve(script);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).as(script)
                    .isEqualTo("rwxr-xr-x");
            String text = Files.readString(path);
            assertThat(text).as(script).startsWith("#!/bin/sh\n").contains("\nset -e\n").doesNotContain("[[", "]]");
            Result syntax = run(List.of("/bin/sh", "-n", path.toString()), Map.of());
            assertThat(syntax.code()).as(script + ": sh -n\n" + syntax.err()).isZero();
        }

        String postinst = Files.readString(control.resolve("postinst"));
        assertThat(postinst).contains("chgrp pibms /etc/pibms/pibms.yaml", "chmod 0640 /etc/pibms/pibms.yaml");
        // whether or not systemd runs here: nothing in postinst may enable or start the service
        assertThat(postinst.lines().map(String::strip))
                .noneMatch(line -> SERVICE_START.matcher(line).find());
        String postrm = Files.readString(control.resolve("postrm"));
        assertThat(postrm).contains("rm -rf /var/lib/pibms").doesNotContain("deluser", "userdel", "delgroup");
    }

    @Test
    void postinstCreatesTheUserAndGroupsButStartsNothing() throws Exception {
        Path postinst = control(deb()).resolve("postinst");

        // a fresh install on a machine without any of the groups or the user
        Path log = dir.resolve("fresh.log");
        Result fresh = runWithStubs(postinst, log, 2, "configure", "");
        assertThat(fresh.code()).as(fresh.err()).isZero();
        List<String> calls = Files.readAllLines(log);
        for (String group : DEVICE_GROUPS) {
            assertThat(calls).contains("addgroup --quiet --system " + group, "adduser --quiet pibms " + group);
        }
        assertThat(calls).contains("addgroup --quiet --system pibms");
        assertThat(calls).filteredOn(call -> call.matches("adduser .*--system .*"))
                .singleElement(STRING)
                .contains("--ingroup pibms", "--home /var/lib/pibms", "--no-create-home", "--shell /usr/sbin/nologin")
                .endsWith(" pibms");
        assertThat(calls).filteredOn(call -> call.startsWith("systemctl"))
                .allSatisfy(call -> assertThat(call).isEqualTo("systemctl --system daemon-reload"));
        assertThat(calls).noneSatisfy(call -> assertThat(call).containsAnyOf(" enable", " start", " restart"));
        assertThat(fresh.out()).contains("not started", "/etc/pibms/pibms.yaml", "systemctl enable --now pibms");

        // an upgrade: everything exists already, so nothing is created again
        Path upgradeLog = dir.resolve("upgrade.log");
        Result upgrade = runWithStubs(postinst, upgradeLog, 0, "configure", "0.0.1");
        assertThat(upgrade.code()).as(upgrade.err()).isZero();
        List<String> upgradeCalls = Files.readAllLines(upgradeLog);
        assertThat(upgradeCalls).noneSatisfy(call -> assertThat(call).matches("addgroup .*|adduser .*--system.*"));
        assertThat(upgradeCalls).contains("adduser --quiet pibms gpio");
        if (Files.isDirectory(Path.of("/run/systemd/system"))) {
            assertThat(upgradeCalls).contains("systemctl --system daemon-reload", "systemctl try-restart pibms.service");
        } else {
            assertThat(upgradeCalls).noneSatisfy(call -> assertThat(call).startsWith("systemctl"));
        }
        assertThat(upgradeCalls).noneSatisfy(call -> assertThat(call).containsAnyOf(" enable", " start "));
        assertThat(upgrade.out()).doesNotContain("not started");

        Result unknown = runWithStubs(postinst, dir.resolve("unknown.log"), 0, "frobnicate");
        assertThat(unknown.code()).isNotZero();
    }

    @Test
    void prermStopsTheServiceOnRemoveOnly() throws Exception {
        Path prerm = control(deb()).resolve("prerm");
        boolean systemd = Files.isDirectory(Path.of("/run/systemd/system"));

        Path removeLog = dir.resolve("remove.log");
        assertThat(runWithStubs(prerm, removeLog, 0, "remove").code()).isZero();
        if (systemd) {
            assertThat(Files.readAllLines(removeLog)).containsExactly("deb-systemd-invoke stop pibms.service");
        } else {
            assertThat(Files.readAllLines(removeLog)).isEmpty();
        }
        assertThat(Files.readString(prerm)).contains("stop pibms.service");

        Path upgradeLog = dir.resolve("upgrade.log");
        assertThat(runWithStubs(prerm, upgradeLog, 0, "upgrade", "0.2.0").code()).isZero();
        assertThat(Files.readAllLines(upgradeLog)).isEmpty();
    }

    // --- the package ---

    /** The one {@code target/pibms_*_all.deb}. */
    private static Path deb() throws IOException {
        Path target = Path.of(requiredProperty("pibms.build.directory"));
        List<Path> debs;
        try (Stream<Path> files = Files.list(target)) {
            debs = files.filter(p -> p.getFileName().toString().matches("pibms_.*_all\\.deb")).sorted().toList();
        }
        assertThat(debs).as("pibms_*_all.deb in " + target + " (several: run mvn clean)").hasSize(1);
        return debs.get(0);
    }

    /**
     * The Debian version jdeb makes of the project version: a SNAPSHOT becomes "~snapshot", which
     * dpkg sorts before the release it leads to (0.1.0~snapshot &lt; 0.1.0).
     */
    private static String debianVersion() {
        String version = requiredProperty("pibms.version");
        return version.endsWith("-SNAPSHOT")
                ? version.substring(0, version.length() - "-SNAPSHOT".length()) + "~snapshot"
                : version;
    }

    private static String field(Path deb, String name) throws Exception {
        return dpkgDeb("-f", deb.toString(), name).strip();
    }

    private static List<Entry> contents(Path deb) throws Exception {
        List<Entry> entries = new ArrayList<>();
        for (String line : dpkgDeb("-c", deb.toString()).split("\n")) {
            // drwxr-xr-x root/root         0 2026-11-24 00:00 ./usr/share/pibms/
            String[] parts = line.strip().split("\\s+", 6);
            assertThat(parts).as(line).hasSize(6);
            entries.add(new Entry(parts[0], parts[1], Long.parseLong(parts[2]), parts[3] + " " + parts[4], parts[5]));
        }
        assertThat(entries).isNotEmpty();
        return entries;
    }

    private Path control(Path deb) throws Exception {
        Path control = dir.resolve("DEBIAN");
        if (!Files.isDirectory(control)) {
            dpkgDeb("-e", deb.toString(), control.toString());
        }
        return control;
    }

    private static String parentOf(String path) {
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return trimmed.substring(0, trimmed.lastIndexOf('/') + 1);
    }

    // --- running things ---

    private static final Pattern ABSOLUTE_COMMAND = Pattern.compile("^(?:(?:if|then|do|else|!|\\|\\||&&)\\s+)*/");

    /**
     * Runs a maintainer script with a PATH that holds only stubs: each logs its arguments and exits
     * with {@code stubExit} ({@code getent} with {@code getentExit}, 1 for dpkg-statoverride: no
     * override). A command the stubs lack is "not found", so the script cannot reach this machine.
     */
    private Result runWithStubs(Path script, Path log, int getentExit, String... args) throws Exception {
        for (String line : Files.readAllLines(script)) {
            assertThat(ABSOLUTE_COMMAND.matcher(line.strip()).find())
                    .as("a command by absolute path would escape the stubs: " + line).isFalse();
        }
        Path bin = Files.createTempDirectory(dir, "stubs");
        Files.createFile(log);
        Map<String, Integer> stubs = new LinkedHashMap<>();
        for (String name : List.of("addgroup", "adduser", "chgrp", "chmod", "rm", "systemctl", "deb-systemd-invoke",
                "deb-systemd-helper")) {
            stubs.put(name, 0);
        }
        stubs.put("getent", getentExit);
        stubs.put("dpkg-statoverride", 1);
        for (Map.Entry<String, Integer> stub : stubs.entrySet()) {
            Path file = bin.resolve(stub.getKey());
            Files.writeString(file, "#!/bin/sh\necho \"" + stub.getKey() + " $*\" >> '" + log + "'\nexit "
                    + stub.getValue() + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> command = new ArrayList<>(List.of("/bin/sh", script.toString()));
        command.addAll(List.of(args));
        Result result = run(command, Map.of("PATH", bin.toString(), "LC_ALL", "C"));
        if (getentExit != 0) {
            assertThat(Files.readAllLines(log)).anySatisfy(call -> assertThat(call).startsWith("getent "));
        }
        return result;
    }

    private static String dpkgDeb(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(dpkgDebCommand());
        command.addAll(List.of(args));
        Result result = run(command, null);
        assertThat(result.code()).as(String.join(" ", command) + "\n" + result.err()).isZero();
        return result.out();
    }

    /** /usr/bin/dpkg-deb, or dpkg-deb on the PATH; without it this test fails rather than skips. */
    private static String dpkgDebCommand() {
        Path standard = Path.of("/usr/bin/dpkg-deb");
        if (Files.isExecutable(standard)) {
            return standard.toString();
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "dpkg-deb"))) {
                return Path.of(entry, "dpkg-deb").toString();
            }
        }
        return fail("dpkg-deb not found (not at /usr/bin/dpkg-deb nor on the PATH): DebPackageIT reads the"
                + " .deb with it; install dpkg (apt install dpkg)");
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fail("system property " + name + " is not set: run this test through Maven (mvn verify),"
                    + " whose failsafe configuration passes it");
        }
        return value;
    }

    /** Runs a command; {@code environment} null keeps this JVM's, otherwise it is the whole of it. */
    private static Result run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (environment != null) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        Path out = Files.createTempFile("debit", ".out");
        Path err = Files.createTempFile("debit", ".err");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
