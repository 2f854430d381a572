package org.pibms.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pibms.core.ActiveFault;
import org.pibms.core.Balancing;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;

class StatusJsonTest {

    private final PackSnapshot snapshot = PackSnapshot.builder()
            .sequence(12)
            .time_ms(1_790_000_000_123L)
            .state(PackState.FAULT)
            .simulated(true)
            .cellVoltages_mV(new int[] {3301, 3299, 3350, 3280, 3300, 3300, 3300, 3300}, true)
            .packVoltage_mV(26_430, true)
            .loadVoltage_mV(0, false)
            .current_mA(-12_345, true)
            .soc_pct(57.326, true)
            .capacity_mAh(100_000)
            .temperatures(List.of("cells_top", "mos"), new int[] {251, -52}, new boolean[] {true, false})
            .mos(true, false)
            .chargeLimits(55_200, 0, 90_000, true)
            .precharging(true)
            .manualOff(true, false)
            .outputs(List.of("alarm", "heater"), new boolean[] {true, false})
            .acc(true, true)
            .lowPower(false)
            .balancing(new Balancing.State(Balancing.Command.AUTO, Balancing.Activity.BALANCING,
                    List.of(0, 0, 95, 0, 0, 0, 0, 0), List.of(0.0, 0.0, 12.34, 0.0, 0.0, 0.0, 0.0, 1.0)))
            .faults(List.of(
                    new ActiveFault(FaultId.CELL_UNDERVOLTAGE, ActiveFault.State.ACTIVE, "cell 4", 2480, 2500),
                    new ActiveFault(FaultId.DISCHARGE_OVERCURRENT, ActiveFault.State.LOCKED_OUT, "", 120_500, 100_000),
                    new ActiveFault(FaultId.CHARGE_UNDERTEMPERATURE, ActiveFault.State.ACTIVE, "sensor cells_top", -52,
                            0),
                    new ActiveFault(FaultId.LOW_SOC, ActiveFault.State.ACTIVE, "", 45, 50),
                    new ActiveFault(FaultId.AFE_COMMUNICATION_LOST, ActiveFault.State.ACTIVE, "", 10, 10),
                    new ActiveFault(FaultId.OPEN_WIRE, ActiveFault.State.ACTIVE, "wire above cell 4", 1, 1)))
            .build();

    @Test
    void writesTheDocumentedFields() throws Exception {
        JsonNode json = StatusJson.MAPPER.readTree(StatusJson.write(snapshot).toString());

        assertThat(json.get("time_ms").asLong()).isEqualTo(1_790_000_000_123L);
        assertThat(json.get("state").asText()).isEqualTo("fault");
        assertThat(json.get("cells_mV")).hasSize(8);
        assertThat(json.get("cells_mV").get(2).asInt()).isEqualTo(3350);
        assertThat(json.get("cell_min").asInt()).isEqualTo(4);
        assertThat(json.get("cell_max").asInt()).isEqualTo(3);
        assertThat(json.get("cell_delta_mV").asInt()).isEqualTo(70);
        assertThat(json.get("pack_mV").asInt()).isEqualTo(26_430);
        assertThat(json.get("load_mV").isNull()).isTrue();
        assertThat(json.get("current_mA").asInt()).isEqualTo(-12_345);
        assertThat(json.get("soc_pct").asDouble()).isEqualTo(57.33);
        assertThat(json.get("temps_C").get("cells_top").asDouble()).isEqualTo(25.1);
        assertThat(json.get("temps_C").get("mos").isNull()).isTrue();
        assertThat(json.get("charge_mos").isBoolean()).isTrue();
        assertThat(json.get("charge_mos").asBoolean()).isTrue();
        assertThat(json.get("discharge_mos").asBoolean()).isFalse();
        assertThat(json.get("cvl_mV").asInt()).isEqualTo(55_200);
        assertThat(json.get("ccl_mA").asInt()).isZero();
        assertThat(json.get("dcl_mA").asInt()).isEqualTo(90_000);
        assertThat(json.get("charge_phase").asText()).isEqualTo("float");
        JsonNode balancing = json.get("balancing");
        assertThat(balancing.get("command").asText()).isEqualTo("auto");
        assertThat(balancing.get("activity").asText()).isEqualTo("balancing");
        assertThat(balancing.get("cells")).hasSize(1);
        assertThat(balancing.get("cells").get(0).get("cell").asInt()).isEqualTo(3);
        assertThat(balancing.get("cells").get(0).get("current_mA").asInt()).isEqualTo(95);
        assertThat(balancing.get("balanced_mAh")).hasSize(8);
        assertThat(balancing.get("balanced_mAh").get(2).asDouble()).isEqualTo(12.3);
        assertThat(json.get("precharging").asBoolean()).isTrue();
        assertThat(json.get("manual_off")).hasSize(1);
        assertThat(json.get("manual_off").get(0).asText()).isEqualTo("charge");
        assertThat(json.get("outputs").get("alarm").asBoolean()).isTrue();
        assertThat(json.get("outputs").get("heater").isBoolean()).isTrue();
        assertThat(json.get("outputs").get("heater").asBoolean()).isFalse();
        assertThat(json.get("acc").asBoolean()).isTrue();
        assertThat(json.get("low_power").isBoolean()).isTrue();
        assertThat(json.get("low_power").asBoolean()).isFalse();
        assertThat(json.get("faults")).hasSize(6);
    }

    @Test
    void faultsCarryWhereTheyCameFromAndTheirReadingInTheConfigUnit() throws Exception {
        JsonNode faults = StatusJson.MAPPER.readTree(StatusJson.write(snapshot).toString()).get("faults");

        assertThat(faults.get(0).toString()).isEqualTo("{\"id\":\"cell_undervoltage\",\"severity\":\"protection\","
                + "\"reaction\":\"discharge\",\"state\":\"active\",\"source\":\"cell 4\",\"value\":2480,"
                + "\"threshold\":2500,\"unit\":\"mV\"}");
        assertThat(faults.get(1).get("state").asText()).isEqualTo("locked_out");
        assertThat(faults.get(1).get("source").isNull()).isTrue();
        assertThat(faults.get(1).get("value").asDouble()).isEqualTo(120.5);
        assertThat(faults.get(1).get("threshold").asDouble()).isEqualTo(100.0);
        assertThat(faults.get(1).get("unit").asText()).isEqualTo("A");
        assertThat(faults.get(2).get("value").asDouble()).isEqualTo(-5.2);
        assertThat(faults.get(2).get("unit").asText()).isEqualTo("C");
        assertThat(faults.get(3).get("value").asDouble()).isEqualTo(4.5);
        assertThat(faults.get(3).get("unit").asText()).isEqualTo("pct");
        assertThat(faults.get(4).get("value").isIntegralNumber()).isTrue();
        assertThat(faults.get(4).get("unit").asText()).isEqualTo("ticks");
        assertThat(faults.get(5).get("value").asInt()).isEqualTo(1);
        assertThat(faults.get(5).get("threshold").asInt()).isEqualTo(1);
        assertThat(faults.get(5).get("unit").asText()).isEmpty();
    }

    @Test
    void readsBackWhatItWrote() throws Exception {
        PackSnapshot back = StatusJson.read(StatusJson.MAPPER.readTree(StatusJson.write(snapshot).toString()));

        assertThat(back.faults()).isEqualTo(snapshot.faults());
        assertThat(back.precharging()).isTrue();
        assertThat(back.chargeManualOff()).isTrue();
        assertThat(back.dischargeManualOff()).isFalse();
        assertThat(back.outputNames()).containsExactly("alarm", "heater");
        assertThat(back.acc()).isTrue();
        assertThat(back.accValid()).isTrue();
        assertThat(StatusJson.write(back)).isEqualTo(StatusJson.write(snapshot));
    }

    @Test
    void aLatchRestoredFromTheStateFileHasNoReadingAndReadsBack() throws Exception {
        ActiveFault restored = new ActiveFault(FaultId.CELL_DEEP_DISCHARGE, ActiveFault.State.ACTIVE,
                ActiveFault.LATCHED_BEFORE_RESTART, 0, 2000);
        PackSnapshot latched = PackSnapshot.builder().faults(List.of(restored)).build();

        JsonNode fault = StatusJson.MAPPER.readTree(StatusJson.write(latched).toString()).get("faults").get(0);

        assertThat(fault.get("source").asText()).isEqualTo("latched before the restart");
        assertThat(fault.get("value").isNull()).as("value of a latch from the earlier run").isTrue();
        assertThat(fault.get("threshold").asInt()).isEqualTo(2000);
        assertThat(StatusJson.read(StatusJson.write(latched)).faults())
                .containsExactly(restored);
    }

    @Test
    void aNullValueIsRefusedForAFaultOfThisRun() {
        ObjectNode json = StatusJson.write(snapshot);
        ((ObjectNode) json.get("faults").get(0)).putNull("value");

        assertThatThrownBy(() -> StatusJson.read(json))
                .hasMessageContaining("cell_undervoltage has a value that is not a number");
    }

    @Test
    void anUnreadableAccIsNullAndReadsBackInvalid() {
        PackSnapshot noAcc = PackSnapshot.builder().acc(true, false).lowPower(true).build();

        JsonNode json = StatusJson.write(noAcc);

        assertThat(json.get("acc").isNull()).isTrue();
        assertThat(json.get("manual_off")).isEmpty();
        assertThat(json.get("outputs")).isEmpty();
        PackSnapshot back = StatusJson.read(json);
        assertThat(back.accValid()).isFalse();
        assertThat(back.lowPower()).isTrue();
    }

    @Test
    void anUnknownFaultIsMalformed() {
        ObjectNode json = StatusJson.write(snapshot);
        ((ObjectNode) json.get("faults").get(0)).put("id", "gremlins");

        assertThatThrownBy(() -> StatusJson.read(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("faults: unknown fault 'gremlins'");
    }

    @Test
    void invalidCellsAreNull() {
        PackSnapshot unknown = PackSnapshot.builder().cellVoltages_mV(new int[16], false).build();

        JsonNode json = StatusJson.write(unknown);

        assertThat(json.get("cells_mV").isNull()).isTrue();
        assertThat(json.get("cell_count").asInt()).isEqualTo(16);
        assertThat(json.get("soc_pct").isNull()).isTrue();
        assertThat(StatusJson.read(json).cellVoltagesValid()).isFalse();
    }
}
