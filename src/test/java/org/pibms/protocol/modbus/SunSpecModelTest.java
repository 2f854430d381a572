package org.pibms.protocol.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The map against SunSpec's own model definitions (src/test/resources/sunspec, from the SunSpec
 * Alliance's models repository): every point's name, type, size and offset, in order, and each
 * model's length.
 */
class SunSpecModelTest {

    static final SunSpecMap.Device DEVICE = new SunSpecMap.Device("pibms 16S LFP", "1.0", "0123456789abcdef", 1,
            16, 51_200, List.of(), false);

    /** A point as the model file defines it, with its offset from the model's ID register. */
    record Defined(String name, String type, int size, int offset) {
    }

    private static JsonNode model(int id) throws IOException {
        try (InputStream in = SunSpecModelTest.class.getResourceAsStream("/sunspec/model_" + id + ".json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static List<Defined> points(JsonNode group, int offset) {
        List<Defined> points = new ArrayList<>();
        for (JsonNode p : group.get("points")) {
            points.add(new Defined(p.get("name").asText(), p.get("type").asText(), p.get("size").asInt(), offset));
            offset += p.get("size").asInt();
        }
        return points;
    }

    private static List<Defined> served(List<Point> points, int offset) {
        List<Defined> served = new ArrayList<>();
        for (Point p : points) {
            served.add(new Defined(p.name(), p.type().id(), p.size(), offset));
            offset += p.size();
        }
        return served;
    }

    private static SunSpecMap.Model served(int id) {
        return new SunSpecMap(DEVICE).models().stream().filter(m -> m.id() == id).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 802, 805})
    void everyPointMatchesTheModelFile(int id) throws IOException {
        JsonNode json = model(id);
        assertThat(json.get("id").asInt()).isEqualTo(id);
        SunSpecMap.Model model = served(id);
        List<Defined> defined = points(json.get("group"), 0);
        assertThat(served(model.points(), 0)).containsExactlyElementsOf(defined);

        JsonNode groups = json.get("group").get("groups");
        if (groups == null) {
            assertThat(model.cellGroup()).isEmpty();
            return;
        }
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).get("name").asText()).isEqualTo("lithium-ion-module-cell");
        assertThat(served(model.cellGroup(), 0)).containsExactlyElementsOf(points(groups.get(0), 0));
    }

    @Test
    void everyScaleFactorAPointNamesIsInItsModel() throws IOException {
        for (int id : new int[] {1, 802, 805}) {
            JsonNode group = model(id).get("group");
            Set<String> names = new java.util.HashSet<>();
            group.get("points").forEach(p -> names.add(p.get("name").asText()));
            List<JsonNode> all = new ArrayList<>();
            group.get("points").forEach(all::add);
            if (group.has("groups")) {
                group.get("groups").get(0).get("points").forEach(all::add);
            }
            for (JsonNode p : all) {
                if (p.has("sf")) {
                    assertThat(names).as("model %d point %s", id, p.get("name").asText()).contains(p.get("sf").asText());
                }
            }
        }
    }

    @Test
    void theProtectionModelHasAUniqueSunSpecNameForEveryLevelAndDelay() {
        SunSpecMap.Model model = served(ProtectionModel.ID);
        List<String> names = model.points().stream().map(Point::name).toList();
        assertThat(names).doesNotHaveDuplicates().allMatch(n -> n.matches("[A-Za-z][A-Za-z0-9_]*"));
        assertThat(model.points()).allMatch(p -> p.name().equals("ID") || p.name().equals("L") || p.writable());
        for (org.pibms.core.FaultId fault : org.pibms.core.FaultId.values()) {
            if (fault == org.pibms.core.FaultId.MOS_PULSE_OVERLOAD) {
                continue;
            }
            assertThat(names).as(fault.id()).contains(ProtectionModel.pointName(fault) + "Dly");
        }
        assertThat(model.id()).isBetween(64_000, 65_535);
    }

    @Test
    void theMapIsMarkerModelsAndEndMarkerBackToBack() {
        SunSpecMap map = new SunSpecMap(DEVICE);
        int expected = 2;
        for (SunSpecMap.Model m : map.models()) {
            expected += 2 + m.length();
        }
        assertThat(map.registers()).isEqualTo(expected + 2);
        // model 1 is 66 long by the standard; 805 adds four registers per cell
        assertThat(served(1).length()).isEqualTo(66);
        assertThat(served(805).length()).isEqualTo(served(805).points().stream().mapToInt(Point::size).sum() - 2
                + 16 * 4);
    }
}
