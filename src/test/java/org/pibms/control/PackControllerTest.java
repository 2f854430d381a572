package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.core.Origin;
import org.pibms.TestConfigs;
import org.pibms.core.AnalogFrontEnd;
import org.pibms.core.CommandResult;
import org.pibms.core.FaultId;
import org.pibms.core.Measurement;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;
import org.pibms.core.SimulationCommand;

class PackControllerTest {

    @TempDir
    Path dir;

    @Test
    void beforeTheFirstTickTheSnapshotSaysStartingWithBothMosOpen() {
        SimulatedPack pack = new SimulatedPack(dir, 16);

        PackSnapshot s = pack.snapshots.latest();
        assertThat(s.sequence()).isZero();
        assertThat(s.state()).isEqualTo(PackState.STARTING);
        assertThat(s.chargeMos()).isFalse();
        assertThat(s.dischargeMos()).isFalse();
        assertThat(s.cellVoltagesValid()).isFalse();
    }

    @Test
    void theFirstGoodReadingClosesBothMos() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.tick();
        assertThat(pack.snapshots.latest().packVoltageValid()).as("the voltage ADC delivers from tick 2").isFalse();
        pack.tick();

        PackSnapshot s = pack.snapshots.latest();
        assertThat(s.sequence()).isEqualTo(2);
        assertThat(s.state()).isEqualTo(PackState.NORMAL);
        assertThat(s.chargeMos()).isTrue();
        assertThat(s.dischargeMos()).isTrue();
        assertThat(s.cellCount()).isEqualTo(16);
        assertThat(s.cellVoltage_mV(0)).isEqualTo(3265); // LFP at 50 %, no noise
        assertThat(s.packVoltage_mV()).isCloseTo(16 * 3265, within(4));
        assertThat(s.soc_pct()).isCloseTo(50, within(0.01));
        assertThat(s.temperatureNames()).containsExactly("cells_top", "mos");
        assertThat(s.faults()).isEmpty();
    }

    @Test
    void aLowCellOpensOnlyTheDischargeMosAndRecoveryClosesItAgain() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.tick();

        CompletableFuture<CommandResult> reply = pack.commands.submit(new SimulationCommand.ForceCellVoltage(5, 2600), Origin.INTERNAL);
        pack.tick();
        assertThat(reply).isCompletedWithValue(CommandResult.accepted("cell 5 reads 2600 mV until released"));
        pack.ticksFor(0.9);
        assertThat(pack.snapshots.latest().dischargeMos()).isTrue(); // the 1 s delay has not passed

        pack.ticksFor(0.2);
        PackSnapshot tripped = pack.snapshots.latest();
        assertThat(tripped.state()).isEqualTo(PackState.FAULT);
        assertThat(tripped.faultIds()).containsExactlyInAnyOrder(FaultId.CELL_UNDERVOLTAGE,
                FaultId.CELL_UNDERVOLTAGE_WARNING);
        assertThat(tripped.faults().get(1).source()).isEqualTo("cell 5");
        assertThat(tripped.dischargeMos()).isFalse();
        assertThat(tripped.chargeMos()).isTrue();

        pack.commands.submit(new SimulationCommand.ReleaseCellVoltage(5), Origin.INTERNAL);
        pack.ticksFor(1.1);
        PackSnapshot recovered = pack.snapshots.latest();
        assertThat(recovered.state()).isEqualTo(PackState.NORMAL);
        assertThat(recovered.dischargeMos()).isTrue();
    }

    @Test
    void aDischargeStopsAtAnUndervoltageLevel() {
        SimulatedPack pack = new SimulatedPack(dir, 8);
        pack.tick();
        pack.commands.submit(new SimulationCommand.SetExternalCurrent(-50_000), Origin.INTERNAL);

        for (int i = 0; i < 3 * 72_000 && pack.snapshots.latest().dischargeMos(); i++) {
            pack.tick();
        }

        PackSnapshot s = pack.snapshots.latest();
        assertThat(s.dischargeMos()).isFalse();
        assertThat(s.faultIds()).containsAnyOf(FaultId.CELL_UNDERVOLTAGE, FaultId.PACK_UNDERVOLTAGE)
                .allMatch(fault -> !fault.reaction().blocksCharge(), "lets the pack be charged");
        assertThat(pack.simulator.model().current_A()).isZero();
        assertThat(s.soc_pct()).isLessThan(5);
    }

    @Test
    void aSilentAfeOpensBothMosAfterTheConfiguredFailedReads() {
        FlakyAfe afe = new FlakyAfe();
        SimulatedPack pack = new SimulatedPack(TestConfigs.simulated(16, dir, "max"), afe::wrap);
        pack.tick();
        assertThat(pack.snapshots.latest().dischargeMos()).isTrue();
        int failedReads = pack.settings.protection().limit(FaultId.AFE_COMMUNICATION_LOST).trip();

        afe.silent = true;
        pack.ticks(failedReads - 1);
        assertThat(pack.snapshots.latest().dischargeMos()).isTrue();
        assertThat(pack.snapshots.latest().cellVoltagesValid()).isFalse();
        pack.tick();

        PackSnapshot s = pack.snapshots.latest();
        assertThat(s.faultIds()).containsExactly(FaultId.AFE_COMMUNICATION_LOST);
        assertThat(s.chargeMos()).isFalse();
        assertThat(s.dischargeMos()).isFalse();
        assertThat(pack.simulator.model().current_A()).isZero();

        afe.silent = false;
        pack.ticksFor(1.1);
        assertThat(pack.snapshots.latest().state()).isEqualTo(PackState.NORMAL);
    }

    @Test
    void anAfeThatNeverAnswersLeavesThePackOpenAndSaysWhy() {
        FlakyAfe afe = new FlakyAfe();
        afe.silent = true;
        SimulatedPack pack = new SimulatedPack(TestConfigs.simulated(16, dir, "max"), afe::wrap);

        pack.ticksFor(0.3);
        assertThat(pack.snapshots.latest().state()).isEqualTo(PackState.STARTING);
        pack.ticksFor(0.3);
        PackSnapshot s = pack.snapshots.latest();
        assertThat(s.state()).isEqualTo(PackState.FAULT);
        assertThat(s.chargeMos()).isFalse();
        assertThat(s.dischargeMos()).isFalse();
        assertThat(s.socValid()).isFalse();
    }

    @Test
    void aRejectedSimulationCommandSaysWhy() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        CompletableFuture<CommandResult> reply = pack.commands.submit(new SimulationCommand.ForceCellVoltage(17, 3000), Origin.INTERNAL);
        pack.tick();

        assertThat(reply.join()).isEqualTo(CommandResult.rejected("cell 17 does not exist: the pack has cells 1..16"));
    }

    @Test
    void withoutASimulatorSimulationCommandsAreRefused() {
        SimulatedPack simulated = new SimulatedPack(dir, 16);
        CommandQueue commands = new CommandQueue();
        PackController.Ports ports = simulated.ports;
        PackController hardwareLike = new PackController(simulated.settings, new PackController.Ports(ports.afe(),
                ports.currentSensor(), ports.voltageSensor(), ports.switches(), ports.inputs(), null), commands,
                simulated.snapshots, PackController.Persistence.none());

        CompletableFuture<CommandResult> reply = commands.submit(new SimulationCommand.SetExternalCurrent(1000), Origin.INTERNAL);
        hardwareLike.tick(1, 1);

        assertThat(reply.join().accepted()).isFalse();
        assertThat(reply.join().message()).isEqualTo("the daemon is not running a simulated pack");
    }

    @Test
    void stoppingOpensBothMosAndRefusesLaterCommands() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.ticks(3);
        CompletableFuture<CommandResult> waiting = pack.commands.submit(new SimulationCommand.SetExternalCurrent(1000), Origin.INTERNAL);

        pack.controller.stop(pack.clock.nanoTime(), pack.clock.epochMillis());

        PackSnapshot s = pack.snapshots.latest();
        assertThat(s.state()).isEqualTo(PackState.STOPPED);
        assertThat(s.chargeMos()).isFalse();
        assertThat(s.dischargeMos()).isFalse();
        assertThat(waiting.join().accepted()).isFalse();
        assertThat(pack.commands.submit(new SimulationCommand.SetExternalCurrent(1), Origin.INTERNAL).join().message())
                .isEqualTo("the control loop has stopped");
    }

    @Test
    void failSafeOpensBothMos() {
        SimulatedPack pack = new SimulatedPack(dir, 16);
        pack.tick();
        pack.commands.submit(new SimulationCommand.SetExternalCurrent(-20_000), Origin.INTERNAL);
        pack.tick();
        assertThat(pack.simulator.model().current_A()).isEqualTo(-20);

        pack.controller.failSafe(new IllegalStateException("test"));

        assertThat(pack.simulator.model().current_A()).isZero();
    }

    /** An AFE that can fall silent. */
    private static final class FlakyAfe implements AnalogFrontEnd {
        AnalogFrontEnd delegate;
        boolean silent;

        AnalogFrontEnd wrap(AnalogFrontEnd real) {
            delegate = real;
            return this;
        }

        @Override
        public void setBalancing(long cellMask) {
            delegate.setBalancing(cellMask);
        }

        @Override
        public long findOpenWires() {
            return delegate.findOpenWires();
        }

        @Override
        public boolean readCellVoltages(Measurement into) {
            return !silent && delegate.readCellVoltages(into);
        }

        @Override
        public boolean readTemperatures(Measurement into) {
            return !silent && delegate.readTemperatures(into);
        }

        @Override
        public long pecErrors() {
            return delegate.pecErrors();
        }
    }
}
