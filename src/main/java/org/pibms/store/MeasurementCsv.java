package org.pibms.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pibms.core.Measurement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads back the measurements {@link CsvRecorder} wrote, one row at a time, for
 * {@code pibms replay}.
 *
 * <p>Columns are found by name, so extra columns (a later version, a spreadsheet's additions)
 * and any order are fine. A file may have been cut short by a power cut or edited by hand, so
 * bad input never stops the replay: an unusable reading becomes a missing one, an unusable row
 * is skipped, and each kind of problem is logged once with its line number.
 */
public final class MeasurementCsv implements AutoCloseable {

    static final String TIME = "time_ms";
    static final String CURRENT = "current_mA";
    static final String PACK = "pack_mV";
    static final String CHARGE_MOS = "charge_mos";
    static final String DISCHARGE_MOS = "discharge_mos";

    private static final int MAX_CELL_mV = 6_000;
    private static final int MAX_CURRENT_mA = 5_000_000;
    private static final int MAX_PACK_mV = 150_000;
    private static final int MIN_TEMPERATURE_dC = -550;
    private static final int MAX_TEMPERATURE_dC = 2_000;

    private static final int ABSENT = -1;
    /** Outside every range a reading may have, so it can stand for "no reading". */
    private static final int INVALID = Integer.MIN_VALUE;
    private static final Logger log = LoggerFactory.getLogger(MeasurementCsv.class);

    /** What can be wrong with a row; each is logged once per file. */
    private enum Problem { FIELD_COUNT, TIME, TIME_BACKWARDS, CURRENT, PACK, CELL, TEMPERATURE, MOS }

    private final String name;
    private final BufferedReader reader;
    private final int fieldCount;
    private final int timeColumn;
    private final int currentColumn;
    private final int packColumn;
    private final int[] cellColumns;
    private final List<String> temperatureNames;
    /** {@link #ABSENT} for a sensor the file has no column for. */
    private final int[] temperatureColumns;
    private final int chargeMosColumn;
    private final int dischargeMosColumn;
    private final int[] fieldStarts;
    private final int[] fieldEnds;
    private final Set<Problem> reported = EnumSet.noneOf(Problem.class);

    private final int[] cellVoltage_mV;
    private int line = 1;
    private boolean anyRow;
    private long time_ms;
    private boolean chargeMos;
    private boolean dischargeMos;
    private int skippedRows;
    private int badValues;

    private MeasurementCsv(String name, BufferedReader reader, List<String> header, int cellCount,
            List<String> temperatureNames) throws StoreException {
        this.name = name;
        this.reader = reader;
        this.fieldCount = header.size();
        Map<String, Integer> columns = new HashMap<>();
        // backwards, so of two columns with one name the first is read
        for (int i = header.size() - 1; i >= 0; i--) {
            columns.put(header.get(i), i);
        }
        List<String> missing = new ArrayList<>();
        this.timeColumn = required(columns, TIME, missing);
        this.currentColumn = required(columns, CURRENT, missing);
        this.packColumn = required(columns, PACK, missing);
        this.cellColumns = new int[cellCount];
        boolean cellMissing = false;
        for (int cell = 0; cell < cellCount; cell++) {
            cellColumns[cell] = required(columns, cellColumn(cell), missing);
            cellMissing |= cellColumns[cell] == ABSENT;
        }
        if (!missing.isEmpty()) {
            throw new StoreException(name + ": no column" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing)
                    + (cellMissing ? " (the config has " + cellCount + " cells)" : ""));
        }
        this.temperatureNames = List.copyOf(temperatureNames);
        this.temperatureColumns = new int[temperatureNames.size()];
        for (int sensor = 0; sensor < temperatureColumns.length; sensor++) {
            temperatureColumns[sensor] = columns.getOrDefault(temperatureColumn(temperatureNames.get(sensor)), ABSENT);
        }
        this.chargeMosColumn = columns.getOrDefault(CHARGE_MOS, ABSENT);
        this.dischargeMosColumn = columns.getOrDefault(DISCHARGE_MOS, ABSENT);
        this.fieldStarts = new int[fieldCount];
        this.fieldEnds = new int[fieldCount];
        this.cellVoltage_mV = new int[cellCount];
    }

    private static int required(Map<String, Integer> columns, String column, List<String> missing) {
        Integer index = columns.get(column);
        if (index == null) {
            missing.add(column);
            return ABSENT;
        }
        return index;
    }

    /**
     * Opens {@code file} and reads its header.
     *
     * @throws StoreException naming the file if it cannot be read or lacks a required column
     */
    public static MeasurementCsv open(Path file, int cellCount, List<String> temperatureNames) throws StoreException {
        BufferedReader reader;
        try {
            reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return read(file.toString(), reader, cellCount, temperatureNames);
        } catch (StoreException | RuntimeException e) {
            closeQuietly(reader);
            throw e;
        }
    }

    /**
     * Reads the header from {@code reader}; {@code name} stands for the source in messages.
     *
     * @throws StoreException naming the source if it cannot be read or lacks a required column
     */
    public static MeasurementCsv read(String name, Reader reader, int cellCount, List<String> temperatureNames)
            throws StoreException {
        BufferedReader lines = reader instanceof BufferedReader buffered ? buffered : new BufferedReader(reader);
        String header;
        try {
            header = lines.readLine();
        } catch (IOException e) {
            throw new StoreException("cannot read " + name + ": " + e.getMessage(), e);
        }
        if (header == null) {
            throw new StoreException(name + ": the file is empty; it needs a header line starting " + TIME);
        }
        if (header.startsWith("\uFEFF")) {
            // spreadsheet programs save CSV with a byte order mark
            header = header.substring(1);
        }
        List<String> columns = new ArrayList<>();
        for (String column : header.split(",", -1)) {
            columns.add(column.trim());
        }
        return new MeasurementCsv(name, lines, columns, cellCount, temperatureNames);
    }

    static String cellColumn(int cell) {
        return "cell" + (cell + 1) + "_mV";
    }

    static String temperatureColumn(String sensorName) {
        return "temp_" + sensorName + "_dC";
    }

    /** True when the file says how both MOSFETs were while each row was measured. */
    public boolean hasMosColumns() {
        return chargeMosColumn != ABSENT && dischargeMosColumn != ABSENT;
    }

    /**
     * Fills {@code m} from the next usable row, skipping unusable ones.
     *
     * @param m sized for the cell count and the sensors this reader was opened with
     * @return false at the end of the file
     * @throws StoreException naming the file if reading it fails
     */
    public boolean next(Measurement m) throws StoreException {
        if (m.cellCount() != cellColumns.length || m.temperatureSensorCount() != temperatureColumns.length) {
            throw new IllegalArgumentException("the measurement has " + m.cellCount() + " cells and "
                    + m.temperatureSensorCount() + " temperature sensors; this file is read for " + cellColumns.length
                    + " and " + temperatureColumns.length);
        }
        String text;
        while ((text = readLine()) != null) {
            line++;
            if (!text.isBlank() && parse(text, m)) {
                return true;
            }
        }
        return false;
    }

    private String readLine() throws StoreException {
        try {
            return reader.readLine();
        } catch (IOException e) {
            throw new StoreException("cannot read " + name + " after line " + line + ": " + e.getMessage(), e);
        }
    }

    /** @return false if the row was skipped */
    private boolean parse(String text, Measurement m) {
        int fields = split(text);
        if (fields != fieldCount) {
            skip(Problem.FIELD_COUNT, fields + " fields where the header has " + fieldCount
                    + "; such rows are skipped (a row cut short by a power cut looks like this)");
            return false;
        }
        long rowTime_ms;
        try {
            rowTime_ms = Long.parseLong(text, fieldStarts[timeColumn], fieldEnds[timeColumn], 10);
        } catch (NumberFormatException e) {
            rowTime_ms = -1;
        }
        // beyond this the time in nanoseconds would overflow
        if (rowTime_ms < 0 || rowTime_ms > Long.MAX_VALUE / 1_000_000) {
            skip(Problem.TIME, TIME + " '" + field(text, timeColumn) + "' is not a usable time; such rows are skipped");
            return false;
        }
        if (anyRow && rowTime_ms < time_ms) {
            skip(Problem.TIME_BACKWARDS, TIME + " " + rowTime_ms + " is before the previous row's " + time_ms
                    + "; such rows are skipped");
            return false;
        }
        anyRow = true;
        time_ms = rowTime_ms;
        m.invalidate(rowTime_ms * 1_000_000);

        int current_mA = value(text, currentColumn, -MAX_CURRENT_mA, MAX_CURRENT_mA, Problem.CURRENT);
        if (current_mA != INVALID) {
            m.setCurrent_mA(current_mA);
        }
        int pack_mV = value(text, packColumn, 0, MAX_PACK_mV, Problem.PACK);
        if (pack_mV != INVALID) {
            m.setPackVoltage_mV(pack_mV);
        }
        boolean cellsValid = true;
        for (int cell = 0; cell < cellColumns.length; cell++) {
            cellVoltage_mV[cell] = value(text, cellColumns[cell], 0, MAX_CELL_mV, Problem.CELL);
            cellsValid &= cellVoltage_mV[cell] != INVALID;
        }
        if (cellsValid) {
            for (int cell = 0; cell < cellColumns.length; cell++) {
                m.setCellVoltage_mV(cell, cellVoltage_mV[cell]);
            }
            m.setCellVoltagesValid(true);
        }
        for (int sensor = 0; sensor < temperatureColumns.length; sensor++) {
            if (temperatureColumns[sensor] != ABSENT) {
                int temperature_dC = value(text, temperatureColumns[sensor], MIN_TEMPERATURE_dC, MAX_TEMPERATURE_dC,
                        Problem.TEMPERATURE);
                if (temperature_dC != INVALID) {
                    m.setTemperature_dC(sensor, temperature_dC);
                }
            }
        }
        if (hasMosColumns()) {
            chargeMos = mos(text, chargeMosColumn);
            dischargeMos = mos(text, dischargeMosColumn);
        }
        return true;
    }

    /** @return the value, or {@link #INVALID} if the field is empty or unusable */
    private int value(String text, int column, int min, int max, Problem kind) {
        int start = fieldStarts[column];
        int end = fieldEnds[column];
        if (start == end) {
            return INVALID;
        }
        int value;
        try {
            value = Integer.parseInt(text, start, end, 10);
        } catch (NumberFormatException e) {
            value = INVALID;
        }
        if (value < min || value > max) {
            badValues++;
            warnOnce(kind, columnName(column) + " '" + field(text, column)
                    + "' is not a usable value; such readings are treated as missing");
            return INVALID;
        }
        return value;
    }

    private boolean mos(String text, int column) {
        String value = field(text, column);
        if (value.equals("1")) {
            return true;
        }
        if (!value.equals("0")) {
            badValues++;
            warnOnce(Problem.MOS, columnName(column) + " '" + value
                    + "' is neither 0 nor 1; such states are taken as off");
        }
        return false;
    }

    /** Finds the fields of {@code text} without copying them; surrounding blanks are not part of a field. */
    private int split(String text) {
        int count = 0;
        int start = 0;
        while (true) {
            int comma = text.indexOf(',', start);
            int end = comma < 0 ? text.length() : comma;
            if (count < fieldCount) {
                int first = start;
                int last = end;
                while (first < last && text.charAt(first) <= ' ') {
                    first++;
                }
                while (last > first && text.charAt(last - 1) <= ' ') {
                    last--;
                }
                fieldStarts[count] = first;
                fieldEnds[count] = last;
            }
            count++;
            if (comma < 0) {
                return count;
            }
            start = comma + 1;
        }
    }

    private String field(String text, int column) {
        return text.substring(fieldStarts[column], fieldEnds[column]);
    }

    private String columnName(int column) {
        if (column == currentColumn) {
            return CURRENT;
        }
        if (column == packColumn) {
            return PACK;
        }
        if (column == chargeMosColumn) {
            return CHARGE_MOS;
        }
        if (column == dischargeMosColumn) {
            return DISCHARGE_MOS;
        }
        for (int cell = 0; cell < cellColumns.length; cell++) {
            if (cellColumns[cell] == column) {
                return cellColumn(cell);
            }
        }
        for (int sensor = 0; sensor < temperatureColumns.length; sensor++) {
            if (temperatureColumns[sensor] == column) {
                return temperatureColumn(temperatureNames.get(sensor));
            }
        }
        throw new IllegalStateException("column " + column + " is not read");
    }

    private void skip(Problem kind, String message) {
        skippedRows++;
        warnOnce(kind, message);
    }

    private void warnOnce(Problem kind, String message) {
        if (reported.add(kind)) {
            log.warn("{} line {}: {}", name, line, message);
        }
    }

    /** The time of the row {@link #next} returned last. */
    public long time_ms() {
        return time_ms;
    }

    /** The charge MOS of the row {@link #next} returned last; false without {@link #hasMosColumns()}. */
    public boolean chargeMos() {
        return chargeMos;
    }

    /** The discharge MOS of the row {@link #next} returned last; false without {@link #hasMosColumns()}. */
    public boolean dischargeMos() {
        return dischargeMos;
    }

    /** The 1-based line number of the row {@link #next} returned last (the header is line 1). */
    public int line() {
        return line;
    }

    /** Rows skipped so far: wrong number of fields, no usable time, or a time before the previous row's. */
    public int skippedRows() {
        return skippedRows;
    }

    /** Readings so far that were present but unusable: not a number, or outside any plausible range. */
    public int badValues() {
        return badValues;
    }

    @Override
    public void close() throws StoreException {
        try {
            reader.close();
        } catch (IOException e) {
            throw new StoreException("cannot close " + name + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Reader reader) {
        try {
            reader.close();
        } catch (IOException e) {
            // the header already failed; that is the error worth reporting
        }
    }
}
