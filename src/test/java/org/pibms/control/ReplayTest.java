package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.core.Origin;
import org.pibms.TestConfigs;
import org.pibms.core.ControlCommand;
import org.pibms.core.SimulationCommand;
import org.pibms.core.SocCalibration;
import org.pibms.core.settings.Settings;
import org.pibms.store.CsvRecorder;
import org.pibms.store.MeasurementCsv;

/** A recording of the live daemon, replayed, gives the live SOC exactly, calibrations included. */
class ReplayTest {

    @TempDir
    Path dir;

    @Test
    void replayingARecordingReproducesTheLiveSoc() throws Exception {
        Settings settings = TestConfigs.simulatedWith(16, dir, """
                soc:
                  rest:
                    time_min: 1
                    drift_window_min: 1
                    max_drift_mV: 10
                  trusted_bands:
                    - from_pct: 0
                      to_pct: 100
                  auto_zero:
                    window_s: 5
                """);
        Path csv = dir.resolve("recording.csv");
        List<Double> live = new ArrayList<>();
        List<SocCalibration> liveCalibrations = new ArrayList<>();
        try (CsvRecorder recorder = CsvRecorder.start(csv, 0, 100_000_000, 0, 16, settings.temperatureSensorNames())) {
            SimulatedPack pack = new SimulatedPack(settings, null, Set.of(), Optional.empty(), recorder);
            String[] script = {"discharge", "rest", "charge", "mos-off", "rest"};
            for (String phase : script) {
                switch (phase) {
                    case "discharge" -> pack.commands.submit(new SimulationCommand.SetExternalCurrent(-60_000), Origin.INTERNAL);
                    case "charge" -> pack.commands.submit(new SimulationCommand.SetExternalCurrent(30_000), Origin.INTERNAL);
                    case "rest" -> pack.commands.submit(new SimulationCommand.SetExternalCurrent(0), Origin.INTERNAL);
                    case "mos-off" -> {
                        pack.commands.submit(new ControlCommand.SetMos(ControlCommand.Path.CHARGE, false), Origin.INTERNAL);
                        pack.commands.submit(new ControlCommand.SetMos(ControlCommand.Path.DISCHARGE, false), Origin.INTERNAL);
                    }
                    default -> throw new AssertionError(phase);
                }
                for (int tick = 0; tick < 1500; tick++) {
                    pack.tick();
                    live.add(pack.status().soc_pct());
                    if (pack.status().soc() != null) {
                        liveCalibrations.add(pack.status().soc().lastCalibration());
                    }
                    if (tick % 200 == 0) {
                        Thread.sleep(60); // let the writer keep up: the ring drops rows it has no room for
                    }
                }
            }
            assertThat(recorder.droppedRows()).isZero();
        }

        Replay replay = new Replay(settings);
        List<Double> replayed = new ArrayList<>();
        List<SocCalibration> calibrations = new ArrayList<>();
        try (MeasurementCsv rows = MeasurementCsv.open(csv, 16, settings.temperatureSensorNames())) {
            assertThat(rows.hasMosColumns()).isTrue();
            while (rows.next(replay.measurement())) {
                replay.step(rows.time_ms(), true, rows.chargeMos(), rows.dischargeMos());
                replayed.add(replay.soc_pct());
                if (replay.calibration() != null) {
                    calibrations.add(replay.calibration());
                }
            }
        }

        assertThat(replayed).hasSameSizeAs(live);
        for (int row = 0; row < live.size(); row++) {
            assertThat(replayed.get(row)).as("SOC after row %d", row + 1).isEqualTo(live.get(row));
        }
        assertThat(calibrations).contains(SocCalibration.START_OCV, SocCalibration.OCV_REST);
        assertThat(liveCalibrations).contains(SocCalibration.OCV_REST);
    }
}
