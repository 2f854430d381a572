package org.pibms.core;

/**
 * The unit a protection level is measured in. Levels are whole numbers in the base unit inside
 * pibms; the config file and the status show them in the display unit ({@link #suffix()} is the
 * ending of the config key, e.g. {@code trip_A}).
 */
public enum Unit {
    MILLIVOLT("mV", 1),
    /** Held as mA, written in the config as amperes. */
    MILLIAMPERE("A", 1000),
    /** Held as 0.1 °C, written as °C. */
    DECICELSIUS("C", 10),
    /** Held as 0.1 %, written as %. */
    PERMILLE("pct", 10),
    /** Consecutive control ticks. */
    TICKS("ticks", 1),
    /** Errors counted over a fixed window. */
    ERRORS("errors", 1),
    /** A yes/no condition: no levels, only a delay. */
    FLAG("", 1);

    private final String suffix;
    private final int perDisplayUnit;

    Unit(String suffix, int perDisplayUnit) {
        this.suffix = suffix;
        this.perDisplayUnit = perDisplayUnit;
    }

    /** The end of the config keys ({@code trip_mV}) and the unit shown next to values. */
    public String suffix() {
        return suffix;
    }

    /** Base units per display unit: 1000 mA per A. */
    public int perDisplayUnit() {
        return perDisplayUnit;
    }

    /** True when config values may have decimals ({@code trip_A: 12.5}). */
    public boolean decimal() {
        return perDisplayUnit > 1;
    }

    public double toDisplay(int base) {
        return (double) base / perDisplayUnit;
    }

    public int fromDisplay(double display) {
        return (int) Math.round(display * perDisplayUnit);
    }

    /** A value for log lines and answers: {@code 3650 mV}, {@code 45.0 °C}, {@code 120.5 A}. */
    public String format(int base) {
        return switch (this) {
            case MILLIVOLT -> base + " mV";
            case MILLIAMPERE -> trim(base / 1000.0) + " A";
            case DECICELSIUS -> String.format(java.util.Locale.ROOT, "%.1f °C", base / 10.0);
            case PERMILLE -> trim(base / 10.0) + " %";
            case TICKS -> base + (base == 1 ? " tick" : " ticks");
            case ERRORS -> base + (base == 1 ? " error" : " errors");
            case FLAG -> base != 0 ? "yes" : "no";
        };
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value)
                : String.format(java.util.Locale.ROOT, "%.3f", value).replaceAll("0+$", "");
    }
}
