package org.pibms.cli;

import java.util.concurrent.Callable;
import org.pibms.core.ControlCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code pibms fault reset}: end the faults that wait for a person. */
@Command(name = "fault", mixinStandardHelpOptions = true,
        description = "Act on the running daemon's faults.",
        subcommands = FaultCommand.Reset.class)
final class FaultCommand {

    @Mixin
    ConfigOption config;

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "End every manual-reset and locked-out fault whose cause is gone, and re-run the"
                    + " open-wire check; a fault whose cause is still there stays, and the answer says why.")
    static final class Reset implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        FaultCommand parent;
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() {
            // --config may come before or after "reset", as with pibms sim
            ConfigOption chosen = config.file.toString().equals(ConfigOption.DEFAULT) ? parent.config : config;
            return CommandSender.send(spec, chosen, new ControlCommand.ResetFaults());
        }
    }
}
