package org.pibms.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pibms.control.Replay;
import org.pibms.core.SocCalibration;
import org.pibms.core.settings.Settings;
import org.pibms.store.MeasurementCsv;
import org.pibms.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Run the SOC estimator and the protection table over recorded measurements (the recorder's"
                + " CSV) as fast as possible; write time_ms,soc_pct,soh_pct,calibration rows.")
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = "--csv", required = true, paramLabel = "IN",
            description = "Measurements: time_ms,current_mA,pack_mV,cell1_mV,...,cellN_mV[,temp_<name>_dC,...]")
    Path in;

    @Option(names = "--out", paramLabel = "OUT", description = "Where the results go (default: standard output).")
    Path out;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Settings settings = config.load(err);
        if (settings == null) {
            return 1;
        }
        try (MeasurementCsv csv = MeasurementCsv.open(in, settings.pack().cellCount(),
                settings.temperatureSensorNames());
                Writer writer = out == null ? spec.commandLine().getOut()
                        : Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            BufferedWriter results = new BufferedWriter(writer);
            Replay replay = new Replay(settings);
            results.write("time_ms,soc_pct,soh_pct,calibration\n");
            long rows = 0;
            while (csv.next(replay.measurement())) {
                replay.step(csv.time_ms(), csv.hasMosColumns(), csv.chargeMos(), csv.dischargeMos());
                rows++;
                SocCalibration calibration = replay.calibration();
                results.write(Long.toString(csv.time_ms()));
                results.write(replay.socValid() ? String.format(Locale.ROOT, ",%.4f,%.2f,", replay.soc_pct(),
                        replay.soh_pct()) : ",,,");
                results.write(calibration == null ? "" : calibration.id());
                results.write('\n');
            }
            results.flush();
            err.printf(Locale.ROOT, "%d rows replayed from %s; %d skipped, %d unusable values%n", rows, in,
                    csv.skippedRows(), csv.badValues());
            return 0;
        } catch (StoreException e) {
            err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("cannot write " + (out == null ? "the results" : out) + ": " + e.getMessage());
            return 1;
        }
    }
}
