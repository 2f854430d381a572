package org.pibms.sim;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.pibms.hw.BusException;

/**
 * An INA228 on the I2C bus, backed by the {@link PackModel}: its shunt carries the pack
 * current (charge positive reads positive), its bus input sees the pack voltage and its die
 * sits at the MOSFET heat sink's temperature. It converts continuously; every read returns the
 * present value. The registers behave as the datasheet says: reset, the ADC range bit, the
 * shunt calibration from which the chip derives CURRENT, the identification registers, the
 * diagnostic flags and the shunt limits that drive its ALERT line.
 */
public final class Ina228Emulator extends I2cEmulator {

    private static final int CONFIG = 0x00;
    private static final int ADC_CONFIG = 0x01;
    private static final int SHUNT_CAL = 0x02;
    private static final int SHUNT_TEMPCO = 0x03;
    private static final int VSHUNT = 0x04;
    private static final int VBUS = 0x05;
    private static final int DIETEMP = 0x06;
    private static final int CURRENT = 0x07;
    private static final int DIAG_ALRT = 0x0B;
    private static final int SOVL = 0x0C;
    private static final int SUVL = 0x0D;
    private static final int MANUFACTURER_ID = 0x3E;
    private static final int DEVICE_ID = 0x3F;
    private static final int REGISTERS = 0x40;
    private static final int MEMSTAT = 1;
    private static final int CNVRF = 1 << 1;
    private static final int SHNTUL = 1 << 5;
    private static final int SHNTOL = 1 << 6;
    private static final int MAX_20_BIT = (1 << 19) - 1;

    private final PackModel model;
    private final double shunt_Ohm;
    private final SplittableRandom random;
    private final double noise_mA;
    private final double offset_mA;
    private final double gain;
    private final EmulatedPin alert;
    private final int[] register = new int[REGISTERS];

    /**
     * @param shunt_Ohm the shunt actually fitted (a driver configured for another value reads wrong,
     *                  as on real hardware)
     * @param alert     the ALERT line (open drain, active low), or null
     */
    public Ina228Emulator(PackModel model, int address, double shunt_Ohm, SplittableRandom random, double noise_mA,
            double offset_mA, double gainError_pct, EmulatedPin alert) {
        super(address);
        this.model = model;
        this.shunt_Ohm = shunt_Ohm;
        this.random = random;
        this.noise_mA = noise_mA;
        this.offset_mA = offset_mA;
        this.gain = 1 + gainError_pct / 100;
        this.alert = alert;
        reset();
    }

    @Override
    public void readRegister(int reg, byte[] into, int length) throws BusException {
        acknowledge();
        model.advance();
        switch (reg) {
            case VSHUNT -> put24(into, length, shuntCode() << 4);
            case CURRENT -> put24(into, length, currentCode() << 4);
            case VBUS -> put24(into, length, clamp20(Math.round(model.packVoltage_mV() / 0.1953125)) << 4);
            case DIETEMP -> put16(into, length, (int) Math.round(model.mosTemperature_C() / 0.0078125));
            case DIAG_ALRT -> put16(into, length, diagnostics());
            default -> put16(into, length, reg < REGISTERS ? register[reg] : 0);
        }
        updateAlert();
    }

    @Override
    public void writeRegister(int reg, byte[] data, int length) throws BusException {
        acknowledge();
        if (length < 2 || reg == MANUFACTURER_ID || reg == DEVICE_ID || reg >= REGISTERS) {
            return;
        }
        int value = (data[0] & 0xFF) << 8 | (data[1] & 0xFF);
        if (reg == CONFIG && (value & 0x8000) != 0) {
            reset();
            return;
        }
        register[reg] = reg == SHUNT_CAL ? value & 0x7FFF : value;
    }

    private void reset() {
        Arrays.fill(register, 0);
        register[ADC_CONFIG] = 0xFB68;
        register[SHUNT_CAL] = 0x1000;
        register[SOVL] = 0x7FFF;
        register[SUVL] = 0x8000;
        register[MANUFACTURER_ID] = 0x5449;
        register[DEVICE_ID] = 0x2281;
        register[SHUNT_TEMPCO] = 0;
    }


    /** VSHUNT: 312.5 nV per code, or 78.125 nV with ADCRANGE = 1. */
    private int shuntCode() {
        double current_mA = model.current_A() * 1000 * gain + offset_mA + noise_mA * random.nextGaussian();
        double shunt_nV = current_mA * 1e6 * shunt_Ohm;
        double perCode_nV = (register[CONFIG] & 0x10) != 0 ? 78.125 : 312.5;
        return clamp20(Math.round(shunt_nV / perCode_nV));
    }

    /** The chip's own arithmetic: CURRENT = VSHUNT × 4096 / SHUNT_CAL. */
    private int currentCode() {
        int calibration = register[SHUNT_CAL];
        return calibration == 0 ? 0 : clamp20((long) shuntCode() * 4096 / calibration);
    }

    private int diagnostics() {
        int shunt = shuntCode() >> 4; // SOVL/SUVL compare 16-bit codes: 5 µV, or 1.25 µV with ADCRANGE = 1
        int flags = MEMSTAT | CNVRF;
        if (shunt > (short) register[SOVL]) {
            flags |= SHNTOL;
        }
        if (shunt < (short) register[SUVL]) {
            flags |= SHNTUL;
        }
        return flags;
    }

    private void updateAlert() {
        if (alert != null) {
            alert.drive((diagnostics() & (SHNTOL | SHNTUL)) == 0);
        }
    }

    private static int clamp20(long value) {
        return (int) Math.max(-MAX_20_BIT - 1, Math.min(MAX_20_BIT, value));
    }

    private static void put24(byte[] into, int length, int value) {
        for (int i = 0; i < length; i++) {
            into[i] = i < 3 ? (byte) (value >> (16 - 8 * i)) : 0;
        }
    }

    private static void put16(byte[] into, int length, int value) {
        for (int i = 0; i < length; i++) {
            into[i] = i < 2 ? (byte) (value >> (8 - 8 * i)) : 0;
        }
    }
}
