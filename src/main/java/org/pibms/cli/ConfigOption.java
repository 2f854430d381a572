package org.pibms.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.pibms.config.ConfigException;
import org.pibms.config.ConfigLoader;
import org.pibms.config.ConfigProblem;
import org.pibms.core.settings.Settings;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every subcommand shares. */
final class ConfigOption {

    static final String DEFAULT = "/etc/pibms/pibms.yaml";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = DEFAULT,
            description = "Config file (default: ${DEFAULT-VALUE}); clients find the daemon's socket in it.")
    Path file;

    /** The settings, or null after printing every problem to {@code err}. */
    Settings load(PrintWriter err) {
        return load(file, err);
    }

    static Settings load(Path file, PrintWriter err) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            for (ConfigProblem problem : e.problems()) {
                err.println(problem);
            }
            return null;
        }
    }
}
