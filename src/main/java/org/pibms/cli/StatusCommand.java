package org.pibms.cli;

import java.util.concurrent.Callable;
import org.pibms.core.settings.Settings;
import org.pibms.daemon.ControlClient;
import org.pibms.daemon.DaemonException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running daemon's view of the pack.")
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        Settings settings = config.load(spec.commandLine().getErr());
        if (settings == null) {
            return 1;
        }
        ControlClient client = new ControlClient(settings.daemon().socket());
        try {
            if (json) {
                spec.commandLine().getOut().println(client.statusJson());
            } else {
                spec.commandLine().getOut().print(StatusTable.format(client.status()));
                spec.commandLine().getOut().flush();
            }
            return 0;
        } catch (DaemonException e) {
            spec.commandLine().getErr().println("pibms: " + e.getMessage());
            return 1;
        }
    }
}
