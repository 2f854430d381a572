package org.pibms.afe.ads1115;

import org.pibms.core.Measurement;
import org.pibms.core.VoltageSensor;
import org.pibms.core.settings.HardwareSettings;
import org.pibms.hw.BusException;
import org.pibms.hw.I2cDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ADS1115 measuring pack (B+) and load (P+) voltage through resistor dividers.
 *
 * <p>Conversions are pipelined across ticks, so the control loop never waits for one: each
 * tick collects the conversion started the tick before and starts the next input. With both
 * inputs wired, each is therefore refreshed every second tick; the last value of the other one
 * is reported meanwhile.
 */
public final class Ads1115 implements VoltageSensor {

    static final int CONVERSION = 0x00;
    static final int CONFIG = 0x01;
    /** OS: write 1 to start a single conversion; reads 1 when no conversion is running. */
    static final int OS = 0x8000;
    static final int MODE_SINGLE = 0x0100;
    /** 860 samples per second: a conversion takes about 1.2 ms. */
    static final int RATE_860 = 0x00E0;
    static final int COMPARATOR_OFF = 0x0003;
    static final int[] FULL_SCALES_mV = {6144, 4096, 2048, 1024, 512, 256};

    private static final Logger log = LoggerFactory.getLogger(Ads1115.class);
    private static final int PACK = 0;
    private static final int LOAD = 1;

    private final I2cDevice i2c;
    private final int pga;
    private final double fullScale_mV;
    private final int[] input = new int[2];
    private final double[] dividerRatio = new double[2];
    private final int inputs;
    private final int[] voltage_mV = new int[2];
    private final boolean[] valid = new boolean[2];
    private final byte[] buffer = new byte[2];

    private int converting = -1;
    private boolean failing;

    public Ads1115(I2cDevice i2c, HardwareSettings.Ads1115 settings) {
        this.i2c = i2c;
        this.pga = pgaCode(settings.fullScale_mV());
        this.fullScale_mV = settings.fullScale_mV();
        this.input[PACK] = settings.pack().input();
        this.dividerRatio[PACK] = settings.pack().dividerRatio();
        this.inputs = settings.load().isPresent() ? 2 : 1;
        settings.load().ifPresent(load -> {
            input[LOAD] = load.input();
            dividerRatio[LOAD] = load.dividerRatio();
        });
    }

    /** The PGA bits (11:9) for a full-scale range. */
    static int pgaCode(int fullScale_mV) {
        for (int code = 0; code < FULL_SCALES_mV.length; code++) {
            if (FULL_SCALES_mV[code] == fullScale_mV) {
                return code;
            }
        }
        throw new IllegalArgumentException("no ADS1115 range of ±" + fullScale_mV + " mV");
    }

    @Override
    public boolean readVoltages(Measurement into) {
        try {
            boolean start = true;
            if (converting < 0) {
                converting = PACK;
            } else if ((read16(CONFIG) & OS) == 0) {
                start = false; // still converting: collect it next tick
            } else {
                int code = (short) read16(CONVERSION);
                voltage_mV[converting] = (int) Math.round(Math.max(0, code) * fullScale_mV / 32768
                        * dividerRatio[converting]);
                valid[converting] = true;
                converting = (converting + 1) % inputs;
            }
            if (start) {
                write16(CONFIG, OS | (4 + input[converting]) << 12 | pga << 9 | MODE_SINGLE | RATE_860
                        | COMPARATOR_OFF);
            }
            if (failing) {
                failing = false;
                log.warn("ADS1115 on {}: voltage readings valid again", i2c.name());
            }
        } catch (BusException e) {
            valid[PACK] = false;
            valid[LOAD] = false;
            converting = -1;
            if (!failing) {
                failing = true;
                log.error("ADS1115 on {}: {}", i2c.name(), e.getMessage());
            }
            return false;
        }
        if (valid[PACK]) {
            into.setPackVoltage_mV(voltage_mV[PACK]);
        }
        if (valid[LOAD]) {
            into.setLoadVoltage_mV(voltage_mV[LOAD]);
        }
        return true;
    }

    private int read16(int register) throws BusException {
        i2c.readRegister(register, buffer, 2);
        return (buffer[0] & 0xFF) << 8 | (buffer[1] & 0xFF);
    }

    private void write16(int register, int value) throws BusException {
        buffer[0] = (byte) (value >> 8);
        buffer[1] = (byte) value;
        i2c.writeRegister(register, buffer, 2);
    }
}
