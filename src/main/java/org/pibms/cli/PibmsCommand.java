package org.pibms.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

@Command(name = "pibms",
        description = "Battery management daemon for a Raspberry Pi wired to an 8-20S lithium pack.",
        mixinStandardHelpOptions = true,
        versionProvider = PibmsCommand.Version.class,
        subcommands = {RunCommand.class, StatusCommand.class, LogCommand.class, MosCommand.class, BalanceCommand.class, FaultCommand.class, SetCommand.class,
            CheckConfigCommand.class, SimCommand.class, ReplayCommand.class, BenchCommand.class})
final class PibmsCommand {

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = PibmsCommand.class.getPackage().getImplementationVersion();
            return new String[] {"pibms " + (version != null ? version : "(development build)")};
        }
    }
}
