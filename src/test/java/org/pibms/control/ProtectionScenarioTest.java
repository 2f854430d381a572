package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.CommandResult;
import org.pibms.core.ControlCommand;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.SimulationCommand;
import org.pibms.core.SimulationCommand.InjectFault;
import org.pibms.core.settings.Settings;

/**
 * The protection end to end: the simulated pack, the real LTC6813, INA228, ADS1115 and GPIO
 * drivers over their emulators, and the controller, ticked on simulated time. What is checked
 * is what the hardware sees: the MOSFET gate lines and the current that flows.
 */
class ProtectionScenarioTest {

    private static final String SHORT_CIRCUIT_LATCH = """
            hardware:
              gpio: {charge_mos: 17, discharge_mos: 27, short_circuit: 22}
            """;

    private static final String PRECHARGE = """
            hardware:
              ads1115:
                pack: {input: 0, divider_ratio: 31}
                load: {input: 1, divider_ratio: 31}
            outputs:
              - {name: precharge, gpio: 5, function: precharge}
            """;

    @TempDir
    Path dir;

    private static InjectFault fault(InjectFault.Fault fault, boolean on) {
        return new InjectFault(fault, on, 0, "", 0);
    }

    private static boolean chargeGate(SimulatedPack pack) {
        return pack.simulator.chargePin().isHigh();
    }

    private static boolean dischargeGate(SimulatedPack pack) {
        return pack.simulator.dischargePin().isHigh();
    }

    @Test
    void anOvervoltageCellWhileChargingOpensTheChargeMosWithinItsDelayAndOneTick() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.ticks(3);
        pack.command(new SimulationCommand.SetExternalCurrent(20_000));
        assertThat(pack.simulator.model().current_A()).isEqualTo(20);
        int delayTicks = pack.settings.protection().limit(FaultId.CELL_OVERVOLTAGE).delay_ms()
                / pack.settings.control().period_ms();

        pack.command(new SimulationCommand.ForceCellVoltage(7, 3700)); // the first tick that reads 3700 mV
        int ticks = 1;
        while (chargeGate(pack) && ticks <= delayTicks + 1) {
            pack.tick();
            ticks++;
        }

        assertThat(ticks).as("ticks from the first reading to the charge gate opening")
                .isBetween(delayTicks, delayTicks + 1);
        assertThat(chargeGate(pack)).isFalse();
        assertThat(dischargeGate(pack)).as("the pack may still be discharged").isTrue();
        assertThat(pack.simulator.model().current_A()).as("no charge current flows").isZero();
        PackSnapshot s = pack.status();
        assertThat(s.faults()).filteredOn(f -> f.id() == FaultId.CELL_OVERVOLTAGE).singleElement()
                .satisfies(f -> {
                    assertThat(f.source()).isEqualTo("cell 7");
                    assertThat(f.value()).isEqualTo(3700);
                    assertThat(f.threshold()).isEqualTo(3650);
                });

        pack.command(new SimulationCommand.SetExternalCurrent(-20_000));
        assertThat(pack.simulator.model().current_A()).as("discharging still works").isEqualTo(-20);
    }

    @Test
    void aSilentAfeOpensBothMosWithinTheConfiguredTicks() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.ticks(3);
        pack.command(new SimulationCommand.SetExternalCurrent(-30_000));
        int failedReads = pack.settings.protection().limit(FaultId.AFE_COMMUNICATION_LOST).trip();

        pack.command(fault(InjectFault.Fault.AFE_COMM, true)); // this tick's read already fails
        int ticks = 1;
        while (dischargeGate(pack) && ticks <= failedReads) {
            pack.tick();
            ticks++;
        }

        assertThat(ticks).isEqualTo(failedReads);
        assertThat(chargeGate(pack)).isFalse();
        assertThat(dischargeGate(pack)).isFalse();
        assertThat(pack.simulator.model().current_A()).isZero();
        assertThat(pack.status().faultIds()).contains(FaultId.AFE_COMMUNICATION_LOST);

        pack.command(fault(InjectFault.Fault.AFE_COMM, false));
        pack.ticksFor(1.1);
        assertThat(pack.status().faultIds()).doesNotContain(FaultId.AFE_COMMUNICATION_LOST);
        assertThat(dischargeGate(pack)).isTrue();
    }

    @Test
    void theShortCircuitLatchKeepsBothMosOpenUntilAResetAfterItClears() {
        Settings settings = TestConfigs.simulatedWith(16, dir, SHORT_CIRCUIT_LATCH);
        SimulatedPack pack = new SimulatedPack(settings, null);
        pack.ticks(3);
        pack.command(new SimulationCommand.SetExternalCurrent(-50_000));

        pack.command(fault(InjectFault.Fault.SHORT_CIRCUIT, true));
        assertThat(pack.simulator.model().current_A()).as("the hardware cut the current by itself").isZero();
        assertThat(pack.status().faultIds()).contains(FaultId.SHORT_CIRCUIT);
        assertThat(chargeGate(pack)).isFalse();
        assertThat(dischargeGate(pack)).isFalse();

        CommandResult tooEarly = pack.command(new ControlCommand.ResetFaults());
        assertThat(tooEarly.message()).contains("short_circuit stays");
        assertThat(dischargeGate(pack)).isFalse();

        pack.command(fault(InjectFault.Fault.SHORT_CIRCUIT, false));
        pack.ticksFor(60);
        assertThat(pack.status().faultIds()).as("no automatic recovery").contains(FaultId.SHORT_CIRCUIT);
        assertThat(dischargeGate(pack)).isFalse();

        CommandResult reset = pack.command(new ControlCommand.ResetFaults());
        assertThat(reset).isEqualTo(CommandResult.accepted("short_circuit reset"));
        pack.tick();
        assertThat(pack.status().faultIds()).doesNotContain(FaultId.SHORT_CIRCUIT);
        assertThat(chargeGate(pack)).isTrue();
        assertThat(dischargeGate(pack)).isTrue();
        assertThat(pack.simulator.model().current_A()).isEqualTo(-50);
    }

    @Test
    void anOvertemperatureWhileChargingStopsChargingOnlyAndRecoversBelowItsLevel() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.ticks(3);
        pack.command(new SimulationCommand.SetExternalCurrent(20_000));

        // the NTCs are read once a second, on top of the 2 s delay
        pack.command(new SimulationCommand.ForceTemperature("cells_top", 520));
        pack.ticksFor(3.5);
        assertThat(pack.status().faultIds()).contains(FaultId.CHARGE_OVERTEMPERATURE)
                .doesNotContain(FaultId.DISCHARGE_OVERTEMPERATURE);
        assertThat(chargeGate(pack)).isFalse();
        assertThat(dischargeGate(pack)).isTrue();
        assertThat(pack.simulator.model().current_A()).isZero();

        pack.command(new SimulationCommand.ForceTemperature("cells_top", 460));
        pack.ticksFor(10);
        assertThat(chargeGate(pack)).as("46 °C is above the 45 °C recovery level").isFalse();

        pack.command(new SimulationCommand.ForceTemperature("cells_top", 440));
        pack.ticksFor(4.5);
        assertThat(chargeGate(pack)).as("the 5 s recovery delay has not passed").isFalse();
        pack.ticksFor(2);
        assertThat(chargeGate(pack)).isTrue();
        assertThat(pack.simulator.model().current_A()).isEqualTo(20);
    }

    @Test
    void thePrechargeBringsTheLoadUpBeforeTheDischargeMosCloses() {
        Settings settings = TestConfigs.simulatedWith(16, dir, PRECHARGE);
        SimulatedPack pack = new SimulatedPack(settings, null);
        pack.ticks(2);
        assertThat(pack.status().precharging()).isTrue();
        assertThat(pack.simulator.outputPin("precharge").isHigh()).isTrue();
        assertThat(dischargeGate(pack)).isFalse();

        pack.ticksFor(2);
        assertThat(dischargeGate(pack)).isTrue();
        assertThat(pack.simulator.outputPin("precharge").isHigh()).isFalse();
        assertThat(pack.status().loadVoltage_mV()).isCloseTo(pack.status().packVoltage_mV(),
                org.assertj.core.api.Assertions.within(settings.switching().prechargeMargin_mV()));
        assertThat(pack.status().faults()).isEmpty();
    }

    @Test
    void aPrechargeThatCannotFinishTimesOutIntoAFaultAndTheDischargeMosStaysOpen() {
        Settings settings = TestConfigs.simulatedWith(16, dir, PRECHARGE);
        SimulatedPack pack = new SimulatedPack(settings, null);
        pack.command(fault(InjectFault.Fault.LOAD_SHORT, true));
        int timeoutTicks = settings.switching().prechargeTimeout_ms() / settings.control().period_ms();

        pack.ticks(timeoutTicks - 1);
        assertThat(pack.status().precharging()).as("still trying").isTrue();
        pack.ticks(2);
        assertThat(pack.status().precharging()).isFalse();
        assertThat(pack.status().faultIds()).contains(FaultId.PRECHARGE_FAILED);
        assertThat(dischargeGate(pack)).isFalse();
        assertThat(chargeGate(pack)).as("charging does not need the pre-charge").isTrue();

        pack.ticksFor(20);
        assertThat(dischargeGate(pack)).as("no retry before 30 s").isFalse();
        assertThat(pack.simulator.outputPin("precharge").isHigh()).isFalse();

        pack.command(fault(InjectFault.Fault.LOAD_SHORT, false));
        pack.ticksFor(12);
        assertThat(pack.status().faultIds()).doesNotContain(FaultId.PRECHARGE_FAILED);
        assertThat(dischargeGate(pack)).as("the retry pre-charges and closes").isTrue();
    }
}
