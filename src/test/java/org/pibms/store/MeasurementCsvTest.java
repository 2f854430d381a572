package org.pibms.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.LogCapture;
import org.pibms.core.Measurement;

class MeasurementCsvTest {

    private static final List<String> SENSORS = List.of("top", "mos");
    private static final String HEADER = "time_ms,current_mA,pack_mV,cell1_mV,cell2_mV,cell3_mV,"
            + "temp_top_dC,temp_mos_dC,charge_mos,discharge_mos\n";

    @TempDir
    Path dir;

    private final Measurement m = new Measurement(3, 2);
    @RegisterExtension
    final LogCapture log = new LogCapture(MeasurementCsv.class);

    private static MeasurementCsv csv(String text) throws StoreException {
        return MeasurementCsv.read("in.csv", new StringReader(text), 3, SENSORS);
    }

    @Test
    void readsValuesValidityAndMosStates() throws Exception {
        MeasurementCsv csv = csv(HEADER
                + "1000,-2500,10050,3350,3351,3349,251,302,1,0\n"
                + "1100,,,,,,,-55,0,1\n");
        assertThat(csv.hasMosColumns()).isTrue();

        assertThat(csv.next(m)).isTrue();
        assertThat(csv.time_ms()).isEqualTo(1000);
        assertThat(csv.line()).isEqualTo(2);
        assertThat(m.time_ns()).isEqualTo(1_000_000_000L);
        assertThat(m.currentValid()).isTrue();
        assertThat(m.current_mA()).isEqualTo(-2500);
        assertThat(m.packVoltageValid()).isTrue();
        assertThat(m.packVoltage_mV()).isEqualTo(10050);
        assertThat(m.cellVoltagesValid()).isTrue();
        assertThat(new int[] {m.cellVoltage_mV(0), m.cellVoltage_mV(1), m.cellVoltage_mV(2)})
                .containsExactly(3350, 3351, 3349);
        assertThat(m.temperatureValid(0)).isTrue();
        assertThat(m.temperature_dC(0)).isEqualTo(251);
        assertThat(m.temperature_dC(1)).isEqualTo(302);
        assertThat(csv.chargeMos()).isTrue();
        assertThat(csv.dischargeMos()).isFalse();

        assertThat(csv.next(m)).isTrue();
        assertThat(csv.time_ms()).isEqualTo(1100);
        assertThat(csv.line()).isEqualTo(3);
        assertThat(m.currentValid()).isFalse();
        assertThat(m.packVoltageValid()).isFalse();
        assertThat(m.cellVoltagesValid()).isFalse();
        assertThat(m.temperatureValid(0)).isFalse();
        assertThat(m.temperatureValid(1)).isTrue();
        assertThat(m.temperature_dC(1)).isEqualTo(-55);
        assertThat(csv.chargeMos()).isFalse();
        assertThat(csv.dischargeMos()).isTrue();

        assertThat(csv.next(m)).isFalse();
        assertThat(csv.next(m)).isFalse();
        assertThat(csv.skippedRows()).isZero();
        assertThat(csv.badValues()).isZero();
        assertThat(log.list).as("empty fields are the format's way to say missing").isEmpty();
    }

    @Test
    void aMissingRequiredColumnIsNamedWithTheFile() throws Exception {
        StringBuilder header = new StringBuilder("time_ms,current_mA,pack_mV");
        for (int cell = 1; cell <= 16; cell++) {
            if (cell != 7) {
                header.append(",cell").append(cell).append("_mV");
            }
        }
        Path file = dir.resolve("in.csv");
        Files.writeString(file, header + "\n");

        assertThatThrownBy(() -> MeasurementCsv.open(file, 16, List.of())).isInstanceOf(StoreException.class)
                .hasMessage(file + ": no column cell7_mV (the config has 16 cells)");
        assertThatThrownBy(() -> csv("current_mA,cell1_mV,cell2_mV,cell4_mV\n")).isInstanceOf(StoreException.class)
                .hasMessage("in.csv: no columns time_ms, pack_mV, cell3_mV (the config has 3 cells)");
        assertThatThrownBy(() -> csv("current_mA,pack_mV,cell1_mV,cell2_mV,cell3_mV\n"))
                .isInstanceOf(StoreException.class).hasMessage("in.csv: no column time_ms");
    }

    @Test
    void anEmptyOrMissingFileIsRefusedByName() {
        assertThatThrownBy(() -> csv("")).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("in.csv: the file is empty");
        Path file = dir.resolve("nothing.csv");
        assertThatThrownBy(() -> MeasurementCsv.open(file, 3, SENSORS)).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot read " + file);
    }

    @Test
    void extraColumnsAndAnyOrderAreFine() throws Exception {
        MeasurementCsv csv = csv("note,cell3_mV,cell2_mV,cell1_mV,cell4_mV,pack_mV,current_mA,time_ms,soc_pct\n"
                + "hello,3003,3002,3001,9999,9006,-7,5,51.2\n");

        assertThat(csv.next(m)).isTrue();
        assertThat(csv.time_ms()).isEqualTo(5);
        assertThat(new int[] {m.cellVoltage_mV(0), m.cellVoltage_mV(1), m.cellVoltage_mV(2)})
                .containsExactly(3001, 3002, 3003);
        assertThat(m.packVoltage_mV()).isEqualTo(9006);
        assertThat(m.current_mA()).isEqualTo(-7);
        assertThat(csv.badValues()).isZero();
    }

    @Test
    void missingOptionalColumnsAreNeverValid() throws Exception {
        MeasurementCsv csv = csv("time_ms,current_mA,pack_mV,cell1_mV,cell2_mV,cell3_mV,temp_mos_dC,charge_mos\n"
                + "0,1,9000,3000,3000,3000,400,1\n");
        assertThat(csv.hasMosColumns()).as("discharge_mos is missing").isFalse();

        assertThat(csv.next(m)).isTrue();
        assertThat(m.temperatureValid(0)).isFalse();
        assertThat(m.temperatureValid(1)).isTrue();
        assertThat(m.temperature_dC(1)).isEqualTo(400);
        assertThat(csv.chargeMos()).isFalse();
    }

    @Test
    void unusableReadingsBecomeMissingAndAreWarnedOncePerKind() throws Exception {
        MeasurementCsv csv = csv(HEADER
                + "0,5000000,150000,0,6000,3300,-550,2000,1,1\n"
                + "1,-5000001,3a,3300,NaN,3300,-551,,x,1\n"
                + "2,1,150001,3300,3300,6001,,2001,1,1\n"
                + "3,-5000000,0,3300,-1,3300,12.5,0,0,0\n");

        assertThat(csv.next(m)).isTrue();
        assertThat(m.currentValid() && m.packVoltageValid() && m.cellVoltagesValid()).as("the limits are usable")
                .isTrue();
        assertThat(m.temperatureValid(0) && m.temperatureValid(1)).isTrue();
        assertThat(m.temperature_dC(0)).isEqualTo(-550);

        assertThat(csv.next(m)).isTrue();
        assertThat(m.currentValid()).isFalse();
        assertThat(m.packVoltageValid()).isFalse();
        assertThat(m.cellVoltagesValid()).as("one bad cell makes the row's cells unusable").isFalse();
        assertThat(m.temperatureValid(0)).isFalse();
        assertThat(m.temperatureValid(1)).isFalse();
        assertThat(csv.chargeMos()).isFalse();
        assertThat(csv.dischargeMos()).isTrue();

        assertThat(csv.next(m)).isTrue();
        assertThat(m.currentValid()).isTrue();
        assertThat(m.packVoltageValid()).isFalse();
        assertThat(m.cellVoltagesValid()).isFalse();
        assertThat(m.temperatureValid(1)).isFalse();

        assertThat(csv.next(m)).isTrue();
        assertThat(m.current_mA()).isEqualTo(-5_000_000);
        assertThat(m.packVoltage_mV()).isZero();
        assertThat(m.cellVoltagesValid()).isFalse();
        assertThat(m.temperatureValid(0)).isFalse();
        assertThat(m.temperatureValid(1)).isTrue();

        assertThat(csv.next(m)).isFalse();
        // line 3: current, pack, cell, temperature, mos; line 4: pack, cell, temperature; line 5: cell, temperature
        assertThat(csv.badValues()).isEqualTo(10);
        assertThat(csv.skippedRows()).isZero();
        assertThat(log.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage).containsExactly(
                tuple(Level.WARN, "in.csv line 3: current_mA '-5000001' is not a usable value;"
                        + " such readings are treated as missing"),
                tuple(Level.WARN, "in.csv line 3: pack_mV '3a' is not a usable value;"
                        + " such readings are treated as missing"),
                tuple(Level.WARN, "in.csv line 3: cell2_mV 'NaN' is not a usable value;"
                        + " such readings are treated as missing"),
                tuple(Level.WARN, "in.csv line 3: temp_top_dC '-551' is not a usable value;"
                        + " such readings are treated as missing"),
                tuple(Level.WARN, "in.csv line 3: charge_mos 'x' is neither 0 nor 1; such states are taken as off"));
    }

    @Test
    void unusableRowsAreSkippedAndWarnedOncePerKind() throws Exception {
        MeasurementCsv csv = csv(HEADER
                + "100,1,9000,3000,3000,3000,250,250,1,1\n"
                + "200,1,9000,3000,3000,3000\n"
                + "\n"
                + "abc,1,9000,3000,3000,3000,250,250,1,1\n"
                + "50,1,9000,3000,3000,3000,250,250,1,1\n"
                + "300,2,9000,3000,3000,3000,250,250,1,1,extra\n"
                + ",1,9000,3000,3000,3000,250,250,1,1\n"
                + "-5,1,9000,3000,3000,3000,250,250,1,1\n"
                + "99,1,9000,3000,3000,3000,250,250,1,1\n"
                + "100,3,9000,3000,3000,3000,250,250,1,1\n"
                + "400,4,9000,3000,3000,3000,250,250,1,1\n"
                + "400,5,9000,3000");

        assertThat(csv.next(m)).isTrue();
        assertThat(csv.time_ms()).isEqualTo(100);
        assertThat(csv.next(m)).isTrue();
        assertThat(csv.time_ms()).as("an equal time is not going backwards").isEqualTo(100);
        assertThat(m.current_mA()).isEqualTo(3);
        assertThat(csv.line()).isEqualTo(11);
        assertThat(csv.next(m)).isTrue();
        assertThat(m.current_mA()).isEqualTo(4);
        assertThat(csv.line()).isEqualTo(12);
        assertThat(csv.next(m)).as("a last row cut short").isFalse();

        assertThat(csv.skippedRows()).isEqualTo(8);
        assertThat(csv.badValues()).isZero();
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "in.csv line 3: 6 fields where the header has 10; such rows are skipped"
                        + " (a row cut short by a power cut looks like this)",
                "in.csv line 5: time_ms 'abc' is not a usable time; such rows are skipped",
                "in.csv line 6: time_ms 50 is before the previous row's 100; such rows are skipped");
    }

    @Test
    void aSpreadsheetsByteOrderMarkWindowsLineEndsAndBlanksAroundFieldsAreFine() throws Exception {
        MeasurementCsv csv = csv("\uFEFF" + HEADER.replace("\n", "\r\n")
                + "7, 1 ,9000,3000,3000,3000, 250,250,1,1\r\n");

        assertThat(csv.next(m)).isTrue();
        assertThat(csv.time_ms()).isEqualTo(7);
        assertThat(m.current_mA()).isEqualTo(1);
        assertThat(m.temperature_dC(0)).isEqualTo(250);
        assertThat(csv.dischargeMos()).isTrue();
        assertThat(csv.badValues()).isZero();
    }

    @Test
    void aMeasurementOfAnotherSizeIsAProgrammingError() throws Exception {
        MeasurementCsv csv = csv(HEADER + "0,1,9000,3000,3000,3000,250,250,1,1\n");

        assertThatThrownBy(() -> csv.next(new Measurement(4, 2))).isInstanceOf(IllegalArgumentException.class);
    }
}
