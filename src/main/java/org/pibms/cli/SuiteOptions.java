package org.pibms.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintWriter;
import org.pibms.bench.BenchReport;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every measuring suite of {@code pibms bench} takes, and how each ends. */
final class SuiteOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--quick", description = "A short run that checks the suite works (CI); its figures are not"
            + " judged.")
    boolean quick;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    /**
     * Nothing of pibms logs during a run: the log shares stdout with the report, and a line written
     * from the control thread inside a measured tick or reaction would be measured too.
     */
    static void silenceLogs() {
        ((Logger) LoggerFactory.getLogger("org.pibms")).setLevel(Level.OFF);
    }

    /** Where progress lines go: stdout for the table, nowhere with {@code --json}. */
    PrintWriter progress() {
        return json ? null : spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints the report; exit code 1 when a target is missed. */
    int finish(BenchReport report) {
        report.print(spec.commandLine().getOut(), json);
        return report.targetsMet() ? 0 : 1;
    }
}
