package org.pibms.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pibms.core.Chemistry;
import org.pibms.core.settings.ControlSettings;
import org.pibms.core.settings.HardwareSettings;
import org.pibms.core.settings.HardwareSettings.AnalogInput;
import org.pibms.core.settings.HardwareSettings.Chip;
import org.pibms.core.settings.HardwareSettings.ConversionRate;
import org.pibms.core.settings.PackSettings;
import org.pibms.core.settings.ThermistorSettings;

/**
 * Reads the {@code hardware} section: the buses, the chips on them and how they are wired. Its
 * checks are the ones that keep a real board from measuring nonsense: the cells add up, a chip
 * has enough cells to power itself, the conversions fit in the tick, the shunt voltage fits the
 * current sensor's range, a full pack fits the voltage divider, no line is used twice.
 */
final class HardwareBinder {

    private static final Pattern SPI_DEVICE = Pattern.compile("/dev/spidev(\\d)\\.(\\d)");
    /** An LTC6813 draws its supply from its cells; below about 11 V it does not run. */
    static final int MIN_CELLS_PER_CHIP = 5;
    static final int MAX_CHIPS = 2;
    static final int CHANNELS = 18;
    /** Conversions may take this share of the tick at most. */
    static final double CONVERSION_SHARE = 0.8;
    static final double NARROW_RANGE_mV = 40.96;
    static final double WIDE_RANGE_mV = 163.84;
    static final int MAX_GPIO_LINE = 27;

    private HardwareBinder() {
    }

    static HardwareSettings hardware(Section s, PackSettings pack, ControlSettings control) {
        HardwareSettings.Spi spi = spi(s.section("spi"));
        Section i2c = s.section("i2c");
        int i2cBus = i2c.optionalInt("bus", 1, 0, 10);
        i2c.finish();
        HardwareSettings.Ltc6813 ltc = ltc6813(s.section("ltc6813"), pack, control);
        Section inaSection = s.section("ina228");
        HardwareSettings.Ina228 ina = ina228(inaSection);
        HardwareSettings.Ads1115 ads = ads1115(s.section("ads1115"), pack);
        Section gpioSection = s.section("gpio");
        int chargeMos = gpioSection.optionalInt("charge_mos", 17, 0, MAX_GPIO_LINE);
        int dischargeMos = gpioSection.optionalInt("discharge_mos", 27, 0, MAX_GPIO_LINE);
        Optional<HardwareSettings.Input> acc = input(gpioSection, "acc");
        Optional<HardwareSettings.Input> shortCircuit = input(gpioSection, "short_circuit");
        HardwareSettings.Gpio gpio = new HardwareSettings.Gpio(chargeMos, dischargeMos, acc, shortCircuit);
        gpioSection.finish();
        s.finish();

        Map<Integer, String> lines = new HashMap<>();
        claim(lines, gpioSection, "charge_mos", chargeMos, "the charge MOS");
        claim(lines, gpioSection, "discharge_mos", dischargeMos, "the discharge MOS");
        acc.ifPresent(in -> claim(lines, gpioSection, "acc", in.line(), "the ACC input"));
        shortCircuit.ifPresent(in -> claim(lines, gpioSection, "short_circuit", in.line(), "the short-circuit latch"));
        ina.alertGpio().ifPresent(line -> claim(lines, inaSection, "alert_gpio", line, "the INA228 ALERT"));
        return new HardwareSettings(spi, i2cBus, ltc, ina, ads, gpio);
    }

    /** An optional input line, {@code NAME: line} with {@code NAME_active: high|low}. */
    private static Optional<HardwareSettings.Input> input(Section s, String name) {
        if (!s.has(name)) {
            if (s.has(name + "_active")) {
                s.problem(name + "_active", "set " + name + " (the line) too, or remove this");
            }
            return Optional.empty();
        }
        int line = s.requiredInt(name, 0, MAX_GPIO_LINE);
        return Optional.of(new HardwareSettings.Input(line, ConfigLoader.activeLevel(s, name + "_active")));
    }

    private static void claim(Map<Integer, String> lines, Section s, String key, int line, String what) {
        String earlier = lines.putIfAbsent(line, what);
        if (earlier != null) {
            s.problem(key, "line " + line + " is already used by " + earlier);
        }
    }

    /** Every GPIO line the hardware section uses. */
    static Set<Integer> linesInUse(HardwareSettings hardware) {
        Set<Integer> lines = new HashSet<>();
        HardwareSettings.Gpio gpio = hardware.gpio();
        lines.add(gpio.chargeMos());
        lines.add(gpio.dischargeMos());
        gpio.acc().ifPresent(in -> lines.add(in.line()));
        gpio.shortCircuit().ifPresent(in -> lines.add(in.line()));
        hardware.ina228().alertGpio().ifPresent(lines::add);
        return lines;
    }

    private static HardwareSettings.Spi spi(Section s) {
        String device = s.optionalText("device", "/dev/spidev0.0");
        int clock = s.optionalInt("clock_Hz", 1_000_000, 10_000, 1_000_000);
        s.finish();
        Matcher m = SPI_DEVICE.matcher(device);
        if (!m.matches()) {
            s.problem("device", "expected an SPI device such as /dev/spidev0.0, got '" + device + "'");
            return new HardwareSettings.Spi(0, 0, clock);
        }
        return new HardwareSettings.Spi(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), clock);
    }

    private static HardwareSettings.Ltc6813 ltc6813(Section s, PackSettings pack, ControlSettings control) {
        ConversionRate rate = ConversionRate.fromId(s.optionalText("conversion", "7kHz")).orElse(null);
        if (rate == null) {
            s.problem("conversion", "expected one of 27kHz, 14kHz, 7kHz, 3kHz, 2kHz, 26Hz, got '"
                    + s.optionalText("conversion", "") + "'");
            rate = ConversionRate.RATE_7KHZ;
        }
        List<Chip> chips = chips(s, pack.cellCount());
        ThermistorSettings thermistor = thermistor(s.section("thermistor"));
        double balanceResistor = s.optionalDecimal("balance_resistor_Ohm", 33, 1, 1000);
        double timeout = s.optionalDecimal("discharge_timeout_min", 0.5, 0, 120);
        s.finish();

        if (!HardwareSettings.Ltc6813.DISCHARGE_TIMEOUTS_min.contains(timeout)) {
            s.problem("discharge_timeout_min", "the LTC6813 offers only "
                    + HardwareSettings.Ltc6813.DISCHARGE_TIMEOUTS_min.stream().map(HardwareBinder::plain).toList()
                    + " minutes (0 = off)");
        }
        long conversion_us = rate.conversionPerTick_us();
        if (conversion_us > control.period_ms() * 1000 * CONVERSION_SHARE) {
            s.problem("conversion", String.format(Locale.ROOT, "at %s a tick that also reads temperatures spends"
                    + " %.1f ms converting, too much for control.period_ms %d; choose a faster conversion or a"
                    + " period of at least %d ms", rate.id(), conversion_us / 1000.0, control.period_ms(),
                    (long) Math.ceil(conversion_us / 1000.0 / CONVERSION_SHARE)));
        }
        return new HardwareSettings.Ltc6813(chips, rate, thermistor, balanceResistor, timeout);
    }

    /**
     * {@code chips:} a list of {@code - channels: [1, 2, …]} or {@code - cells: N} (channels 1..N).
     * Without it: one chip up to 18 cells, else two sharing the cells evenly, the lower half on
     * chip 1.
     */
    private static List<Chip> chips(Section s, int cells) {
        if (!s.has("chips")) {
            if (cells <= CHANNELS) {
                return List.of(new Chip(firstChannels(cells)));
            }
            int lower = (cells + 1) / 2;
            return List.of(new Chip(firstChannels(lower)), new Chip(firstChannels(cells - lower)));
        }
        List<Section> items = s.sectionList("chips");
        List<Chip> chips = new ArrayList<>();
        for (Section item : items) {
            List<Integer> channels;
            if (item.has("channels") == item.has("cells")) {
                item.problem("channels", "give either 'channels: [1, 2, …]' or 'cells: N', not "
                        + (item.has("cells") ? "both" : "neither"));
                channels = List.of();
            } else if (item.has("cells")) {
                channels = firstChannels(item.requiredInt("cells", 1, CHANNELS));
            } else {
                channels = item.optionalIntList("channels", 1, CHANNELS);
                if (channels == null) {
                    channels = List.of();
                }
                for (int i = 1; i < channels.size(); i++) {
                    if (channels.get(i) <= channels.get(i - 1)) {
                        item.problem("channels", "the channels must rise, each used once");
                        break;
                    }
                }
            }
            item.finish();
            if (!channels.isEmpty() && channels.size() < MIN_CELLS_PER_CHIP) {
                item.problem(item.has("cells") ? "cells" : "channels", channels.size() + " cells cannot power an"
                        + " LTC6813 (it needs about 11 V); give each chip at least " + MIN_CELLS_PER_CHIP);
            }
            chips.add(new Chip(channels));
        }
        if (chips.isEmpty() || chips.size() > MAX_CHIPS) {
            s.problem("chips", "expected 1 or " + MAX_CHIPS + " chips, got " + chips.size());
        }
        int total = chips.stream().mapToInt(chip -> chip.channels().size()).sum();
        if (!chips.isEmpty() && total != cells) {
            s.problem("chips", "the chips measure " + total + " cells, but pack.cells is " + cells);
        }
        return chips;
    }

    private static List<Integer> firstChannels(int count) {
        List<Integer> channels = new ArrayList<>();
        for (int channel = 1; channel <= count; channel++) {
            channels.add(channel);
        }
        return channels;
    }

    /** {@code beta_K} with {@code r25_Ohm}, or {@code steinhart_hart: [A, B, C]}; and {@code pullup_Ohm}. */
    private static ThermistorSettings thermistor(Section s) {
        double pullup = s.optionalDecimal("pullup_Ohm", 10_000, 100, 1_000_000);
        boolean beta = s.has("beta_K") || s.has("r25_Ohm");
        List<Double> coefficients = s.optionalDecimalList("steinhart_hart");
        double betaK = s.optionalDecimal("beta_K", 3435, 1000, 10_000);
        double r25 = s.optionalDecimal("r25_Ohm", 10_000, 100, 1_000_000);
        s.finish();
        if (coefficients == null) {
            return new ThermistorSettings.Beta(r25, betaK, pullup);
        }
        if (beta) {
            s.problem("steinhart_hart", "give either beta_K with r25_Ohm or steinhart_hart, not both");
        }
        if (coefficients.size() != 3 || !(coefficients.get(1) > 0) || !(coefficients.get(2) > 0)) {
            s.problem("steinhart_hart", "expected three coefficients [A, B, C] with B and C positive");
            return new ThermistorSettings.Beta(r25, betaK, pullup);
        }
        return new ThermistorSettings.SteinhartHart(coefficients.get(0), coefficients.get(1), coefficients.get(2),
                pullup);
    }

    private static HardwareSettings.Ina228 ina228(Section s) {
        int address = s.optionalAddress("address", 0x40, 0x40, 0x4F);
        double shunt = s.optionalDecimal("shunt_uOhm", 100, 1, 100_000);
        double maxCurrent = s.optionalDecimal("max_current_A", 300, 1, 5000);
        double fullScale_mV = maxCurrent * shunt / 1000;
        double defaultRange = fullScale_mV <= NARROW_RANGE_mV ? NARROW_RANGE_mV : WIDE_RANGE_mV;
        double range = s.optionalDecimal("range_mV", defaultRange, NARROW_RANGE_mV, WIDE_RANGE_mV);
        boolean invert = s.optionalBoolean("invert_current", false);
        Optional<Integer> alert = s.has("alert_gpio")
                ? Optional.of(s.requiredInt("alert_gpio", 0, MAX_GPIO_LINE))
                : Optional.empty();
        s.finish();
        if (range != NARROW_RANGE_mV && range != WIDE_RANGE_mV) {
            s.problem("range_mV", "the INA228 has two ranges: 40.96 or 163.84 mV");
        }
        if (fullScale_mV > range) {
            s.problem("max_current_A", String.format(Locale.ROOT, "%s A through %s µΩ is %.2f mV, beyond the"
                    + " ±%s mV range", plain(maxCurrent), plain(shunt), fullScale_mV, plain(range)));
        }
        HardwareSettings.Ina228 ina = new HardwareSettings.Ina228(address, shunt, maxCurrent,
                range == NARROW_RANGE_mV, invert, alert);
        int shuntCal = ina.shuntCal();
        if (shuntCal < 1 || shuntCal > 0x7FFF) {
            s.problem("max_current_A", "with this shunt and range the INA228 calibration would be " + shuntCal
                    + ", outside 1..32767; check shunt_uOhm and max_current_A");
        }
        return ina;
    }

    private static HardwareSettings.Ads1115 ads1115(Section s, PackSettings pack) {
        int address = s.optionalAddress("address", 0x48, 0x48, 0x4B);
        int fullScale = s.optionalInt("full_scale_mV", 4096, 256, 6144);
        Section packSection = s.section("pack");
        AnalogInput packInput = analogInput(packSection, 0, 31);
        Optional<AnalogInput> load = Optional.empty();
        Section loadSection = s.section("load");
        if (s.has("load")) {
            load = Optional.of(analogInput(loadSection, 1, 31));
        }
        s.finish();
        if (!List.of(6144, 4096, 2048, 1024, 512, 256).contains(fullScale)) {
            s.problem("full_scale_mV", "the ADS1115 ranges are 6144, 4096, 2048, 1024, 512 and 256 mV");
        }
        if (load.isPresent() && load.get().input() == packInput.input()) {
            loadSection.problem("input", "AIN" + packInput.input() + " already measures the pack");
        }
        double fullPack_mV = pack.cellCount() * (pack.chemistry() == Chemistry.LFP ? 3800.0 : 4300.0);
        for (AnalogInput input : load.isPresent() ? List.of(packInput, load.get()) : List.of(packInput)) {
            double pin_mV = fullPack_mV / input.dividerRatio();
            if (pin_mV > fullScale) {
                Section where = input == packInput ? packSection : loadSection;
                where.problem("divider_ratio", String.format(Locale.ROOT, "a full %dS pack (%.1f V) gives %.2f V"
                        + " at AIN%d, beyond the ±%.3f V range; use a larger ratio", pack.cellCount(),
                        fullPack_mV / 1000, pin_mV / 1000, input.input(), fullScale / 1000.0));
            }
        }
        return new HardwareSettings.Ads1115(address, fullScale, packInput, load);
    }

    private static AnalogInput analogInput(Section s, int defaultInput, double defaultRatio) {
        AnalogInput input = new AnalogInput(s.optionalInt("input", defaultInput, 0, 3),
                s.optionalDecimal("divider_ratio", defaultRatio, 1, 1000));
        s.finish();
        return input;
    }

    static String plain(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
