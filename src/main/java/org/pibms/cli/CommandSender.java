package org.pibms.cli;

import org.pibms.core.Command;
import org.pibms.core.settings.Settings;
import org.pibms.daemon.ControlClient;
import org.pibms.daemon.DaemonException;
import picocli.CommandLine.Model.CommandSpec;

/** What the client commands that operate the daemon share: send one command, print the daemon's answer. */
final class CommandSender {

    private CommandSender() {
    }

    /**
     * Sends {@code command} to the daemon whose socket {@code config} names and prints its answer.
     *
     * @return 0 when the daemon accepted the command; 1 when it refused it, no daemon answered or
     *         the config file has errors (each reason printed to the command's error stream)
     */
    static int send(CommandSpec spec, ConfigOption config, Command command) {
        Settings settings = config.load(spec.commandLine().getErr());
        if (settings == null) {
            return 1;
        }
        try {
            spec.commandLine().getOut().println(new ControlClient(settings.daemon().socket()).send(command));
            return 0;
        } catch (DaemonException e) {
            spec.commandLine().getErr().println("pibms: " + e.getMessage());
            return 1;
        }
    }
}
