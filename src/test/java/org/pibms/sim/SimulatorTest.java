package org.pibms.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.afe.gpio.GpioInputs;
import org.pibms.core.CommandResult;
import org.pibms.core.Measurement;
import org.pibms.core.SimulationCommand.InjectFault;
import org.pibms.core.SimulationCommand.SetAcc;
import org.pibms.core.SystemClock;
import org.pibms.core.settings.Settings;

/** The simulator's GPIO lines and the commands that drive them, on a free-running clock. */
class SimulatorTest {

    private static final long SECOND_ns = 1_000_000_000L;
    /**
     * ACC active low, the latch active high, an active-high pre-charge and an active-low alarm;
     * the load voltage is measured, as a pre-charge needs.
     */
    private static final String WIRED = """
            hardware:
              ads1115:
                load:
                  input: 1
              gpio:
                acc: 25
                acc_active: low
                short_circuit: 22
                short_circuit_active: high
            outputs:
              - name: precharge
                gpio: 5
                function: precharge
              - name: alarm
                gpio: 6
                function: alarm
                active: low
            """;

    @TempDir
    Path dir;

    private SimulatedClock clock;
    private Simulator simulator;

    private Simulator simulator(String extra) {
        Settings settings = TestConfigs.load(dir, TestConfigs.simulatedYaml(16, dir, "max", "") + extra);
        clock = new SimulatedClock(new SystemClock(), Double.POSITIVE_INFINITY);
        simulator = Simulator.create(settings, clock);
        return simulator;
    }

    private static InjectFault fault(InjectFault.Fault fault, boolean on) {
        return new InjectFault(fault, on, -1, "", 0.1);
    }

    private void advance(double seconds) throws InterruptedException {
        clock.sleepUntil(clock.nanoTime() + (long) (seconds * SECOND_ns));
        simulator.model().advance();
    }

    @Test
    void accIsDrivenAtItsActiveLevelAndReadByTheDriver() throws Exception {
        simulator(WIRED);
        GpioInputs inputs = new GpioInputs(
                Optional.of(new GpioInputs.Input(simulator.board().input(25, "ACC"), false)), Optional.empty());
        Measurement m = new Measurement(16, 2);
        m.invalidate(clock.nanoTime());
        inputs.read(m);
        assertThat(simulator.accPin().isHigh()).as("inactive at start: high, as it is active low").isTrue();
        assertThat(m.acc()).isFalse();

        assertThat(simulator.apply(new SetAcc(true))).isEqualTo(CommandResult.accepted("ACC active"));
        m.invalidate(clock.nanoTime());
        inputs.read(m);
        assertThat(simulator.accPin().isHigh()).isFalse();
        assertThat(m.accValid()).isTrue();
        assertThat(m.acc()).isTrue();

        assertThat(simulator.apply(new SetAcc(false))).isEqualTo(CommandResult.accepted("ACC inactive"));
        assertThat(simulator.accPin().isHigh()).isTrue();
    }

    @Test
    void aCommandForAnInputThatIsNotWiredNamesTheKeyToSet() {
        simulator("");

        assertThat(simulator.accPin()).isNull();
        assertThat(simulator.shortCircuitPin()).isNull();
        assertThat(simulator.apply(new SetAcc(true)))
                .isEqualTo(CommandResult.rejected("the ACC input is not wired: set hardware.gpio.acc"));
        assertThat(simulator.apply(fault(InjectFault.Fault.SHORT_CIRCUIT, true))).isEqualTo(CommandResult.rejected(
                "the short-circuit latch input is not wired: set hardware.gpio.short_circuit"));
        assertThat(simulator.model().shortCircuit()).isFalse();
    }

    @Test
    void aShortCircuitSetsTheLatchInputAndCutsTheCurrentUntilReleased() throws Exception {
        simulator(WIRED);
        simulator.chargePin().set(true);
        simulator.dischargePin().set(true);
        simulator.model().setExternalCurrent_A(-50);
        assertThat(simulator.shortCircuitPin().isHigh()).isFalse();

        CommandResult on = simulator.apply(fault(InjectFault.Fault.SHORT_CIRCUIT, true));
        assertThat(on.accepted()).isTrue();
        assertThat(on.message()).startsWith("fault short-circuit on");
        assertThat(simulator.shortCircuitPin().isHigh()).isTrue();
        assertThat(simulator.model().current_A()).isZero();
        assertThat(simulator.dischargePin().isHigh()).as("the daemon's gate line is untouched").isTrue();

        assertThat(simulator.apply(fault(InjectFault.Fault.SHORT_CIRCUIT, false)).accepted()).isTrue();
        assertThat(simulator.shortCircuitPin().isHigh()).isFalse();
        assertThat(simulator.model().current_A()).isEqualTo(-50);
    }

    @Test
    void thePrechargeOutputChargesTheLoadAndOtherOutputsJustHoldTheirLevel() throws Exception {
        simulator(WIRED);
        double pack_mV = simulator.model().packVoltage_mV();

        simulator.outputPin("precharge").set(true);
        assertThat(simulator.model().precharge()).isTrue();
        advance(5 * 47 * 4700e-6); // five time constants of the default load
        assertThat(simulator.model().loadVoltage_mV()).isCloseTo(pack_mV * (1 - Math.exp(-5)), withinPercentage(1));

        simulator.outputPin("precharge").set(false);
        assertThat(simulator.model().precharge()).isFalse();

        simulator.outputPin("alarm").set(true);
        assertThat(simulator.outputPin("alarm").isHigh()).isTrue();
        assertThat(simulator.model().precharge()).isFalse();
        assertThatThrownBy(() -> simulator.outputPin("heater")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no output is called 'heater'; the outputs are [precharge, alarm]");
    }

    @Test
    void anActiveLowPrechargeIsOnUntilTheDaemonDrivesItsLine() {
        simulator(WIRED.replace("function: precharge", "function: precharge\n    active: low"));
        assertThat(simulator.model().precharge()).isTrue();

        simulator.outputPin("precharge").set(true);
        assertThat(simulator.model().precharge()).isFalse();
    }

    @Test
    void aLoadShortKeepsThePrechargeFromRaisingTheLoad() throws Exception {
        simulator(WIRED);

        CommandResult on = simulator.apply(fault(InjectFault.Fault.LOAD_SHORT, true));
        assertThat(on).isEqualTo(
                CommandResult.accepted("fault load-short on: the load side is shorted; a pre-charge cannot raise it"));
        simulator.outputPin("precharge").set(true);
        advance(2);
        assertThat(simulator.model().loadVoltage_mV()).isZero();

        assertThat(simulator.apply(fault(InjectFault.Fault.LOAD_SHORT, false)).accepted()).isTrue();
        advance(2);
        assertThat(simulator.model().loadVoltage_mV()).isCloseTo(simulator.model().packVoltage_mV(),
                withinPercentage(1));
    }
}
