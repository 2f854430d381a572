package org.pibms.afe.ina228;

import java.util.Optional;
import org.pibms.core.Clock;
import org.pibms.core.CurrentSensor;
import org.pibms.core.Measurement;
import org.pibms.core.settings.HardwareSettings;
import org.pibms.hw.BusException;
import org.pibms.hw.DigitalInput;
import org.pibms.hw.I2cDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The INA228 shunt monitor: pack current, its bus voltage and its die temperature.
 *
 * <p>At start, and again after any failure, the driver resets the chip, checks its identity,
 * and programs the ADC range, continuous conversion and the shunt calibration; once a second it
 * reads the calibration back, so a chip that browned out and lost it is caught instead of
 * reporting zero current. A read that fails, or a result the chip flags as an arithmetic
 * overflow, leaves the current invalid for that tick.
 */
public final class Ina228 implements CurrentSensor {

    static final int CONFIG = 0x00;
    static final int ADC_CONFIG = 0x01;
    static final int SHUNT_CAL = 0x02;
    static final int VSHUNT = 0x04;
    static final int VBUS = 0x05;
    static final int DIETEMP = 0x06;
    static final int CURRENT = 0x07;
    static final int DIAG_ALRT = 0x0B;
    static final int SOVL = 0x0C;
    static final int SUVL = 0x0D;
    static final int MANUFACTURER_ID = 0x3E;
    static final int DEVICE_ID = 0x3F;

    static final int RESET = 0x8000;
    static final int ADCRANGE = 0x0010;
    /**
     * Continuous bus, shunt and temperature (MODE 0xF); bus 540 µs, shunt 1052 µs, temperature
     * 540 µs; 4 averages: a fresh, averaged result about every 8.5 ms.
     */
    static final int ADC_CONTINUOUS = 0xF << 12 | 4 << 9 | 5 << 6 | 4 << 3 | 1;
    static final int TI = 0x5449;
    static final int INA228 = 0x228;
    static final int MATHOF = 1 << 9;
    static final int MEMSTAT = 1 << 0;
    static final int SHNTOL = 1 << 6;
    static final int SHNTUL = 1 << 5;

    /** VBUS: 195.3125 µV per code. */
    static final double VBUS_mV_PER_CODE = 0.1953125;
    /** DIETEMP: 7.8125 m°C per code. */
    static final double DIETEMP_C_PER_CODE = 0.0078125;
    /** SOVL/SUVL: 5 µV per code, or 1.25 µV with ADCRANGE = 1. */
    static final double LIMIT_uV_PER_CODE = 5.0;
    static final long CHECK_INTERVAL_ns = 1_000_000_000L;

    private static final Logger log = LoggerFactory.getLogger(Ina228.class);

    private final I2cDevice i2c;
    private final Clock clock;
    private final DigitalInput alert;
    private final int dieSensor;
    private final boolean narrowRange;
    private final int sign;
    private final double currentLsb_mA;
    private final int shuntCal;
    private final int overLimit;
    private final byte[] buffer = new byte[3];

    private boolean configured;
    private long lastCheck_ns = Long.MIN_VALUE;
    private long lastAttempt_ns = Long.MIN_VALUE;
    private boolean failing;
    private boolean alerting;
    private int busVoltage_mV;

    /**
     * @param dieSensor index of the temperature sensor that reads the die, or -1
     * @param alert     the ALERT line (active low), if wired
     */
    public Ina228(I2cDevice i2c, Clock clock, HardwareSettings.Ina228 settings, int dieSensor,
            Optional<DigitalInput> alert) {
        this.i2c = i2c;
        this.clock = clock;
        this.alert = alert.orElse(null);
        this.dieSensor = dieSensor;
        this.narrowRange = settings.narrowRange();
        this.sign = settings.invertCurrent() ? -1 : 1;
        this.currentLsb_mA = settings.currentLsb_A() * 1000;
        this.shuntCal = settings.shuntCal();
        double limit_uV = settings.maxCurrent_A() * settings.shunt_uOhm();
        this.overLimit = (int) Math.min(0x7FFF, Math.round(limit_uV / (LIMIT_uV_PER_CODE / (narrowRange ? 4 : 1))));
    }

    @Override
    public boolean readCurrent(Measurement into) {
        long now = clock.nanoTime();
        try {
            if (!configured) {
                if (lastAttempt_ns != Long.MIN_VALUE && now - lastAttempt_ns < CHECK_INTERVAL_ns) {
                    return false;
                }
                lastAttempt_ns = now;
                configure();
            } else if (now - lastCheck_ns >= CHECK_INTERVAL_ns) {
                lastCheck_ns = now;
                checkConfiguration();
            }
            int diagnostics = read16(DIAG_ALRT);
            int current = read20(CURRENT);
            if ((diagnostics & MATHOF) != 0) {
                throw new BusException(i2c.name() + ": INA228 reports an arithmetic overflow (current beyond its range)");
            }
            into.setCurrent_mA((int) Math.round(sign * current * currentLsb_mA));
            busVoltage_mV = (int) Math.round(read20(VBUS) * VBUS_mV_PER_CODE);
            into.setShuntBusVoltage_mV(busVoltage_mV);
            if (dieSensor >= 0) {
                into.setTemperature_dC(dieSensor, (int) Math.round((short) read16(DIETEMP) * DIETEMP_C_PER_CODE * 10));
            }
            checkAlert(diagnostics);
            into.setCurrentAlert(alerting);
            if (failing) {
                failing = false;
                log.warn("INA228 on {}: current readings valid again", i2c.name());
            }
            return true;
        } catch (BusException e) {
            configured = false;
            if (!failing) {
                failing = true;
                log.error("INA228 on {}: {}", i2c.name(), e.getMessage());
            }
            return false;
        }
    }

    private void configure() throws BusException {
        write16(CONFIG, RESET);
        int manufacturer = read16(MANUFACTURER_ID);
        int device = read16(DEVICE_ID);
        if (manufacturer != TI || device >> 4 != INA228) {
            throw new BusException(String.format("%s: not an INA228 (manufacturer 0x%04X, device 0x%04X)",
                    i2c.name(), manufacturer, device));
        }
        write16(CONFIG, narrowRange ? ADCRANGE : 0);
        write16(ADC_CONFIG, ADC_CONTINUOUS);
        write16(SHUNT_CAL, shuntCal);
        write16(SOVL, overLimit);
        write16(SUVL, -overLimit & 0xFFFF);
        checkConfiguration();
        configured = true;
        lastCheck_ns = clock.nanoTime();
        log.info("INA228 on {}: configured (SHUNT_CAL {}, {} mA per code, ±{} mV range)", i2c.name(), shuntCal,
                currentLsb_mA, narrowRange ? 40.96 : 163.84);
    }

    private void checkConfiguration() throws BusException {
        int config = read16(CONFIG);
        int calibration = read16(SHUNT_CAL);
        if ((config & ADCRANGE) != (narrowRange ? ADCRANGE : 0) || calibration != shuntCal) {
            throw new BusException(String.format("%s: INA228 lost its configuration (CONFIG 0x%04X, SHUNT_CAL %d);"
                    + " it may have reset", i2c.name(), config, calibration));
        }
        if ((read16(DIAG_ALRT) & MEMSTAT) == 0) {
            throw new BusException(i2c.name() + ": INA228 reports a trim memory checksum error");
        }
    }

    /** The ALERT line fires when the shunt voltage passes the limits set to the configured maximum current. */
    private void checkAlert(int diagnostics) throws BusException {
        if (alert == null) {
            return;
        }
        boolean active = !alert.isHigh();
        if (active != alerting) {
            alerting = active;
            if (active) {
                log.warn("INA228 on {}: ALERT: current beyond the configured maximum ({})", i2c.name(),
                        (diagnostics & SHNTOL) != 0 ? "charging" : (diagnostics & SHNTUL) != 0 ? "discharging"
                                : "no limit flag set");
            } else {
                log.info("INA228 on {}: ALERT cleared", i2c.name());
            }
        }
    }

    /** True while the ALERT line is active. */
    public boolean alerting() {
        return alerting;
    }

    private int read16(int register) throws BusException {
        i2c.readRegister(register, buffer, 2);
        return (buffer[0] & 0xFF) << 8 | (buffer[1] & 0xFF);
    }

    /** A 24-bit register holding a 20-bit two's-complement value in bits 23:4. */
    private int read20(int register) throws BusException {
        i2c.readRegister(register, buffer, 3);
        int raw = (buffer[0] & 0xFF) << 16 | (buffer[1] & 0xFF) << 8 | (buffer[2] & 0xFF);
        return (raw << 8) >> 12;
    }

    private void write16(int register, int value) throws BusException {
        buffer[0] = (byte) (value >> 8);
        buffer[1] = (byte) value;
        i2c.writeRegister(register, buffer, 2);
    }
}
