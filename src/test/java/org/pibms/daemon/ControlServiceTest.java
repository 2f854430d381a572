package org.pibms.daemon;

import org.pibms.json.CommandJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.pibms.core.CommandResult;
import org.pibms.core.Origin;
import org.pibms.core.PackSnapshot;
import org.pibms.core.SimulationCommand;

/** What the control socket answers to requests that are not what it expects. */
class ControlServiceTest {

    private static final Origin CALLER = new Origin("control socket", "uid 1000 gid 1000 pid 42");

    private Object lastCommand;
    private final ControlService service = new ControlService(
            () -> PackSnapshot.builder().cellVoltages_mV(new int[8], false).build(),
            (command, origin) -> {
                lastCommand = command;
                return CompletableFuture.completedFuture(CommandResult.accepted("done"));
            });

    @Test
    void notJson() {
        assertThat(service.answer("hello", CALLER)).startsWith("{\"ok\":false,\"error\":\"malformed request: Unrecognized token 'hello'");
    }

    @Test
    void notAnObject() {
        assertThat(service.answer("[1,2]", CALLER)).isEqualTo("{\"ok\":false,\"error\":\"malformed request: expected a JSON object\"}");
    }

    @Test
    void unknownRequest() {
        assertThat(service.answer("{\"request\":\"reboot\"}", CALLER))
                .isEqualTo("{\"ok\":false,\"error\":\"unknown request 'reboot'; expected status or command\"}");
    }

    @Test
    void commandWithTheWrongTypes() {
        assertThat(service.answer("{\"request\":\"command\",\"command\":{\"type\":\"sim_current\",\"current_mA\":\"lots\"}}", CALLER))
                .isEqualTo("{\"ok\":false,\"error\":\"malformed command: 'current_mA' must be a whole number\"}");
        assertThat(service.answer("{\"request\":\"command\",\"command\":{\"type\":\"sim_cell\",\"cell\":1.5,\"voltage_mV\":3000}}", CALLER))
                .isEqualTo("{\"ok\":false,\"error\":\"malformed command: 'cell' must be a whole number\"}");
        assertThat(service.answer("{\"request\":\"command\",\"command\":{\"type\":\"format_disk\"}}", CALLER))
                .isEqualTo("{\"ok\":false,\"error\":\"malformed command: unknown command type 'format_disk'\"}");
        assertThat(service.answer("{\"request\":\"command\"}", CALLER))
                .isEqualTo("{\"ok\":false,\"error\":\"malformed command: 'command' must be an object\"}");
        assertThat(lastCommand).isNull();
    }

    @Test
    void aWellFormedCommandReachesTheLoop() {
        assertThat(service.answer("{\"request\":\"command\",\"command\":{\"type\":\"sim_speed\",\"time_scale\":\"max\"}}", CALLER))
                .isEqualTo("{\"ok\":true,\"message\":\"done\"}");
        assertThat(lastCommand).isEqualTo(new SimulationCommand.SetTimeScale(Double.POSITIVE_INFINITY));
    }

    @Test
    void accIsSetWithSimAcc() {
        assertThat(CommandJson.write(new SimulationCommand.SetAcc(true)).toString())
                .isEqualTo("{\"type\":\"sim_acc\",\"active\":true}");
        assertThat(service.answer("{\"request\":\"command\",\"command\":{\"type\":\"sim_acc\",\"active\":false}}", CALLER))
                .isEqualTo("{\"ok\":true,\"message\":\"done\"}");
        assertThat(lastCommand).isEqualTo(new SimulationCommand.SetAcc(false));
        assertThat(service.answer("{\"request\":\"command\",\"command\":{\"type\":\"sim_acc\",\"active\":\"yes\"}}", CALLER))
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
