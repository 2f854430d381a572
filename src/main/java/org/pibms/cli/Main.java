package org.pibms.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code pibms} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new PibmsCommand()).execute(args));
    }

    /** Runs one command line and returns its exit code: 0 done, 1 failed, 2 wrong usage. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new PibmsCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
