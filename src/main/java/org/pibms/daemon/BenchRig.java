package org.pibms.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.pibms.bench.BenchReport;
import org.pibms.config.ConfigException;
import org.pibms.config.ConfigLoader;
import org.pibms.core.settings.Settings;

/**
 * What the daemon benchmarks share: a scratch directory for the daemon's socket and state, a
 * config the bench wrote itself, the daemon started on it, and figures in ms.
 */
final class BenchRig {

    /**
     * A simulated 16S LFP pack, as in the demo config but without the extras a bench does not
     * measure (web app, recorder, low power). Relative paths land in the scratch directory.
     * {@code %s} takes further sections.
     */
    private static final String PACK_YAML = """
            pack:
              chemistry: lfp
              cells: 16
              capacity_Ah: 100
            temperature_sensors:
              - name: cells
                location: cell
                gpio: 1
              - name: mos
                location: mos
                gpio: 2
              - name: balance
                location: balance
                gpio: 3
            daemon:
              socket: pibms.sock
              state_directory: state
              status_log_interval_s: 0
            simulation:
              seed: 1
              time_scale: 1
              initial_soc_pct: 60
              ambient_C: 25
            %s""";

    private BenchRig() {
    }

    static Path scratchDirectory() {
        try {
            return Files.createTempDirectory("pibms-bench");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a scratch directory for the bench", e);
        }
    }

    /** The 16S pack's config with {@code moreYaml} (whole top-level sections) appended. */
    static Settings settings(String moreYaml, Path scratch) {
        return parse("the bench's config", PACK_YAML.formatted(moreYaml), scratch);
    }

    /** A config the bench wrote; relative paths in it land in {@code scratch}. */
    static Settings parse(String name, String yaml, Path scratch) {
        try {
            return ConfigLoader.parse(name, yaml, scratch);
        } catch (ConfigException e) {
            // the text is the bench's own: a problem here is a bug in the bench
            throw new IllegalStateException("the bench's config is refused:\n" + e.getMessage(), e);
        }
    }

    static Daemon start(Settings settings) {
        try {
            return Daemon.start(settings);
        } catch (DaemonException e) {
            throw new IllegalStateException("the bench's daemon did not start: " + e.getMessage(), e);
        }
    }

    /** Best effort: a scratch file left in /tmp is no reason to fail a bench that measured. */
    static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // see above
        }
    }

    /** The {@code q}-quantile of sorted nanosecond samples, in ms. */
    static double quantile_ms(long[] sorted_ns, double q) {
        return BenchReport.quantile(sorted_ns, q) / 1e6;
    }
}
