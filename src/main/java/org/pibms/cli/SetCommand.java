package org.pibms.cli;

import java.util.concurrent.Callable;
import org.pibms.core.ControlCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pibms set protection.KEY VALUE}: change a protection setting of the running daemon. */
@Command(name = "set", mixinStandardHelpOptions = true,
        description = "Change a protection setting of the running daemon until it restarts.",
        footer = {"", "KEY is written as in the config file, VALUE in the key's unit, e.g.",
            "  pibms set protection.cell_overvoltage.trip_mV 3600",
            "  pibms set protection.charge_overcurrent.trip_A 12.5",
            "  pibms set protection.low_soc.enabled true",
            "The daemon checks the value by the config file's rules and refuses an unsafe one.",
            "The config file is not changed: put the value there to keep it after a restart."})
final class SetCommand implements Callable<Integer> {

    /** Only the protection levels can change while the daemon runs; everything else needs a restart. */
    private static final String PREFIX = "protection.";

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Parameters(index = "0", paramLabel = "KEY", description = "e.g. protection.cell_overvoltage.trip_mV")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "e.g. 3600")
    String value;

    @Override
    public Integer call() {
        if (!key.startsWith(PREFIX) || key.length() == PREFIX.length()) {
            spec.commandLine().getErr().println("pibms: only protection.* keys can be changed at run time, not '"
                    + key + "'");
            return 2;
        }
        return CommandSender.send(spec, config, new ControlCommand.SetProtection(key.substring(PREFIX.length()),
                value));
    }
}
