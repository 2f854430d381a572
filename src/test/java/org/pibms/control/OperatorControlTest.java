package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.CommandResult;
import org.pibms.core.ControlCommand;
import org.pibms.core.FaultId;
import org.pibms.core.SimulationCommand;
import org.pibms.core.settings.Settings;

/**
 * What a person at the pack can do and see: manual MOS control that never overrides a
 * protection, fault reset, run-time limit changes through the config's rules, the digital
 * outputs, the low-power mode and faults latched across a restart.
 */
class OperatorControlTest {

    @TempDir
    Path dir;

    private static ControlCommand.SetMos mos(ControlCommand.Path path, boolean on) {
        return new ControlCommand.SetMos(path, on);
    }

    @Test
    void aManualOffHoldsThePathOpenUntilAManualOn() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.ticks(2);

        CommandResult off = pack.command(mos(ControlCommand.Path.CHARGE, false));
        assertThat(off).isEqualTo(CommandResult.accepted("charge MOS off; held off until `pibms mos charge on`"));
        assertThat(pack.simulator.chargePin().isHigh()).isFalse();
        assertThat(pack.simulator.dischargePin().isHigh()).isTrue();
        assertThat(pack.status().chargeManualOff()).isTrue();
        pack.ticksFor(10);
        assertThat(pack.simulator.chargePin().isHigh()).isFalse();

        CommandResult on = pack.command(mos(ControlCommand.Path.CHARGE, true));
        assertThat(on).isEqualTo(CommandResult.accepted("charge MOS on"));
        assertThat(pack.simulator.chargePin().isHigh()).isTrue();
    }

    @Test
    void aManualOnNeverOverridesAProtectionAndSaysWhichOne() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.ticks(2);
        pack.command(new SimulationCommand.ForceCellVoltage(4, 2500));
        pack.ticksFor(1.5);
        assertThat(pack.simulator.dischargePin().isHigh()).isFalse();

        CommandResult on = pack.command(mos(ControlCommand.Path.DISCHARGE, true));

        assertThat(on.accepted()).isFalse();
        assertThat(on.message()).startsWith("discharge MOS stays off: ").contains("cell_undervoltage, cell 4, 2500 mV,"
                + " trip 2700 mV").endsWith("; it closes by itself once that clears");
        assertThat(pack.simulator.dischargePin().isHigh()).isFalse();
    }

    @Test
    void aResetWithNothingWaitingSaysSo() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.ticks(2);
        assertThat(pack.command(new ControlCommand.ResetFaults()))
                .isEqualTo(CommandResult.accepted("no fault waits for a reset"));
    }

    @Test
    void aSafeLimitChangeTakesEffectAtOnceAndAnUnsafeOneIsRefusedWithTheReason() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.ticks(2);

        CommandResult unsafe = pack.command(new ControlCommand.SetProtection("cell_overvoltage.trip_mV", "3900"));
        assertThat(unsafe.accepted()).isFalse();
        assertThat(unsafe.message()).contains("protection.cell_overvoltage.trip_mV: 3900 mV is outside the safe range"
                + " 2000 mV .. 3800 mV for LFP cells");
        CommandResult inconsistent = pack.command(new ControlCommand.SetProtection("cell_overvoltage.recover_mV",
                "3700"));
        assertThat(inconsistent.message()).contains("must be below trip_mV (3650 mV)");
        assertThat(pack.command(new ControlCommand.SetProtection("cell_overvoltage.colour", "1")).message())
                .contains("has no key 'colour'");
        assertThat(pack.command(new ControlCommand.SetProtection("short_circuit.recovery", "auto")).message())
                .contains("only a stricter recovery");
        assertThat(pack.command(new ControlCommand.SetProtection("cell_overvoltage.enabled", "false")).message())
                .contains("cannot be switched off");

        CommandResult lowered = pack.command(new ControlCommand.SetProtection("cell_undervoltage.trip_mV", "3200"));
        assertThat(lowered.accepted()).as(lowered.message()).isFalse(); // recover_mV 3000 would be below trip
        pack.command(new ControlCommand.SetProtection("cell_undervoltage.recover_mV", "3300"));
        pack.command(new ControlCommand.SetProtection("cell_undervoltage_warning.recover_mV", "3350"));
        pack.command(new ControlCommand.SetProtection("cell_undervoltage_warning.trip_mV", "3300"));
        CommandResult raised = pack.command(new ControlCommand.SetProtection("cell_undervoltage.trip_mV", "3270"));
        assertThat(raised.accepted()).as(raised.message()).isTrue();
        assertThat(raised.message()).startsWith("protection.cell_undervoltage.trip_mV = 3270 (was 2700)");
        pack.ticksFor(1.5);
        assertThat(pack.status().faultIds()).as("the cells at 3265 mV are now too low").contains(
                FaultId.CELL_UNDERVOLTAGE);
    }

    @Test
    void severalProtectionKeysChangeTogetherOrNotAtAll() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.ticks(2);

        CommandResult partlyBad = pack.command(new ControlCommand.ChangeProtection(List.of(
                new ControlCommand.SetProtection("cell_overvoltage.delay_ms", "500"),
                new ControlCommand.SetProtection("cell_overvoltage.trip_mV", "3900"))));
        assertThat(partlyBad.accepted()).isFalse();
        assertThat(partlyBad.message()).contains("protection.cell_overvoltage.trip_mV: 3900 mV is outside the safe"
                + " range");
        assertThat(pack.command(new ControlCommand.SetProtection("cell_overvoltage.delay_ms", "1000")).message())
                .as("the good key of the refused change did not take").contains("(was 1000)");

        // each alone would leave the recovery level below the trip level: together they are consistent
        CommandResult together = pack.command(new ControlCommand.ChangeProtection(List.of(
                new ControlCommand.SetProtection("cell_undervoltage_warning.recover_mV", "3350"),
                new ControlCommand.SetProtection("cell_undervoltage_warning.trip_mV", "3300"),
                new ControlCommand.SetProtection("cell_undervoltage.recover_mV", "3300"),
                new ControlCommand.SetProtection("cell_undervoltage.trip_mV", "3200"))));
        assertThat(together.accepted()).as(together.message()).isTrue();
        assertThat(together.message()).contains("protection.cell_undervoltage.trip_mV = 3200 (was 2700)")
                .contains("protection.cell_undervoltage.recover_mV = 3300 (was 3000)");
        assertThat(pack.command(new ControlCommand.ChangeProtection(List.of(
                new ControlCommand.SetProtection("cell_nothing.trip_mV", "1")))).message())
                .contains("protection has no fault 'cell_nothing'");
    }

    @Test
    void theOutputsFollowTheirFunctions() {
        Settings settings = TestConfigs.simulatedWith(16, dir, """
                outputs:
                  - {name: alarm, gpio: 5, function: alarm}
                  - {name: chg_ok, gpio: 6, function: charge_enable, active: low}
                  - {name: heater, gpio: 12, function: heater}
                  - {name: buzzer, gpio: 13, function: buzzer}
                """);
        SimulatedPack pack = new SimulatedPack(settings, null);
        pack.ticks(2);
        assertThat(pack.simulator.outputPin("alarm").isHigh()).isFalse();
        assertThat(pack.simulator.outputPin("chg_ok").isHigh()).as("active low: on").isFalse();
        assertThat(pack.simulator.outputPin("heater").isHigh()).isFalse();

        pack.command(new SimulationCommand.ForceTemperature("cells_top", -50));
        pack.ticksFor(3.5);
        assertThat(pack.status().faultIds()).contains(FaultId.CHARGE_UNDERTEMPERATURE);
        assertThat(pack.simulator.outputPin("alarm").isHigh()).isTrue();
        assertThat(pack.simulator.outputPin("chg_ok").isHigh()).as("active low: off").isTrue();
        assertThat(pack.simulator.outputPin("heater").isHigh()).isTrue();
        int buzzerChanges = 0;
        boolean last = pack.simulator.outputPin("buzzer").isHigh();
        for (int i = 0; i < 20; i++) {
            pack.tick();
            boolean now = pack.simulator.outputPin("buzzer").isHigh();
            buzzerChanges += now != last ? 1 : 0;
            last = now;
        }
        assertThat(buzzerChanges).as("beeps half a second on, half off").isEqualTo(4);
    }

    @Test
    void lowPowerComesAfterTheIdleTimeAndCurrentWakesIt() {
        Settings settings = TestConfigs.simulatedWith(16, dir, """
                low_power: {enabled: true, idle_s: 60, idle_current_A: 0.5, period_ms: 1000, mos: keep}
                """);
        SimulatedPack pack = new SimulatedPack(settings, null);
        pack.ticksFor(59);
        assertThat(pack.status().lowPower()).isFalse();
        pack.ticksFor(2);
        assertThat(pack.status().lowPower()).isTrue();
        assertThat(pack.controller.period_ns(100_000_000L)).isEqualTo(1_000_000_000L);
        assertThat(pack.simulator.dischargePin().isHigh()).as("mos: keep").isTrue();

        pack.command(new SimulationCommand.SetExternalCurrent(-10_000));
        assertThat(pack.status().lowPower()).isFalse();
        assertThat(pack.controller.period_ns(100_000_000L)).isEqualTo(100_000_000L);
    }

    @Test
    void lowPowerWithMosOffOpensBothAndOnlyAccOrACommandWakesIt() {
        Settings settings = TestConfigs.simulatedWith(16, dir, """
                low_power: {enabled: true, idle_s: 60, period_ms: 1000, mos: off}
                hardware:
                  gpio: {charge_mos: 17, discharge_mos: 27, acc: 25}
                """);
        SimulatedPack pack = new SimulatedPack(settings, null);
        pack.ticksFor(61);
        assertThat(pack.status().lowPower()).isTrue();
        assertThat(pack.simulator.chargePin().isHigh()).isFalse();
        assertThat(pack.simulator.dischargePin().isHigh()).isFalse();
        assertThat(pack.status().accValid()).isTrue();
        assertThat(pack.status().acc()).isFalse();

        pack.command(new SimulationCommand.SetAcc(true));
        assertThat(pack.status().lowPower()).isFalse();
        assertThat(pack.status().acc()).isTrue();
        assertThat(pack.simulator.dischargePin().isHigh()).isTrue();
    }

    @Test
    void aDeepDischargeIsLatchedAcrossARestartUntilAReset() {
        SimulatedPack first = new SimulatedPack(dir, 16);
        first.ticks(2);
        first.command(new SimulationCommand.ForceCellVoltage(9, 1900));
        first.ticksFor(2.5);
        assertThat(first.status().faultIds()).contains(FaultId.CELL_DEEP_DISCHARGE);
        assertThat(first.status().latched()).isEqualTo(Set.of(FaultId.CELL_DEEP_DISCHARGE));

        SimulatedPack restarted = new SimulatedPack(first.settings, null, first.status().latched());
        restarted.ticksFor(5);
        assertThat(restarted.status().faultIds()).contains(FaultId.CELL_DEEP_DISCHARGE);
        assertThat(restarted.simulator.chargePin().isHigh()).isFalse();
        assertThat(restarted.simulator.dischargePin().isHigh()).isFalse();

        CommandResult reset = restarted.command(new ControlCommand.ResetFaults());
        assertThat(reset).isEqualTo(CommandResult.accepted("cell_deep_discharge reset"));
        restarted.tick();
        assertThat(restarted.status().latched()).isEmpty();
        assertThat(restarted.simulator.dischargePin().isHigh()).isTrue();
    }
}
