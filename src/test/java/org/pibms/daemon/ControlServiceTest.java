package org.pibms.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.pibms.core.CommandResult;
import org.pibms.core.PackSnapshot;
import org.pibms.core.SimulationCommand;

/** What the control socket answers to requests that are not what it expects. */
class ControlServiceTest {

    private Object lastCommand;
    private final ControlService service = new ControlService(
            () -> PackSnapshot.builder().cellVoltages_mV(new int[8], false).build(),
            command -> {
                lastCommand = command;
                return CompletableFuture.completedFuture(CommandResult.accepted("done"));
            });

    @Test
    void notJson() {
        assertThat(service.apply("hello")).startsWith("{\"ok\":false,\"error\":\"malformed request: Unrecognized token 'hello'");
    }

    @Test
    void notAnObject() {
        assertThat(service.apply("[1,2]")).isEqualTo("{\"ok\":false,\"error\":\"malformed request: expected a JSON object\"}");
    }

    @Test
    void unknownRequest() {
        assertThat(service.apply("{\"request\":\"reboot\"}"))
                .isEqualTo("{\"ok\":false,\"error\":\"unknown request 'reboot'; expected status or command\"}");
    }

    @Test
    void commandWithTheWrongTypes() {
        assertThat(service.apply("{\"request\":\"command\",\"command\":{\"type\":\"sim_current\",\"current_mA\":\"lots\"}}"))
                .isEqualTo("{\"ok\":false,\"error\":\"malformed command: 'current_mA' must be a whole number\"}");
        assertThat(service.apply("{\"request\":\"command\",\"command\":{\"type\":\"sim_cell\",\"cell\":1.5,\"voltage_mV\":3000}}"))
                .isEqualTo("{\"ok\":false,\"error\":\"malformed command: 'cell' must be a whole number\"}");
        assertThat(service.apply("{\"request\":\"command\",\"command\":{\"type\":\"format_disk\"}}"))
                .isEqualTo("{\"ok\":false,\"error\":\"malformed command: unknown command type 'format_disk'\"}");
        assertThat(service.apply("{\"request\":\"command\"}"))
                .isEqualTo("{\"ok\":false,\"error\":\"malformed command: 'command' must be an object\"}");
        assertThat(lastCommand).isNull();
    }

    @Test
    void aWellFormedCommandReachesTheLoop() {
        assertThat(service.apply("{\"request\":\"command\",\"command\":{\"type\":\"sim_speed\",\"time_scale\":\"max\"}}"))
                .isEqualTo("{\"ok\":true,\"message\":\"done\"}");
        assertThat(lastCommand).isEqualTo(new SimulationCommand.SetTimeScale(Double.POSITIVE_INFINITY));
    }

    @Test
    void accIsSetWithSimAcc() {
        assertThat(CommandJson.write(new SimulationCommand.SetAcc(true)).toString())
                .isEqualTo("{\"type\":\"sim_acc\",\"active\":true}");
        assertThat(service.apply("{\"request\":\"command\",\"command\":{\"type\":\"sim_acc\",\"active\":false}}"))
                .isEqualTo("{\"ok\":true,\"message\":\"done\"}");
        assertThat(lastCommand).isEqualTo(new SimulationCommand.SetAcc(false));
        assertThat(service.apply("{\"request\":\"command\",\"command\":{\"type\":\"sim_acc\",\"active\":\"yes\"}}"))
                .isEqualTo("{\"ok\":false,\"error\":\"malformed command: 'active' must be true or false\"}");
    }

    @Test
    void everyCommandSurvivesItsJsonForm() {
        for (SimulationCommand command : new SimulationCommand[] {
                new SimulationCommand.SetExternalCurrent(-50_000),
                new SimulationCommand.ForceCellVoltage(3, 2900),
                new SimulationCommand.ReleaseCellVoltage(3),
                new SimulationCommand.ForceTemperature("mos", 612),
                new SimulationCommand.ReleaseTemperature("mos"),
                new SimulationCommand.SetAmbientTemperature(-100),
                new SimulationCommand.SetAcc(true),
                new SimulationCommand.SetAcc(false),
                new SimulationCommand.InjectFault(SimulationCommand.InjectFault.Fault.SHORT_CIRCUIT, true, -1, "", 0.1),
                new SimulationCommand.InjectFault(SimulationCommand.InjectFault.Fault.LOAD_SHORT, false, -1, "", 0.1),
                new SimulationCommand.SetTimeScale(60),
                new SimulationCommand.SetTimeScale(Double.POSITIVE_INFINITY)}) {
            assertThat(CommandJson.read(CommandJson.write(command))).isEqualTo(command);
        }
    }
}
