package org.pibms.afe.ltc681x;

import java.util.Arrays;
import java.util.List;
import org.pibms.afe.Thermistor;
import org.pibms.core.AnalogFrontEnd;
import org.pibms.core.Clock;
import org.pibms.core.FaultId;
import org.pibms.core.Measurement;
import org.pibms.core.settings.HardwareSettings;
import org.pibms.core.settings.HardwareSettings.ConversionRate;
import org.pibms.core.settings.ProtectionSettings;
import org.pibms.core.settings.TemperatureSensorSettings;
import org.pibms.hw.BusException;
import org.pibms.hw.SpiDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daisy chain of one or two LTC6813-1 behind an LTC6820 isoSPI bridge: cell voltages, NTCs
 * on the chips' GPIO inputs, die temperatures, balance switches and the open-wire test.
 *
 * <p>Each cell read wakes the chain if it has gone idle or to sleep, writes both configuration
 * groups (which refreshes the balance switches and the chips' 2 s watchdog), converts all cells,
 * waits for the conversion and reads the cell groups. Every register group is checked against
 * its PEC; a group that fails is read again, up to {@link #ATTEMPTS} times. A read that cannot
 * be completed is reported as a failure naming the chip and the group; no value from it is
 * passed on. Auxiliary inputs and the status group are converted once a second.
 *
 * <p>Runs on the control thread only; allocates nothing unless something fails.
 */
public final class Ltc6813Chain implements AnalogFrontEnd {

    static final int ATTEMPTS = 3;
    static final long IDLE_AFTER_ns = 4_000_000L;
    static final long SLEEP_AFTER_ns = 1_800_000_000L;
    static final long WAKE_PULSE_ns = 400_000L;
    static final long READY_ns = 10_000L;
    static final long AUX_INTERVAL_ns = 1_000_000_000L;
    /** Recovered PEC errors are summed up in the log at most this often: a rising count is a cable going bad. */
    static final long PEC_REPORT_INTERVAL_ns = 60_000_000_000L;
    static final int POLLS = 10;
    static final long POLL_INTERVAL_ns = 200_000L;
    /** The open-wire rule: a pull-up minus pull-down difference below this means the wire below is open. */
    static final int OPEN_WIRE_THRESHOLD_mV = -400;
    /** A reading this close to zero counts as the datasheet's "0.0000" in the open-wire rules. */
    static final int OPEN_WIRE_ZERO_mV = 50;
    /** LTC6813 status scaling: sum of cells × 30 × 100 µV; die temperature 7.6 mV/°C offset by 276 °C. */
    static final int SUM_OF_CELLS_FACTOR = 30;
    static final double DIE_mV_PER_C = 7.6;
    static final double DIE_OFFSET_C = 276;
    /** The chip's own sum of cells may differ from the sum of its cell readings by 1 % plus this much. */
    static final int SUM_TOLERANCE_mV = 100;
    /** Returned by {@link #findOpenWires()} when the chain could not be read. */
    public static final long OPEN_WIRE_CHECK_FAILED = -1L;

    private static final Logger log = LoggerFactory.getLogger(Ltc6813Chain.class);
    private static final int COMMAND_BYTES = 4;
    private static final int FRAME_BYTES = 8;
    private static final long NEVER = Long.MIN_VALUE;
    private static final String[] CELL_GROUP = {"cell group A", "cell group B", "cell group C", "cell group D",
        "cell group E", "cell group F"};
    private static final String[] AUX_GROUP = {"auxiliary group A", "auxiliary group B", "auxiliary group C",
        "auxiliary group D"};
    /** Index of the reference REF2 among the auxiliary codes: the third code of group B. */
    private static final int REFERENCE = 5;

    private final SpiDevice spi;
    private final Clock clock;
    private final int chips;
    private final int[] cellChip;
    private final int[] cellChannel;
    private final int[] firstCellOfChip;
    private final int[] lastCellOfChip;
    private final boolean[] cellGroupUsed = new boolean[6];
    private final boolean[] auxGroupUsed = new boolean[4];
    private final int md;
    private final boolean adcOpt;
    private final long cellConversion_ns;
    private final long auxConversion_ns;
    private final long statusConversion_ns;
    private final int vuv;
    private final int vov;
    private final int dcto;

    private final Thermistor thermistor;
    private final String[] sensorName;
    private final int[] sensorChip;
    private final int[] sensorGpio;
    private final boolean[] sensorIsDie;
    private final boolean[] sensorFromChain;
    private final boolean anyDieSensor;
    private final int[] sensorTemperature_dC;
    private final boolean[] sensorValid;
    private final Thermistor.Reading[] sensorReading;

    private final byte[] tx;
    private final byte[] rx;
    private final byte[] wakePulse;
    private final int[][] cellCode;
    private final int[][] auxCode;
    private final int[] sumOfCellsCode;
    private final int[] dieCode;
    private final int[] dcc;
    private final int[] cellMv;
    private final int[] pullUpMv;

    private long lastTransfer_ns = NEVER;
    private long lastAux_ns = NEVER;
    private boolean configVerified;
    private boolean cellsFresh;
    private long balancingMask;

    private long pecErrors;
    private long failedReads;
    private boolean failing;
    private long pecErrorsReported;
    private long lastPecReport_ns = NEVER;

    public Ltc6813Chain(SpiDevice spi, Clock clock, HardwareSettings.Ltc6813 settings, ProtectionSettings protection,
            List<TemperatureSensorSettings> sensors) {
        this.spi = spi;
        this.clock = clock;
        this.chips = settings.chips().size();
        int cells = settings.cellCount();
        this.cellChip = new int[cells];
        this.cellChannel = new int[cells];
        this.firstCellOfChip = new int[chips];
        this.lastCellOfChip = new int[chips];
        int cell = 0;
        for (int chip = 0; chip < chips; chip++) {
            firstCellOfChip[chip] = cell;
            for (int channel : settings.chips().get(chip).channels()) {
                cellChip[cell] = chip;
                cellChannel[cell] = channel;
                cellGroupUsed[(channel - 1) / 3] = true;
                cell++;
            }
            lastCellOfChip[chip] = cell - 1;
        }
        this.md = mdOf(settings.rate());
        this.adcOpt = adcOptOf(settings.rate());
        this.cellConversion_ns = settings.rate().cellConversion_us() * 1000L;
        this.auxConversion_ns = settings.rate().auxConversion_us() * 1000L;
        this.statusConversion_ns = settings.rate().statusConversion_us() * 1000L;
        this.vuv = Registers.vuv(protection.limit(FaultId.CELL_UNDERVOLTAGE).trip());
        this.vov = Registers.vov(protection.limit(FaultId.CELL_OVERVOLTAGE).trip());
        this.dcto = HardwareSettings.Ltc6813.DISCHARGE_TIMEOUTS_min.indexOf(settings.dischargeTimeout_min());

        this.thermistor = new Thermistor(settings.thermistor());
        int count = sensors.size();
        this.sensorName = new String[count];
        this.sensorChip = new int[count];
        this.sensorGpio = new int[count];
        this.sensorIsDie = new boolean[count];
        this.sensorFromChain = new boolean[count];
        this.sensorTemperature_dC = new int[count];
        this.sensorValid = new boolean[count];
        this.sensorReading = new Thermistor.Reading[count];
        boolean die = false;
        auxGroupUsed[1] = true; // the reference, for ratiometric NTC readings
        for (int i = 0; i < count; i++) {
            sensorName[i] = sensors.get(i).name();
            sensorReading[i] = Thermistor.Reading.VALID;
            TemperatureSensorSettings.Input input = sensors.get(i).input();
            if (input instanceof TemperatureSensorSettings.LtcGpio gpio) {
                sensorFromChain[i] = true;
                sensorChip[i] = gpio.chip() - 1;
                sensorGpio[i] = gpio.gpio();
                auxGroupUsed[auxGroup(gpio.gpio())] = true;
            } else if (input instanceof TemperatureSensorSettings.LtcDie chipDie) {
                sensorFromChain[i] = true;
                sensorIsDie[i] = true;
                sensorChip[i] = chipDie.chip() - 1;
                die = true;
            }
        }
        this.anyDieSensor = die;

        int frame = COMMAND_BYTES + FRAME_BYTES * chips;
        this.tx = new byte[frame];
        this.rx = new byte[Math.max(frame, wakeBytes(spi.clock_Hz()))];
        this.wakePulse = new byte[wakeBytes(spi.clock_Hz())];
        Arrays.fill(wakePulse, (byte) 0xFF);
        this.cellCode = new int[chips][18];
        this.auxCode = new int[chips][12];
        this.sumOfCellsCode = new int[chips];
        this.dieCode = new int[chips];
        this.dcc = new int[chips];
        this.cellMv = new int[cells];
        this.pullUpMv = new int[cells];
    }

    @Override
    public boolean readCellVoltages(Measurement into) {
        try {
            cellsFresh = false;
            writeConfiguration();
            convertAndReadCells(Command.adcv(md, false, 0));
            for (int cell = 0; cell < cellMv.length; cell++) {
                into.setCellVoltage_mV(cell, cellMv[cell]);
            }
            cellsFresh = true;
            recovered();
            reportPecErrors();
            return true;
        } catch (ReadFailure | BusException e) {
            failed("cell read", e);
            return false;
        }
    }

    @Override
    public boolean readTemperatures(Measurement into) {
        long now = clock.nanoTime();
        if (lastAux_ns == NEVER || now - lastAux_ns >= AUX_INTERVAL_ns) {
            lastAux_ns = now;
            try {
                readAuxiliaries();
            } catch (ReadFailure | BusException e) {
                for (int i = 0; i < sensorValid.length; i++) {
                    sensorValid[i] = false;
                }
                failed("temperature read", e);
                return false;
            }
        }
        for (int i = 0; i < sensorValid.length; i++) {
            if (sensorFromChain[i] && sensorValid[i]) {
                into.setTemperature_dC(i, sensorTemperature_dC[i]);
            }
        }
        return true;
    }

    @Override
    public void setBalancing(long cellMask) {
        balancingMask = cellMask;
        Arrays.fill(dcc, 0);
        for (int cell = 0; cell < cellChip.length; cell++) {
            if ((cellMask & (1L << cell)) != 0) {
                dcc[cellChip[cell]] |= 1 << (cellChannel[cell] - 1);
            }
        }
    }

    /**
     * The datasheet open-wire procedure: two ADOW conversions with the pull-up currents, read;
     * two with the pull-down currents, read; compare. Balancing is off while it runs.
     *
     * @return bit w set = sense wire w is open (wire 0 = below cell 1, wire k = above cell k),
     *         or {@link #OPEN_WIRE_CHECK_FAILED}
     */
    @Override
    public long findOpenWires() {
        long balancing = balancingMask;
        int[] pullUp = pullUpMv;
        cellsFresh = false; // the test's readings are pulled on purpose: no sum-of-cells check on them
        try {
            setBalancing(0);
            writeConfiguration();
            convert(Command.adow(md, true, false, 0), Command.CLRCELL, cellConversion_ns);
            convertAndReadCells(Command.adow(md, true, false, 0));
            System.arraycopy(cellMv, 0, pullUp, 0, cellMv.length);
            convert(Command.adow(md, false, false, 0), Command.CLRCELL, cellConversion_ns);
            convertAndReadCells(Command.adow(md, false, false, 0));
        } catch (ReadFailure | BusException e) {
            failed("open-wire check", e);
            return OPEN_WIRE_CHECK_FAILED;
        } finally {
            setBalancing(balancing);
        }
        int[] pullDown = cellMv;
        long open = 0;
        for (int chip = 0; chip < chips; chip++) {
            int first = firstCellOfChip[chip];
            int last = lastCellOfChip[chip];
            if (pullUp[first] < OPEN_WIRE_ZERO_mV) {
                open |= 1L << first;
            }
            for (int cell = first + 1; cell <= last; cell++) {
                if (pullUp[cell] - pullDown[cell] < OPEN_WIRE_THRESHOLD_mV) {
                    open |= 1L << cell;
                }
            }
            if (pullDown[last] < OPEN_WIRE_ZERO_mV) {
                open |= 1L << (last + 1);
            }
        }
        return open;
    }

    @Override
    public long pecErrors() {
        return pecErrors;
    }

    /** Reads that failed after every retry. */
    public long failedReads() {
        return failedReads;
    }

    private void convertAndReadCells(int conversion) throws BusException, ReadFailure {
        convert(conversion, Command.CLRCELL, cellConversion_ns);
        for (int group = 0; group < 6; group++) {
            if (cellGroupUsed[group]) {
                readGroup(Command.RDCV[group], CELL_GROUP[group]);
                for (int chip = 0; chip < chips; chip++) {
                    int offset = COMMAND_BYTES + FRAME_BYTES * chip;
                    for (int i = 0; i < 3; i++) {
                        cellCode[chip][group * 3 + i] = Registers.code(rx, offset, i);
                    }
                }
            }
        }
        for (int cell = 0; cell < cellMv.length; cell++) {
            int code = cellCode[cellChip[cell]][cellChannel[cell] - 1];
            if (code == Registers.CLEARED) {
                throw new ReadFailure("chip " + (cellChip[cell] + 1) + " channel " + cellChannel[cell]
                        + " was not converted");
            }
            cellMv[cell] = (code + 5) / 10;
        }
    }

    private void readAuxiliaries() throws BusException, ReadFailure {
        convert(Command.adax(md, 0), Command.CLRAUX, auxConversion_ns);
        for (int group = 0; group < 4; group++) {
            if (auxGroupUsed[group]) {
                readGroup(Command.RDAUX[group], AUX_GROUP[group]);
                for (int chip = 0; chip < chips; chip++) {
                    int offset = COMMAND_BYTES + FRAME_BYTES * chip;
                    for (int i = 0; i < 3; i++) {
                        auxCode[chip][group * 3 + i] = Registers.code(rx, offset, i);
                    }
                }
            }
        }
        convert(Command.adstat(md, 0), Command.CLRSTAT, statusConversion_ns);
        readGroup(Command.RDSTATA, "status group A");
        for (int chip = 0; chip < chips; chip++) {
            int offset = COMMAND_BYTES + FRAME_BYTES * chip;
            sumOfCellsCode[chip] = Registers.code(rx, offset, 0);
            dieCode[chip] = Registers.code(rx, offset, 1);
            if (sumOfCellsCode[chip] == Registers.CLEARED || dieCode[chip] == Registers.CLEARED) {
                throw new ReadFailure("chip " + (chip + 1) + " did not convert its status group");
            }
        }
        if (cellsFresh) {
            checkSumOfCells();
        }
        for (int i = 0; i < sensorValid.length; i++) {
            if (!sensorFromChain[i]) {
                continue;
            }
            int chip = sensorChip[i];
            int temperature;
            Thermistor.Reading reading;
            if (sensorIsDie[i]) {
                temperature = (int) Math.round((dieCode[chip] * Registers.CODE_mV / DIE_mV_PER_C - DIE_OFFSET_C) * 10);
                reading = Thermistor.Reading.VALID;
            } else {
                int code = auxCode[chip][auxIndex(sensorGpio[i])];
                int reference = auxCode[chip][REFERENCE];
                if (code == Registers.CLEARED || reference == Registers.CLEARED) {
                    throw new ReadFailure("chip " + (chip + 1) + " did not convert GPIO" + sensorGpio[i]);
                }
                temperature = thermistor.temperature_dC(code * Registers.CODE_mV, reference * Registers.CODE_mV);
                reading = thermistor.lastReading();
            }
            sensorValid[i] = reading == Thermistor.Reading.VALID;
            sensorTemperature_dC[i] = temperature;
            if (reading != sensorReading[i]) {
                reportSensor(i, reading, temperature);
                sensorReading[i] = reading;
            }
        }
    }

    /** The chip's own sum of cells is a second opinion on its cell readings. */
    private void checkSumOfCells() {
        for (int chip = 0; chip < chips; chip++) {
            long sumOfReadings_mV = 0;
            for (int cell = firstCellOfChip[chip]; cell <= lastCellOfChip[chip]; cell++) {
                sumOfReadings_mV += cellMv[cell];
            }
            long chipSum_mV = Math.round(sumOfCellsCode[chip] * SUM_OF_CELLS_FACTOR * Registers.CODE_mV);
            // unused inputs are shorted, so the chip's sum covers exactly the cells it measures
            if (Math.abs(chipSum_mV - sumOfReadings_mV) > sumOfReadings_mV / 100 + SUM_TOLERANCE_mV) {
                log.warn("LTC6813 chip {}: its sum of cells ({} mV) disagrees with its cell readings ({} mV)",
                        chip + 1, chipSum_mV, sumOfReadings_mV);
            }
        }
    }

    private void writeConfiguration() throws BusException, ReadFailure {
        for (int chip = 0; chip < chips; chip++) {
            int offset = COMMAND_BYTES + FRAME_BYTES * (chips - 1 - chip); // farthest chip first
            Registers.encodeConfigA(tx, offset, 0x1F, true, adcOpt, vuv, vov, dcc[chip], dcto);
            Pec15.append(tx, offset, 6);
        }
        transferCommand(Command.WRCFGA, tx.length);
        for (int chip = 0; chip < chips; chip++) {
            int offset = COMMAND_BYTES + FRAME_BYTES * (chips - 1 - chip);
            Registers.encodeConfigB(tx, offset, 0x1FF, dcc[chip]);
            Pec15.append(tx, offset, 6);
        }
        transferCommand(Command.WRCFGB, tx.length);
        if (!configVerified) {
            verifyConfiguration();
            configVerified = true;
        }
    }

    /**
     * Reads both groups back once after every wake-up from sleep: a chip that missed its
     * configuration (bad write PEC, reset) would measure and balance wrongly without saying so.
     */
    private void verifyConfiguration() throws BusException, ReadFailure {
        readGroup(Command.RDCFGA, "configuration group A");
        for (int chip = 0; chip < chips; chip++) {
            Registers.ConfigA expected = new Registers.ConfigA(true, adcOpt, vuv, vov, dcc[chip] & 0xFFF);
            if (!Registers.ConfigA.decode(rx, COMMAND_BYTES + FRAME_BYTES * chip).equals(expected)) {
                throw new ReadFailure("chip " + (chip + 1) + " did not take its configuration");
            }
        }
        readGroup(Command.RDCFGB, "configuration group B");
        for (int chip = 0; chip < chips; chip++) {
            if (Registers.decodeConfigBDischarge(rx, COMMAND_BYTES + FRAME_BYTES * chip) != (dcc[chip] & 0x3F000)) {
                throw new ReadFailure("chip " + (chip + 1) + " did not take its configuration group B");
            }
        }
    }

    /**
     * Clears the result registers, starts a conversion and waits until every chip reports it
     * done. The clear matters: a conversion command lost on the link would otherwise leave the
     * previous results in place, with valid PECs, and they would pass for fresh ones.
     */
    private void convert(int conversion, int clear, long budget_ns) throws BusException, ReadFailure {
        transferCommand(clear, COMMAND_BYTES);
        transferCommand(conversion, COMMAND_BYTES);
        sleep(budget_ns);
        for (int poll = 0; poll < POLLS; poll++) {
            tx[COMMAND_BYTES] = (byte) 0xFF;
            transferCommand(Command.PLADC, COMMAND_BYTES + 1);
            if (rx[COMMAND_BYTES] != 0) {
                return;
            }
            sleep(POLL_INTERVAL_ns);
        }
        throw new ReadFailure("a conversion did not finish within "
                + (budget_ns + POLLS * POLL_INTERVAL_ns) / 1000 + " µs");
    }

    /** Reads one register group from every chip into {@link #rx}, retrying on PEC errors. */
    private void readGroup(int command, String what) throws BusException, ReadFailure {
        int length = COMMAND_BYTES + FRAME_BYTES * chips;
        int badChip = -1;
        boolean silent = false;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Arrays.fill(tx, COMMAND_BYTES, length, (byte) 0xFF);
            transferCommand(command, length);
            badChip = -1;
            for (int chip = 0; chip < chips && badChip < 0; chip++) {
                int offset = COMMAND_BYTES + FRAME_BYTES * chip;
                if (!Pec15.matches(rx, offset, 6)) {
                    badChip = chip;
                    silent = allOnes(offset);
                    pecErrors++;
                }
            }
            if (badChip < 0) {
                return;
            }
        }
        throw new ReadFailure(silent
                ? "chip " + (badChip + 1) + " does not answer (" + what + ")"
                : "PEC error from chip " + (badChip + 1) + " in " + what + " on " + ATTEMPTS + " attempts");
    }

    private boolean allOnes(int offset) {
        for (int i = offset; i < offset + FRAME_BYTES; i++) {
            if (rx[i] != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }

    /**
     * Before every command: the isoSPI link idles after a few ms without traffic (a long
     * conversion, a stalled JVM), and the chips sleep after 2 s, losing their configuration.
     * Either needs a wake-up, or the command is lost. Each chip wakes the next, so the pulse is
     * sent once per chip.
     */
    private void transferCommand(int command, int length) throws BusException {
        long now = clock.nanoTime();
        if (lastTransfer_ns == NEVER || now - lastTransfer_ns > SLEEP_AFTER_ns) {
            for (int chip = 0; chip < chips; chip++) {
                transfer(wakePulse, wakePulse.length);
            }
            configVerified = false;
            sleep(READY_ns);
        } else if (now - lastTransfer_ns > IDLE_AFTER_ns) {
            for (int chip = 0; chip < chips; chip++) {
                transfer(wakePulse, 1);
            }
            sleep(READY_ns);
        }
        Command.encode(command, tx);
        transfer(tx, length);
    }

    private void transfer(byte[] out, int length) throws BusException {
        spi.transfer(out, rx, length);
        lastTransfer_ns = clock.nanoTime();
    }

    /**
     * Waits the whole time even when interrupted: a conversion cut short reads as a failed chain,
     * and the daemon interrupts the control thread when it stops. The interrupt is kept for the
     * caller. The longest wait is one conversion: about 200 ms at 26 Hz, a few ms otherwise.
     */
    private void sleep(long ns) {
        long deadline_ns = clock.nanoTime() + ns;
        boolean interrupted = false;
        while (true) {
            try {
                clock.sleepUntil(deadline_ns);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void failed(String what, Exception e) {
        failedReads++;
        configVerified = false;
        lastTransfer_ns = NEVER; // the chain's state is unknown: wake it fully next time
        cellsFresh = false;
        if (!failing) {
            failing = true;
            log.error("LTC6813 chain on {}: {} failed: {} (PEC errors so far: {})", spi.name(), what, e.getMessage(),
                    pecErrors);
        }
    }

    private void recovered() {
        if (failing) {
            failing = false;
            log.warn("LTC6813 chain on {}: readings valid again ({} failed reads, {} PEC errors so far)", spi.name(),
                    failedReads, pecErrors);
        }
    }

    private void reportPecErrors() {
        long now = clock.nanoTime();
        if (lastPecReport_ns == NEVER) {
            lastPecReport_ns = now;
        } else if (now - lastPecReport_ns >= PEC_REPORT_INTERVAL_ns) {
            if (pecErrors > pecErrorsReported) {
                log.warn("LTC6813 chain on {}: {} PEC errors in the last {} s, recovered by reading again;"
                        + " {} reads failed in all (check the isoSPI cable)", spi.name(), pecErrors - pecErrorsReported,
                        (now - lastPecReport_ns) / 1_000_000_000L, failedReads);
                pecErrorsReported = pecErrors;
            }
            lastPecReport_ns = now;
        }
    }

    private void reportSensor(int sensor, Thermistor.Reading reading, int temperature_dC) {
        String where = "chip " + (sensorChip[sensor] + 1) + " GPIO" + sensorGpio[sensor];
        switch (reading) {
            case VALID -> log.warn("temperature sensor {} ({}): reading again, {} °C", sensorName[sensor], where,
                    temperature_dC / 10.0);
            case OPEN -> log.error("temperature sensor {} ({}): NTC open or unplugged", sensorName[sensor], where);
            case SHORTED -> log.error("temperature sensor {} ({}): NTC shorted", sensorName[sensor], where);
            case OUT_OF_RANGE -> log.error("temperature sensor {} ({}): reading outside {}..{} °C",
                    sensorName[sensor], where, Thermistor.MIN_C, Thermistor.MAX_C);
        }
    }

    /** Position of a GPIO (1–9) among the auxiliary codes: A = GPIO1–3, B = GPIO4, GPIO5, REF, C = GPIO6–8, D = GPIO9. */
    private static int auxIndex(int gpio) {
        return gpio <= 5 ? gpio - 1 : gpio;
    }

    private static int auxGroup(int gpio) {
        return auxIndex(gpio) / 3;
    }

    private static int wakeBytes(int clock_Hz) {
        return (int) Math.ceil(WAKE_PULSE_ns * (double) clock_Hz / 8e9) + 1;
    }

    static int mdOf(ConversionRate rate) {
        return switch (rate) {
            case RATE_27KHZ, RATE_14KHZ -> 1;
            case RATE_7KHZ, RATE_3KHZ -> 2;
            case RATE_2KHZ, RATE_26HZ -> 3;
        };
    }

    static boolean adcOptOf(ConversionRate rate) {
        return rate == ConversionRate.RATE_14KHZ || rate == ConversionRate.RATE_3KHZ
                || rate == ConversionRate.RATE_2KHZ;
    }

    /** A read that could not be completed; the message names the chip and what failed. */
    private static final class ReadFailure extends Exception {
        ReadFailure(String message) {
            super(message, null, false, false);
        }
    }
}
