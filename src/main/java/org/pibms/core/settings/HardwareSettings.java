package org.pibms.core.settings;

import java.util.List;
import java.util.Optional;

/**
 * The measurement and switching hardware: which buses, which chips on them, and how they are
 * wired. The same settings drive the real Pi and the simulator's emulated chips.
 */
public record HardwareSettings(Spi spi, int i2cBus, Ltc6813 ltc6813, Ina228 ina228, Ads1115 ads1115, Gpio gpio) {

    /** The SPI device of the LTC6820 isoSPI bridge: {@code /dev/spidev<bus>.<chipSelect>}. */
    public record Spi(int bus, int chipSelect, int clock_Hz) {
        public String device() {
            return "/dev/spidev" + bus + "." + chipSelect;
        }
    }

    /**
     * The LTC6813-1 daisy chain.
     *
     * @param chips                in chain order: chip 1 is wired to the Pi and measures the
     *                             lowest cells
     * @param balanceResistor_Ohm  the bleed resistor in series with each balance switch
     * @param dischargeTimeout_min DCTO: how long the chip keeps bleeding without being told again
     *                             (only with its DTEN pin enabled); one of {@link #DISCHARGE_TIMEOUTS_min}
     */
    public record Ltc6813(List<Chip> chips, ConversionRate rate, ThermistorSettings thermistor,
            double balanceResistor_Ohm, double dischargeTimeout_min) {

        /** The discharge timeout values the chip offers, in minutes, indexed by DCTO code; 0 = off. */
        public static final List<Double> DISCHARGE_TIMEOUTS_min = List.of(0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 10.0,
                15.0, 20.0, 30.0, 40.0, 60.0, 75.0, 90.0, 120.0);

        public Ltc6813 {
            chips = List.copyOf(chips);
        }

        public int cellCount() {
            return chips.stream().mapToInt(chip -> chip.channels().size()).sum();
        }
    }

    /** One LTC6813: the cell inputs (1–18) that carry cells, in ascending order; the others are shorted. */
    public record Chip(List<Integer> channels) {
        public Chip {
            channels = List.copyOf(channels);
        }
    }

    /**
     * ADC conversion rate of the LTC6813 (its MD bits with ADCOPT), with the time a conversion
     * of every channel takes.
     */
    public enum ConversionRate {
        RATE_27KHZ("27kHz", 1113, 748),
        RATE_14KHZ("14kHz", 1288, 865),
        RATE_7KHZ("7kHz", 2335, 1560),
        RATE_3KHZ("3kHz", 3033, 2030),
        RATE_2KHZ("2kHz", 4430, 2960),
        RATE_26HZ("26Hz", 201_317, 134_200);

        private final String id;
        private final long cells_us;
        private final long status_us;

        ConversionRate(String id, long cells_us, long status_us) {
            this.id = id;
            this.cells_us = cells_us;
            this.status_us = status_us;
        }

        public String id() {
            return id;
        }

        /** All cells, including calibration (LTC6804 datasheet t6C; the LTC6813 uses the same sequence). */
        public long cellConversion_us() {
            return cells_us;
        }

        /**
         * All GPIOs and the reference: a wait budget of 1.8 × the cell conversion, as foxBMS waits
         * 2 / 4 / 336 ms for the LTC6813's fast / normal / filtered modes.
         */
        public long auxConversion_us() {
            return cells_us * 18 / 10;
        }

        /** The whole status group (LTC6804 datasheet, ADSTAT all). */
        public long statusConversion_us() {
            return status_us;
        }

        /** The worst tick: cells, then the auxiliary inputs and the status group. */
        public long conversionPerTick_us() {
            return cellConversion_us() + auxConversion_us() + statusConversion_us();
        }

        public static Optional<ConversionRate> fromId(String id) {
            for (ConversionRate rate : values()) {
                if (rate.id.equals(id)) {
                    return Optional.of(rate);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * The INA228 shunt monitor.
     *
     * @param address        7-bit I2C address (0x40–0x4F)
     * @param shunt_uOhm     shunt resistance
     * @param maxCurrent_A   largest current to measure; sets the current resolution
     * @param narrowRange    ADCRANGE = 1: ±40.96 mV full scale instead of ±163.84 mV
     * @param invertCurrent  the shunt is wired so that discharge reads positive
     * @param alertGpio      GPIO line of its ALERT output, if wired
     */
    public record Ina228(int address, double shunt_uOhm, double maxCurrent_A, boolean narrowRange,
            boolean invertCurrent, Optional<Integer> alertGpio) {

        /** CURRENT_LSB = maximum current / 2^19. */
        public double currentLsb_A() {
            return maxCurrent_A / (1 << 19);
        }

        /** SHUNT_CAL = 13107.2 × 10^6 × CURRENT_LSB × R_SHUNT, four times that with ADCRANGE = 1. */
        public int shuntCal() {
            double value = 13107.2e6 * currentLsb_A() * shunt_uOhm * 1e-6;
            return (int) Math.round(narrowRange ? value * 4 : value);
        }
    }

    /**
     * The ADS1115 that measures pack (B+) and load (P+) voltage through dividers.
     *
     * @param fullScale_mV the PGA range: 6144, 4096, 2048, 1024, 512 or 256
     */
    public record Ads1115(int address, int fullScale_mV, AnalogInput pack, Optional<AnalogInput> load) {
    }

    /**
     * One ADS1115 input.
     *
     * @param input        AIN0–AIN3 (0–3), measured against ground
     * @param dividerRatio battery volts per volt at the pin
     */
    public record AnalogInput(int input, double dividerRatio) {
    }

    /**
     * The GPIO lines of the switching board (BCM numbers on the Pi's gpiochip).
     *
     * @param chargeMos    the charge MOS gate driver, high = conducting
     * @param dischargeMos the discharge MOS gate driver, high = conducting
     * @param acc          the ACC wake input, if wired
     * @param shortCircuit the hardware short-circuit latch, if wired: active while the
     *                     comparator has cut the pack off
     */
    public record Gpio(int chargeMos, int dischargeMos, Optional<Input> acc, Optional<Input> shortCircuit) {
    }

    /** A GPIO input and the level at which it is active. */
    public record Input(int line, boolean activeHigh) {
    }
}
