package org.pibms.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.pibms.core.settings.Settings;
import org.pibms.daemon.Daemon;
import org.pibms.daemon.DaemonException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the daemon in the foreground until stopped (SIGTERM or Ctrl-C).")
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = config.load(spec.commandLine().getErr());
        if (settings == null) {
            spec.commandLine().getErr().println("pibms: not started: the config file has errors");
            return 1;
        }
        Daemon daemon;
        try {
            daemon = Daemon.start(settings, Optional.of(config.file));
        } catch (DaemonException e) {
            spec.commandLine().getErr().println("pibms: not started: " + e.getMessage());
            return 1;
        }
        // SIGTERM (systemctl stop) and Ctrl-C end the JVM, which runs this hook: a clean stop
        Runtime.getRuntime().addShutdownHook(new Thread(() -> daemon.close("stopped by a signal (SIGTERM or Ctrl-C)"),
                "pibms-shutdown"));
        daemon.awaitTermination();
        return 0;
    }
}
