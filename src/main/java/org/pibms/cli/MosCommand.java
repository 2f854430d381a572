package org.pibms.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.pibms.core.ControlCommand;
import org.pibms.core.ControlCommand.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pibms mos charge|discharge on|off}: switch a current path by hand. */
@Command(name = "mos", mixinStandardHelpOptions = true,
        description = "Hold the charge or discharge MOSFET off by hand, or hand it back to the BMS.",
        footer = {"", "off keeps the path open until you say on, whatever the cells do.",
            "on only takes back your off: a path a protection holds open stays open."})
final class MosCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Parameters(index = "0", paramLabel = "charge|discharge")
    String path;

    @Parameters(index = "1", paramLabel = "on|off")
    String state;

    @Override
    public Integer call() {
        Optional<Path> chosen = Path.fromId(path);
        String problem = null;
        if (chosen.isEmpty()) {
            problem = "say charge or discharge, not '" + path + "'";
        } else if (!state.equals("on") && !state.equals("off")) {
            problem = "say on or off, not '" + state + "'";
        }
        if (problem != null) {
            spec.commandLine().getErr().println("pibms: " + problem);
            return 2;
        }
        return CommandSender.send(spec, config, new ControlCommand.SetMos(chosen.get(), state.equals("on")));
    }
}
