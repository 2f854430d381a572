package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.AnalogFrontEnd;
import org.pibms.core.Balancing;
import org.pibms.core.CommandResult;
import org.pibms.core.ControlCommand;
import org.pibms.core.FaultId;
import org.pibms.core.Measurement;
import org.pibms.core.SimulationCommand;
import org.pibms.core.SimulationCommand.InjectFault;

/**
 * The balancer in the control loop, through the real LTC6813 driver and emulator: the balance
 * command and its refusals, and the open-wire test's schedule, which never tests a wire that
 * carries a bleed current. The simulated pack rests at 3265 mV a cell, below the LFP start
 * voltage, so only a command or a forced reading makes a cell bleed.
 */
class BalancingControlTest {

    @TempDir
    Path dir;

    private static ControlCommand.SetBalancing balance(Balancing.Command command) {
        return new ControlCommand.SetBalancing(command);
    }

    @Test
    void onBleedsTheHighCellThroughTheChipAndOffStopsIt() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.ticks(2);
        pack.command(new SimulationCommand.ForceCellVoltage(3, 3300));

        CommandResult on = pack.command(balance(Balancing.Command.ON));
        assertThat(on).isEqualTo(CommandResult.accepted(
                "balancing on: bleeding cell 3 (100 mA); until `pibms balance auto` or a restart"));
        pack.ticks(1);
        assertThat(pack.simulator.model().bleeding(2)).as("written with the next read").isTrue();
        assertThat(pack.simulator.model().bleeding(1)).isFalse();
        assertThat(pack.status().balancing().current_mA().get(2)).isEqualTo(100);
        pack.ticksFor(36);
        assertThat(pack.status().balanced_mAh().get(2)).as("about 100 mA for 36 s").isBetween(0.95, 1.05);

        CommandResult off = pack.command(balance(Balancing.Command.OFF));
        assertThat(off).isEqualTo(CommandResult.accepted(
                "balancing off: nothing bleeds: switched off by command; until `pibms balance auto` or a restart"));
        pack.ticks(1);
        assertThat(pack.simulator.model().bleeding(2)).isFalse();

        CommandResult auto = pack.command(balance(Balancing.Command.AUTO));
        assertThat(auto).isEqualTo(CommandResult.accepted(
                "balancing auto: nothing bleeds: the highest cell is below the start voltage"));
    }

    @Test
    void onIsRefusedWhileAFaultStopsBalancingAndTheCheckRunsEveryInterval() {
        SimulatedPack pack = new SimulatedPack(TestConfigs.simulatedWith(16, dir, "open_wire: {interval_min: 0.1}\n"),
                null);
        pack.ticks(2);
        pack.command(new InjectFault(InjectFault.Fault.OPEN_WIRE, true, 5, "", 0));
        pack.ticksFor(5);
        assertThat(pack.status().faultIds()).doesNotContain(FaultId.OPEN_WIRE);
        pack.ticksFor(2);
        assertThat(pack.status().faultIds()).as("found by the check 6 s after the first").contains(FaultId.OPEN_WIRE);

        CommandResult on = pack.command(balance(Balancing.Command.ON));
        assertThat(on.accepted()).isFalse();
        assertThat(on.message()).startsWith("balancing stays auto: open_wire");
        assertThat(pack.status().balancing().activity()).isEqualTo(Balancing.Activity.BLOCKED);
    }

    @Test
    void aCellReadingThatJumpsAgainstTheOthersRunsTheCheckAtOnce() {
        Recorder afe = new Recorder();
        SimulatedPack pack = new SimulatedPack(TestConfigs.simulatedWith(16, dir, "open_wire: {interval_min: 0}\n"),
                afe::wrap);
        pack.ticks(5);
        assertThat(afe.checks).as("the one at start").isEqualTo(1);

        pack.command(new SimulationCommand.ForceCellVoltage(7, 3265 + 99));
        pack.ticks(5);
        assertThat(afe.checks).as("99 mV is under jump_mV").isEqualTo(1);
        // 110 mV up, the pack's mean 6.9 mV up with it: 103 mV against the others
        pack.command(new SimulationCommand.ForceCellVoltage(7, 3265 + 99 + 110));
        pack.ticks(2);
        assertThat(afe.checks).isEqualTo(2);
    }

    @Test
    void theCheckNeverTestsAWireThatCarriesABleedCurrent() {
        Recorder afe = new Recorder();
        SimulatedPack pack = new SimulatedPack(TestConfigs.simulatedWith(16, dir, "open_wire: {interval_min: 0.05}\n"),
                afe::wrap);
        pack.ticks(2);
        pack.command(new SimulationCommand.ForceCellVoltage(3, 3300));
        pack.command(balance(Balancing.Command.ON));
        pack.ticksFor(20);

        assertThat(afe.checks).as("at start and every 3 s").isGreaterThanOrEqualTo(6);
        assertThat(afe.checksWhileBleeding).isZero();
        assertThat(pack.simulator.model().bleeding(2)).as("bleeding resumes after each check").isTrue();
    }

    /** Counts the open-wire tests and whether the chip had a balance switch closed at each. */
    private static final class Recorder {
        int checks;
        int checksWhileBleeding;
        private long pending;
        private long inChip;

        AnalogFrontEnd wrap(AnalogFrontEnd real) {
            return new AnalogFrontEnd() {
                @Override
                public boolean readCellVoltages(Measurement into) {
                    inChip = pending;
                    return real.readCellVoltages(into);
                }

                @Override
                public boolean readTemperatures(Measurement into) {
                    return real.readTemperatures(into);
                }

                @Override
                public void setBalancing(long cellMask) {
                    pending = cellMask;
                    real.setBalancing(cellMask);
                }

                @Override
                public long findOpenWires() {
                    checks++;
                    if (inChip != 0) {
                        checksWhileBleeding++;
                    }
                    return real.findOpenWires();
                }

                @Override
                public long pecErrors() {
                    return real.pecErrors();
                }
            };
        }
    }
}
