package org.pibms.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.pibms.core.Balancing;
import org.pibms.core.ControlCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pibms balance on|off|auto}: override the balancing rules until told otherwise. */
@Command(name = "balance", mixinStandardHelpOptions = true,
        description = "Switch balancing on or off by hand, or hand it back to the rules (auto).",
        footer = {"", "on bleeds the high cells now, whatever the mode and start voltage say; the deltas, the floor,",
            "the temperature limits and the faults still decide. It is refused while a fault stops balancing.",
            "off stops all bleeding. Either lasts until `pibms balance auto` or the daemon restarts."})
final class BalanceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Parameters(index = "0", paramLabel = "on|off|auto")
    String choice;

    @Override
    public Integer call() {
        Optional<Balancing.Command> command = Balancing.Command.fromId(choice);
        if (command.isEmpty()) {
            spec.commandLine().getErr().println("pibms: say on, off or auto, not '" + choice + "'");
            return 2;
        }
        return CommandSender.send(spec, config, new ControlCommand.SetBalancing(command.get()));
    }
}
