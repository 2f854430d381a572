package org.pibms.sim;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.pibms.core.Clock;
import org.pibms.core.settings.HardwareSettings;
import org.pibms.core.settings.TemperatureSensorSettings;
import org.pibms.core.settings.ThermistorSettings;
import org.pibms.hw.SpiDevice;

/**
 * A chain of LTC6813-1 behind an LTC6820, emulated at register level on the SPI bus and backed
 * by the {@link PackModel}. Written from the datasheet facts, independently of the driver:
 * its PEC is computed bit by bit, the driver's from a table.
 *
 * <p>What it emulates: the daisy chain as a shift register (writes carry the farthest chip
 * first, reads return the nearest first); the command PEC and each chip's data PEC, with bad
 * ones ignored; the isoSPI port going idle after 5.7 ms and the chips going to sleep after 2 s
 * without a command (losing their configuration, and their balance switches unless DTEN is
 * set), each woken by a chip-select pulse of at least 300 µs; conversion times, with PLADC
 * reading busy until they end; configuration registers that read back; DCC bits that really
 * bleed the simulated cells through their balance resistors; the discharge timeout; NTC
 * dividers on the GPIO inputs; the open-wire test's pull-up and pull-down currents; and the
 * status group's sum of cells and die temperature.
 *
 * <p>Faults to inject: a chain that no longer answers, random PEC errors, an open sense wire,
 * an open or shorted NTC.
 */
public final class Ltc6813Emulator implements SpiDevice {

    static final long IDLE_AFTER_ns = 5_700_000L;
    static final long SLEEP_AFTER_ns = 2_000_000_000L;
    static final long WAKE_PULSE_ns = 300_000L;
    private static final int PEC_SEED = 16;
    private static final int[] PEC_BYTE_STEP = pecByteSteps();
    private static final double REFERENCE_mV = 3000;
    private static final int ANALOG_SUPPLY_CODE = 50_000;
    private static final int DIGITAL_SUPPLY_CODE = 33_000;
    private static final int SUM_OF_CELLS_FACTOR = 30;
    private static final double DIE_mV_PER_C = 7.6;
    private static final double DIE_OFFSET_C = 276;
    private static final double DIE_ABOVE_BALANCE_C = 3;
    private static final int CONFIG_A_DEFAULT0 = 0xF8;
    private static final double[] DISCHARGE_TIMEOUT_min = {0, 0.5, 1, 2, 3, 4, 5, 10, 15, 20, 30, 40, 60, 75, 90,
        120};

    /** By rate: 27 kHz, 14 kHz, 7 kHz, 3 kHz, 2 kHz, 26 Hz. */
    private static final long[] CELLS_us = {1113, 1288, 2335, 3033, 4430, 201_317};
    private static final long[] STATUS_us = {748, 865, 1560, 2030, 2960, 134_200};

    enum Conversion { NONE, CELLS, CELLS_PULL_UP, CELLS_PULL_DOWN, AUX, STATUS }

    /** One chip's registers and state. */
    private static final class Chip {
        final int[] cellOfChannel = new int[18];
        final int[] sensorOfGpio = new int[9];
        final byte[] configA = new byte[6];
        final byte[] configB = new byte[6];
        final int[] cellCode = new int[18];
        final int[] auxCode = new int[12];
        final int[] statusCode = new int[6];
        long dischargeTimerStart_ns;
        boolean asleep = true;

        Chip() {
            Arrays.fill(cellOfChannel, -1);
            Arrays.fill(sensorOfGpio, -1);
            reset(true);
        }

        void reset(boolean discharge) {
            configA[0] = (byte) CONFIG_A_DEFAULT0;
            configA[1] = 0;
            configA[2] = 0;
            configA[3] = 0;
            if (discharge) {
                configA[4] = 0;
                configA[5] = 0;
                configB[0] &= 0x0F;
                configB[1] &= ~0x03;
            }
            Arrays.fill(cellCode, 0xFFFF);
            Arrays.fill(auxCode, 0xFFFF);
            Arrays.fill(statusCode, 0xFFFF);
        }

        boolean discharging(int channel) {
            if (channel <= 8) {
                return (configA[4] & 1 << (channel - 1)) != 0;
            }
            if (channel <= 12) {
                return (configA[5] & 1 << (channel - 9)) != 0;
            }
            if (channel <= 16) {
                return (configB[0] & 1 << (channel - 13 + 4)) != 0;
            }
            return (configB[1] & 1 << (channel - 17)) != 0;
        }

        int dischargeTimeoutCode() {
            return (configA[5] & 0xF0) >> 4;
        }

        int undervoltageCode() {
            return (configA[1] & 0xFF) | (configA[2] & 0x0F) << 8;
        }

        int overvoltageCode() {
            return (configA[2] & 0xF0) >> 4 | (configA[3] & 0xFF) << 4;
        }

        boolean adcOption() {
            return (configA[0] & 0x01) != 0;
        }
    }

    private final PackModel model;
    private final Clock clock;
    private final int clock_Hz;
    private final Chip[] chips;
    private final ThermistorSettings thermistor;
    private final SplittableRandom random;
    private final double noise_mV;
    private final boolean dischargeTimerEnabled;
    private final byte[] frame = new byte[6];

    private long lastTransfer_ns = Long.MIN_VALUE;
    private long lastCommand_ns = Long.MIN_VALUE;
    private Conversion pending = Conversion.NONE;
    private long conversionDone_ns;

    private boolean silent;
    private int hang_ms;
    private double pecErrorRate;
    private int openWire = -1;
    private final boolean[] ntcOpen;
    private final boolean[] ntcShorted;

    /**
     * @param dischargeTimerEnabled the DTEN pin is tied high: the balance switches survive sleep
     *                              until the discharge timeout ends
     */
    public Ltc6813Emulator(PackModel model, Clock clock, int clock_Hz, HardwareSettings.Ltc6813 settings,
            List<TemperatureSensorSettings> sensors, SplittableRandom random, double noise_mV,
            boolean dischargeTimerEnabled) {
        this.model = model;
        this.clock = clock;
        this.clock_Hz = clock_Hz;
        this.thermistor = settings.thermistor();
        this.random = random;
        this.noise_mV = noise_mV;
        this.dischargeTimerEnabled = dischargeTimerEnabled;
        this.chips = new Chip[settings.chips().size()];
        int cell = 0;
        for (int c = 0; c < chips.length; c++) {
            chips[c] = new Chip();
            for (int channel : settings.chips().get(c).channels()) {
                chips[c].cellOfChannel[channel - 1] = cell++;
            }
        }
        for (int s = 0; s < sensors.size(); s++) {
            if (sensors.get(s).input() instanceof TemperatureSensorSettings.LtcGpio gpio) {
                chips[gpio.chip() - 1].sensorOfGpio[gpio.gpio() - 1] = s;
            }
        }
        this.ntcOpen = new boolean[sensors.size()];
        this.ntcShorted = new boolean[sensors.size()];
    }

    @Override
    public int clock_Hz() {
        return clock_Hz;
    }

    @Override
    public String name() {
        return "emulated LTC6813 chain";
    }

    /** The next transfer blocks its caller for {@code duration_ms} of real time, then goes on normally. */
    public void hangOnce(int duration_ms) {
        this.hang_ms = duration_ms;
    }

    /** The chain stops answering (a broken isoSPI cable, no supply): every byte reads 0xFF. */
    public void setSilent(boolean silent) {
        this.silent = silent;
    }

    /** Each chip's answer to a read is corrupted in one bit with this probability. */
    public void setPecErrorRate(double rate) {
        this.pecErrorRate = rate;
    }

    /** Opens sense wire {@code wire} (0 = below cell 1, k = above cell k), or none with -1. */
    public void setOpenWire(int wire) {
        this.openWire = wire;
    }

    public void setNtcOpen(int sensor, boolean open) {
        ntcOpen[sensor] = open;
    }

    public void setNtcShorted(int sensor, boolean shorted) {
        ntcShorted[sensor] = shorted;
    }

    @Override
    public void transfer(byte[] tx, byte[] rx, int length) {
        if (hang_ms > 0) {
            int hang = hang_ms;
            hang_ms = 0;
            try {
                Thread.sleep(hang);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long now = clock.nanoTime();
        Arrays.fill(rx, 0, length, (byte) 0xFF);
        if (silent) {
            return;
        }
        expireTimers(now);
        long gap = lastTransfer_ns == Long.MIN_VALUE ? Long.MAX_VALUE : now - lastTransfer_ns;
        lastTransfer_ns = now;
        for (Chip chip : chips) {
            if (chip.asleep) {
                // a chip-select pulse long enough wakes the next sleeping chip; nothing is read
                if (length * 8e9 / clock_Hz >= WAKE_PULSE_ns) {
                    chip.asleep = false;
                    lastCommand_ns = now;
                }
                return;
            }
        }
        if (gap > IDLE_AFTER_ns || length < 4) {
            return; // the isoSPI port was idle: this transfer only woke it
        }
        if (pec(tx, 0, 2) != ((tx[2] & 0xFF) << 8 | (tx[3] & 0xFF))) {
            return;
        }
        lastCommand_ns = now;
        execute((tx[0] & 0x07) << 8 | (tx[1] & 0xFF), tx, rx, length, now);
        model.setBleedingDeadline(bleedingDeadline(now));
    }

    /** When the balance switches open unless a chip hears from the host again. */
    private long bleedingDeadline(long now) {
        if (!dischargeTimerEnabled) {
            return now + SLEEP_AFTER_ns;
        }
        int timeout = chips[0].dischargeTimeoutCode();
        return timeout == 0 ? Long.MAX_VALUE
                : chips[0].dischargeTimerStart_ns + (long) (DISCHARGE_TIMEOUT_min[timeout] * 60e9);
    }

    private void execute(int command, byte[] tx, byte[] rx, int length, long now) {
        switch (command) {
            case 0x001 -> write(tx, length, true, now);
            case 0x024 -> write(tx, length, false, now);
            case 0x002 -> read(rx, length, now, 'A', 0);
            case 0x026 -> read(rx, length, now, 'B', 0);
            case 0x004 -> read(rx, length, now, 'C', 0);
            case 0x006 -> read(rx, length, now, 'C', 1);
            case 0x008 -> read(rx, length, now, 'C', 2);
            case 0x00A -> read(rx, length, now, 'C', 3);
            case 0x009 -> read(rx, length, now, 'C', 4);
            case 0x00B -> read(rx, length, now, 'C', 5);
            case 0x00C -> read(rx, length, now, 'X', 0);
            case 0x00E -> read(rx, length, now, 'X', 1);
            case 0x00D -> read(rx, length, now, 'X', 2);
            case 0x00F -> read(rx, length, now, 'X', 3);
            case 0x010 -> read(rx, length, now, 'S', 0);
            case 0x012 -> read(rx, length, now, 'S', 1);
            case 0x714 -> {
                boolean busy = pending != Conversion.NONE && now < conversionDone_ns;
                Arrays.fill(rx, 4, length, busy ? 0 : (byte) 0xFF);
            }
            case 0x711, 0x712, 0x713 -> clear(command, now);
            default -> startConversion(command, now);
        }
    }

    private void startConversion(int command, long now) {
        int md = (command >> 7) & 0x03;
        Conversion kind;
        // each pattern: the command's fixed bits, with MD, DCP, PUP and channel bits masked out
        if ((command & 0x668) == 0x260) {
            kind = Conversion.CELLS;
        } else if ((command & 0x628) == 0x228) {
            kind = (command & 0x40) != 0 ? Conversion.CELLS_PULL_UP : Conversion.CELLS_PULL_DOWN;
        } else if ((command & 0x678) == 0x460) {
            kind = Conversion.AUX;
        } else if ((command & 0x678) == 0x468 && (command & 0x07) <= 4) {
            kind = Conversion.STATUS;
        } else {
            return; // a command this emulator does not implement does nothing
        }
        finishConversion(now);
        pending = kind;
        conversionDone_ns = now + conversionTime_ns(kind, md, chips[0].adcOption());
    }

    /** Conversion times from the LTC6804/6813 datasheets (all channels, including calibration). */
    static long conversionTime_ns(Conversion kind, int md, boolean adcOption) {
        int rate = switch (md) {
            case 1 -> adcOption ? 1 : 0;
            case 2 -> adcOption ? 3 : 2;
            case 3 -> adcOption ? 4 : 5;
            default -> 2;
        };
        return switch (kind) {
            case STATUS -> STATUS_us[rate] * 1000;
            case AUX -> CELLS_us[rate] * 1000 * 3 / 2;
            default -> CELLS_us[rate] * 1000;
        };
    }

    /** Results land in the registers when a conversion ends; read lazily at the first access after. */
    private void finishConversion(long now) {
        if (pending == Conversion.NONE || now < conversionDone_ns) {
            return;
        }
        model.advance();
        for (Chip chip : chips) {
            switch (pending) {
                case CELLS, CELLS_PULL_UP, CELLS_PULL_DOWN -> {
                    for (int channel = 0; channel < 18; channel++) {
                        int cell = chip.cellOfChannel[channel];
                        chip.cellCode[channel] = cell < 0 ? 0 : code(sensedCell_mV(cell, pending));
                    }
                }
                case AUX -> {
                    for (int gpio = 0; gpio < 9; gpio++) {
                        int sensor = chip.sensorOfGpio[gpio];
                        chip.auxCode[gpio < 5 ? gpio : gpio + 1] = sensor < 0 ? 0 : code(ntc_mV(sensor));
                    }
                    chip.auxCode[5] = code(REFERENCE_mV);
                }
                case STATUS -> {
                    double sum = 0;
                    for (int channel = 0; channel < 18; channel++) {
                        if (chip.cellOfChannel[channel] >= 0) {
                            sum += sensedCell_mV(chip.cellOfChannel[channel], Conversion.CELLS);
                        }
                    }
                    double die_C = model.balanceTemperature_C() + DIE_ABOVE_BALANCE_C;
                    chip.statusCode[0] = code(sum / SUM_OF_CELLS_FACTOR);
                    chip.statusCode[1] = code((die_C + DIE_OFFSET_C) * DIE_mV_PER_C);
                    chip.statusCode[2] = ANALOG_SUPPLY_CODE;
                    chip.statusCode[3] = DIGITAL_SUPPLY_CODE;
                    chip.statusCode[4] = cellFlags(chip) & 0xFFFF;
                    chip.statusCode[5] = (cellFlags(chip) >> 16) & 0xFF;
                }
                default -> {
                }
            }
        }
        pending = Conversion.NONE;
    }

    /**
     * What the ADC sees across a cell. An open sense wire floats: in a normal conversion it
     * settles between its neighbours; the open-wire test's pull-up current drags it up to the
     * wire above, the pull-down current down to the wire below.
     */
    private double sensedCell_mV(int cell, Conversion conversion) {
        double own = cellVoltage_mV(cell);
        if (openWire < 0 || (openWire != cell && openWire != cell + 1)) {
            return own;
        }
        boolean wireBelow = openWire == cell;
        int neighbour = wireBelow ? cell - 1 : cell + 1;
        double pair = neighbour >= 0 && neighbour < model.cellCount() ? own + cellVoltage_mV(neighbour) : own;
        return switch (conversion) {
            case CELLS_PULL_UP -> wireBelow ? 0 : pair;
            case CELLS_PULL_DOWN -> wireBelow ? pair : 0;
            default -> pair / 2;
        };
    }

    private double cellVoltage_mV(int cell) {
        return model.cellForced(cell) ? model.forcedCellVoltage_mV(cell) : model.cellVoltage_mV(cell);
    }

    private double ntc_mV(int sensor) {
        if (ntcOpen[sensor]) {
            return REFERENCE_mV;
        }
        if (ntcShorted[sensor]) {
            return 0;
        }
        double celsius = model.temperatureForced(sensor)
                ? model.forcedTemperature_dC(sensor) / 10.0
                : model.sensorTemperature_C(sensor);
        double resistance = ntcResistance_Ohm(thermistor, celsius);
        return REFERENCE_mV * resistance / (resistance + thermistor.pullup_Ohm());
    }

    /** R(T) of the thermistor: the B equation directly, Steinhart–Hart through its cubic's real root. */
    static double ntcResistance_Ohm(ThermistorSettings thermistor, double celsius) {
        double kelvin = celsius + 273.15;
        if (thermistor instanceof ThermistorSettings.Beta beta) {
            return beta.r25_Ohm() * Math.exp(beta.beta_K() * (1 / kelvin - 1 / 298.15));
        }
        ThermistorSettings.SteinhartHart sh = (ThermistorSettings.SteinhartHart) thermistor;
        // c·x³ + b·x + (a − 1/T) = 0 with x = ln R (Cardano; one real root for b, c > 0)
        double p = sh.b() / sh.c();
        double q = (sh.a() - 1 / kelvin) / sh.c();
        double root = Math.sqrt(q * q / 4 + p * p * p / 27);
        return Math.exp(Math.cbrt(-q / 2 + root) + Math.cbrt(-q / 2 - root));
    }

    private int code(double millivolts) {
        double noisy = millivolts * 10 + noise_mV * 10 * random.nextGaussian();
        return (int) Math.max(0, Math.min(0xFFFE, Math.round(noisy)));
    }

    /** C1UV, C1OV, C2UV, … C12OV: under-voltage on even bits, over-voltage on odd bits. */
    private static int cellFlags(Chip chip) {
        int flags = 0;
        int underCode = (chip.undervoltageCode() + 1) * 16;
        int overCode = chip.overvoltageCode() * 16;
        for (int channel = 0; channel < 12; channel++) {
            if (chip.cellOfChannel[channel] < 0) {
                continue;
            }
            if (chip.cellCode[channel] < underCode) {
                flags |= 1 << (2 * channel);
            }
            if (chip.cellCode[channel] > overCode) {
                flags |= 1 << (2 * channel + 1);
            }
        }
        return flags;
    }

    private void write(byte[] tx, int length, boolean groupA, long now) {
        for (int c = 0; c < chips.length; c++) {
            int offset = 4 + 8 * (chips.length - 1 - c); // the farthest chip's data comes first
            if (offset + 8 > length || pec(tx, offset, 6) != ((tx[offset + 6] & 0xFF) << 8 | (tx[offset + 7] & 0xFF))) {
                continue; // a chip ignores data with a bad PEC
            }
            Chip chip = chips[c];
            if (groupA) {
                int previousTimeout = chip.dischargeTimeoutCode();
                System.arraycopy(tx, offset, chip.configA, 0, 6);
                chip.configA[0] = (byte) (chip.configA[0] & ~0x02); // DTEN reads the pin, not the write
                if (chip.dischargeTimeoutCode() != 0 || previousTimeout != 0) {
                    chip.dischargeTimerStart_ns = now;
                }
            } else {
                System.arraycopy(tx, offset, chip.configB, 0, 6);
                chip.configB[1] &= 0x7F; // MUTE is read-only
            }
        }
        applyBalancing();
    }

    private void read(byte[] rx, int length, long now, char group, int index) {
        finishConversion(now);
        for (int c = 0; c < chips.length; c++) {
            int offset = 4 + 8 * c; // the nearest chip answers first
            if (offset + 8 > length) {
                return;
            }
            Chip chip = chips[c];
            switch (group) {
                case 'A' -> {
                    System.arraycopy(chip.configA, 0, frame, 0, 6);
                    if (dischargeTimerEnabled) {
                        frame[0] |= 0x02;
                    }
                }
                case 'B' -> System.arraycopy(chip.configB, 0, frame, 0, 6);
                case 'C' -> pack(chip.cellCode, index * 3);
                case 'X' -> pack(chip.auxCode, index * 3);
                default -> pack(chip.statusCode, index * 3);
            }
            System.arraycopy(frame, 0, rx, offset, 6);
            int pec = pec(frame, 0, 6);
            rx[offset + 6] = (byte) (pec >> 8);
            rx[offset + 7] = (byte) pec;
            if (pecErrorRate > 0 && random.nextDouble() < pecErrorRate) {
                rx[offset + random.nextInt(6)] ^= (byte) (1 << random.nextInt(8));
            }
        }
    }

    private void pack(int[] codes, int first) {
        for (int i = 0; i < 3; i++) {
            int code = first + i < codes.length ? codes[first + i] : 0xFFFF;
            frame[2 * i] = (byte) code;
            frame[2 * i + 1] = (byte) (code >> 8);
        }
    }

    /**
     * Without a command for 2 s the chips sleep and lose their configuration; their balance
     * switches stay on only if DTEN is set, and then only until the discharge timeout.
     */
    private void expireTimers(long now) {
        boolean changed = false;
        if (lastCommand_ns != Long.MIN_VALUE && now - lastCommand_ns > SLEEP_AFTER_ns && !chips[0].asleep) {
            for (Chip chip : chips) {
                chip.asleep = true;
                chip.reset(!dischargeTimerEnabled);
            }
            pending = Conversion.NONE;
            changed = true;
        }
        if (dischargeTimerEnabled) {
            for (Chip chip : chips) {
                int timeout = chip.dischargeTimeoutCode();
                if (timeout != 0 && now - chip.dischargeTimerStart_ns > DISCHARGE_TIMEOUT_min[timeout] * 60e9
                        && (chip.configA[4] != 0 || (chip.configA[5] & 0x0F) != 0 || (chip.configB[0] & 0xF0) != 0
                                || (chip.configB[1] & 0x03) != 0)) {
                    chip.configA[4] = 0;
                    chip.configA[5] &= (byte) 0xF0;
                    chip.configB[0] &= 0x0F;
                    chip.configB[1] &= ~0x03;
                    changed = true;
                }
            }
        }
        if (changed) {
            applyBalancing();
        }
    }

    private void applyBalancing() {
        for (Chip chip : chips) {
            for (int channel = 1; channel <= 18; channel++) {
                int cell = chip.cellOfChannel[channel - 1];
                if (cell >= 0) {
                    model.setBleeding(cell, chip.discharging(channel));
                }
            }
        }
    }

    /** CLRCELL, CLRAUX, CLRSTAT: a conversion that has already ended lands first, then is cleared. */
    private void clear(int command, long now) {
        finishConversion(now);
        for (Chip chip : chips) {
            switch (command) {
                case 0x711 -> Arrays.fill(chip.cellCode, 0xFFFF);
                case 0x712 -> Arrays.fill(chip.auxCode, 0xFFFF);
                default -> Arrays.fill(chip.statusCode, 0xFFFF);
            }
        }
    }

    /**
     * PEC15 as the datasheet describes it, bit by bit: polynomial 0x4599, seed 16, result shifted
     * left. The emulator computes it independently of the driver's table (Pec15), so a mistake
     * in one is caught by the other; its own table, for speed, is built from the bitwise rule.
     */
    static int pec(byte[] data, int offset, int length) {
        int remainder = PEC_SEED;
        for (int i = offset; i < offset + length; i++) {
            remainder = ((remainder << 8) & 0x7FFF) ^ PEC_BYTE_STEP[((remainder >> 7) ^ data[i]) & 0xFF];
        }
        return remainder << 1;
    }

    /** The bitwise definition over whole bytes, which the table must agree with. */
    static int pecBitwise(byte[] data, int offset, int length) {
        int remainder = PEC_SEED;
        for (int i = offset; i < offset + length; i++) {
            remainder = pecStep(remainder, data[i]);
        }
        return remainder << 1;
    }

    private static int pecStep(int remainder, byte data) {
        for (int bit = 7; bit >= 0; bit--) {
            int in = ((data >> bit) & 1) ^ ((remainder >> 14) & 1);
            remainder = (remainder << 1) & 0x7FFF;
            if (in != 0) {
                remainder ^= 0x4599;
            }
        }
        return remainder;
    }

    /** What a byte does to a remainder whose top 8 bits, xored with the byte, are the index. */
    private static int[] pecByteSteps() {
        int[] steps = new int[256];
        for (int index = 0; index < steps.length; index++) {
            steps[index] = pecStep(index << 7, (byte) 0);
        }
        return steps;
    }
}
