package org.pibms.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Check a config file: print OK, or every problem as FILE:LINE:COLUMN: key: what is wrong.")
final class CheckConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", defaultValue = ConfigOption.DEFAULT,
            description = "Config file (default: ${DEFAULT-VALUE}).")
    Path file;

    @Override
    public Integer call() {
        if (ConfigOption.load(file, spec.commandLine().getErr()) == null) {
            return 1;
        }
        spec.commandLine().getOut().println("OK");
        return 0;
    }
}
