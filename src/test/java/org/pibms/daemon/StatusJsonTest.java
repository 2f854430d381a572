package org.pibms.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
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
            .balancingMask(0b100)
            .faults(Set.of(FaultId.CELL_UNDERVOLTAGE))
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
        assertThat(json.get("balancing")).hasSize(1);
        assertThat(json.get("balancing").get(0).asInt()).isEqualTo(3);
        assertThat(json.get("faults").get(0).asText()).isEqualTo("cell_undervoltage");
    }

    @Test
    void readsBackWhatItWrote() {
        PackSnapshot back = StatusJson.read(StatusJson.write(snapshot));

        assertThat(StatusJson.write(back)).isEqualTo(StatusJson.write(snapshot));
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
