package org.pibms.protocol.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/protocols/modbus.md lists every register of the map at its address, with its type and
 * size: the rows are compared with the map itself, so the table cannot drift from the code.
 */
class ModbusDocsTest {

    /** {@code | 40002 | 1 | ID | uint16 | 1 | ...}: address, model, point, type, size. */
    private static final Pattern ROW = Pattern.compile(
            "^\\| (\\d+)(?:\\+4n)? \\| (\\d+) \\| `([A-Za-z_0-9]+)` \\| ([a-z0-9]+) \\| (\\d+) \\|", Pattern.MULTILINE);

    @Test
    void theRegisterTableIsTheMap() throws IOException {
        String doc = Files.readString(Path.of("docs/protocols/modbus.md"));
        List<String> documented = new ArrayList<>();
        Matcher m = ROW.matcher(doc);
        while (m.find()) {
            documented.add(m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4) + " " + m.group(5));
        }
        SunSpecMap map = new SunSpecMap(SunSpecModelTest.DEVICE);
        List<String> served = new ArrayList<>();
        int address = SunSpecMap.BASE + 2;
        for (SunSpecMap.Model model : map.models()) {
            for (Point p : model.points()) {
                served.add(address + " " + model.id() + " " + p.name() + " " + p.type().id() + " " + p.size());
                address += p.size();
            }
            // the cell group once, for cell 1; the table gives the step per cell
            for (Point p : model.cellGroup()) {
                served.add(address + " " + model.id() + " " + p.name() + " " + p.type().id() + " " + p.size());
                address += p.size();
            }
        }
        assertThat(documented).as("rows of the register table in docs/protocols/modbus.md")
                .containsExactlyElementsOf(served);
    }
}
