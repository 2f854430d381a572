package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.ControlCommand;
import org.pibms.core.Event;
import org.pibms.core.FaultId;
import org.pibms.core.Origin;
import org.pibms.core.SimulationCommand;

/** What the controller puts into the event log, and the counters and latches it publishes for the state file. */
class EventRecordingTest {

    private static final Origin ALICE = new Origin("control socket", "uid 1000 gid 1000 pid 4242");

    @TempDir
    Path dir;

    private static List<Event> of(SimulatedPack pack, Event.Kind kind) {
        return pack.events.stream().filter(e -> e.kind() == kind).toList();
    }

    @Test
    void aTripAndItsRecoveryAreRecordedWithTheirValuesTheMosChangesWithTheirCause() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.ticks(2);
        assertThat(of(pack, Event.Kind.CALIBRATION)).extracting(e -> e.data().get("calibration"))
                .containsExactly("start_ocv");
        assertThat(of(pack, Event.Kind.MOS)).extracting(Event::text).containsExactly(
                "charge MOS off -> on (charging allowed)", "discharge MOS off -> on (discharging allowed)");

        pack.command(new SimulationCommand.ForceCellVoltage(9, 2500));
        pack.ticksFor(1.5);
        pack.command(new SimulationCommand.ReleaseCellVoltage(9));
        pack.ticksFor(3);

        Event trip = of(pack, Event.Kind.FAULT).stream().filter(e -> e.data().get("fault").equals("cell_undervoltage"))
                .findFirst().orElseThrow();
        assertThat(trip.data()).containsEntry("severity", "protection").containsEntry("source", "cell 9")
                .containsEntry("value", 2500.0).containsEntry("threshold", 2700.0).containsEntry("unit", "mV");
        assertThat(trip.text()).startsWith("tripped: cell_undervoltage, cell 9, 2500 mV <= 2700 mV for 1000 ms");
        assertThat(of(pack, Event.Kind.RECOVERY)).extracting(e -> e.data().get("fault"))
                .contains("cell_undervoltage");
        assertThat(of(pack, Event.Kind.MOS)).extracting(Event::text).contains(
                "discharge MOS on -> off (cell_undervoltage, cell 9, 2500 mV, trip 2700 mV)",
                "discharge MOS off -> on (discharging allowed)");
        assertThat(pack.status().counters().trips(FaultId.CELL_UNDERVOLTAGE)).isEqualTo(1);
        assertThat(pack.status().counters().trips(FaultId.CELL_OVERVOLTAGE)).isZero();
    }

    @Test
    void commandsAreRecordedWithWhoSentThemAndTheAnswer() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.ticks(2);

        pack.command(new ControlCommand.SetMos(ControlCommand.Path.CHARGE, false), ALICE);
        pack.command(new ControlCommand.SetProtection("cell_overvoltage.trip_mV", "9999"), ALICE);
        pack.command(new ControlCommand.SetProtection("cell_overvoltage.trip_mV", "3600"), ALICE);

        List<Event> commands = of(pack, Event.Kind.COMMAND);
        assertThat(commands).extracting(e -> e.data().get("command")).containsExactly("mos charge off",
                "set protection.cell_overvoltage.trip_mV 9999", "set protection.cell_overvoltage.trip_mV 3600");
        assertThat(commands).allSatisfy(e -> assertThat(e.data()).containsEntry("channel", "control socket")
                .containsEntry("sender", "uid 1000 gid 1000 pid 4242"));
        assertThat(commands).extracting(e -> e.data().get("accepted")).containsExactly(true, false, true);
        assertThat(commands.get(0).text()).isEqualTo("mos charge off from control socket uid 1000 gid 1000 pid 4242:"
                + " charge MOS off; held off until `pibms mos charge on`");
        assertThat(of(pack, Event.Kind.MOS)).extracting(Event::text).contains(
                "charge MOS on -> off (held off by a mos command)");
        assertThat(of(pack, Event.Kind.CONFIG)).singleElement().satisfies(e -> assertThat(e.data())
                .containsEntry("key", "protection.cell_overvoltage.trip_mV").containsEntry("from", "3650")
                .containsEntry("to", "3600").containsEntry("sender", "uid 1000 gid 1000 pid 4242"));
    }

    @Test
    void aPersistentFaultIsPublishedAsLatchedForTheStateFile() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.ticks(2);
        assertThat(pack.status().latched()).isEmpty();
        pack.command(new SimulationCommand.ForceCellVoltage(9, 1900));
        pack.ticksFor(2.5);

        assertThat(pack.status().latched()).isEqualTo(Set.of(FaultId.CELL_DEEP_DISCHARGE));
        assertThat(pack.status().counters().trips()).containsEntry(FaultId.CELL_DEEP_DISCHARGE, 1L);
    }

    @Test
    void onStopBothMosOpenByDefaultAndAKeptOneStaysAsItWas() {
        SimulatedPack opened = new SimulatedPack(dir, 16);
        opened.ticks(2);
        opened.controller.stop(opened.clock.nanoTime(), opened.clock.epochMillis());
        assertThat(opened.simulator.chargePin().isHigh()).isFalse();
        assertThat(opened.simulator.dischargePin().isHigh()).isFalse();
        assertThat(of(opened, Event.Kind.MOS)).extracting(Event::text).endsWith(
                "charge MOS on -> off (the daemon is stopping)", "discharge MOS on -> off (the daemon is stopping)");

        SimulatedPack kept = new SimulatedPack(TestConfigs.simulatedWith(16, dir,
                "switching:\n  on_stop_discharge_mos: keep\n"), null);
        kept.ticks(2);
        kept.controller.stop(kept.clock.nanoTime(), kept.clock.epochMillis());
        assertThat(kept.simulator.chargePin().isHigh()).isFalse();
        assertThat(kept.simulator.dischargePin().isHigh()).isTrue();
        assertThat(kept.status().dischargeMos()).isTrue();
        assertThat(of(kept, Event.Kind.MOS)).extracting(Event::text)
                .doesNotContain("discharge MOS on -> off (the daemon is stopping)");
    }
}
