package org.pibms.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.pibms.core.ControlCommand;
import org.pibms.core.ControlCommand.Path;

/** The control commands' JSON forms, as docs/control-socket.md shows them. */
class CommandJsonTest {

    private static JsonNode json(String text) throws Exception {
        return StatusJson.MAPPER.readTree(text);
    }

    @Test
    void writesTheDocumentedForms() {
        assertThat(CommandJson.write(new ControlCommand.SetMos(Path.CHARGE, false)))
                .hasToString("{\"type\":\"mos\",\"path\":\"charge\",\"on\":false}");
        assertThat(CommandJson.write(new ControlCommand.ResetFaults())).hasToString("{\"type\":\"fault_reset\"}");
        assertThat(CommandJson.write(new ControlCommand.SetProtection("cell_overvoltage.trip_mV", "3600")))
                .hasToString("{\"type\":\"set_protection\",\"key\":\"cell_overvoltage.trip_mV\",\"value\":\"3600\"}");
    }

    @Test
    void readsTheDocumentedForms() throws Exception {
        assertThat(CommandJson.read(json("{\"type\":\"mos\",\"path\":\"discharge\",\"on\":true}")))
                .isEqualTo(new ControlCommand.SetMos(Path.DISCHARGE, true));
        assertThat(CommandJson.read(json("{\"type\":\"fault_reset\"}"))).isEqualTo(new ControlCommand.ResetFaults());
        assertThat(CommandJson.read(json("{\"type\":\"set_protection\",\"key\":\"short_circuit.recovery\","
                + "\"value\":\"manual\"}")))
                .isEqualTo(new ControlCommand.SetProtection("short_circuit.recovery", "manual"));
    }

    @Test
    void everyControlCommandSurvivesItsJsonForm() {
        for (ControlCommand command : new ControlCommand[] {
                new ControlCommand.SetMos(Path.CHARGE, true),
                new ControlCommand.SetMos(Path.CHARGE, false),
                new ControlCommand.SetMos(Path.DISCHARGE, true),
                new ControlCommand.SetMos(Path.DISCHARGE, false),
                new ControlCommand.ResetFaults(),
                new ControlCommand.SetProtection("cell_overvoltage.trip_mV", "3600"),
                new ControlCommand.SetProtection("charge_overcurrent.trip_A", "12.5"),
                new ControlCommand.SetProtection("low_soc.enabled", "true")}) {
            assertThat(CommandJson.read(CommandJson.write(command))).isEqualTo(command);
        }
    }

    @Test
    void badControlCommandsSayWhatIsWrong() {
        assertThatThrownBy(() -> CommandJson.read(json("{\"type\":\"mos\",\"path\":\"sideways\",\"on\":false}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown path 'sideways'; expected charge or discharge");
        assertThatThrownBy(() -> CommandJson.read(json("{\"type\":\"mos\",\"on\":false}")))
                .hasMessage("'path' must be a string");
        assertThatThrownBy(() -> CommandJson.read(json("{\"type\":\"mos\",\"path\":\"charge\",\"on\":\"off\"}")))
                .hasMessage("'on' must be true or false");
        assertThatThrownBy(() -> CommandJson.read(json("{\"type\":\"set_protection\",\"value\":\"3600\"}")))
                .hasMessage("'key' must be a string");
        assertThatThrownBy(() -> CommandJson.read(json("{\"type\":\"set_protection\","
                + "\"key\":\"cell_overvoltage.trip_mV\",\"value\":3600}")))
                .hasMessage("'value' must be a string");
    }
}
