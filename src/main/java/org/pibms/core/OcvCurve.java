package org.pibms.core;

import java.util.Arrays;

/**
 * Open-circuit voltage of one cell as a function of state of charge and temperature.
 *
 * <p>The table has one voltage column per temperature. Between columns and between SOC points
 * the curve is interpolated linearly; outside the table it is held at the end values, so the
 * inverse never returns an SOC outside 0–100 %. Voltages must rise strictly with SOC in every
 * column, which keeps the inverse unique.
 */
public final class OcvCurve {

    private final double[] soc_pct;
    private final int[] temperature_dC;
    private final int[][] voltage_mV;

    private OcvCurve(double[] soc_pct, int[] temperature_dC, int[][] voltage_mV) {
        this.soc_pct = soc_pct;
        this.temperature_dC = temperature_dC;
        this.voltage_mV = voltage_mV;
    }

    /**
     * @param soc_pct        SOC breakpoints, strictly ascending, from 0 to 100
     * @param temperature_dC temperatures of the columns, strictly ascending, at least one
     * @param voltage_mV     one row per temperature, one voltage per SOC breakpoint, strictly ascending
     * @throws IllegalArgumentException naming the first inconsistency
     */
    public static OcvCurve of(double[] soc_pct, int[] temperature_dC, int[][] voltage_mV) {
        if (soc_pct.length < 2) {
            throw new IllegalArgumentException("an OCV table needs at least two SOC points");
        }
        if (soc_pct[0] != 0 || soc_pct[soc_pct.length - 1] != 100) {
            throw new IllegalArgumentException("the SOC points must run from 0 to 100 %");
        }
        for (int i = 1; i < soc_pct.length; i++) {
            if (!(soc_pct[i] > soc_pct[i - 1])) {
                throw new IllegalArgumentException("the SOC points must rise strictly (at " + soc_pct[i] + " %)");
            }
        }
        if (temperature_dC.length == 0 || temperature_dC.length != voltage_mV.length) {
            throw new IllegalArgumentException("one voltage column is needed per temperature");
        }
        for (int t = 0; t < temperature_dC.length; t++) {
            if (t > 0 && temperature_dC[t] <= temperature_dC[t - 1]) {
                throw new IllegalArgumentException("the temperatures must rise strictly");
            }
            int[] column = voltage_mV[t];
            if (column.length != soc_pct.length) {
                throw new IllegalArgumentException("the column for " + temperature_dC[t] / 10.0
                        + " °C has " + column.length + " voltages for " + soc_pct.length + " SOC points");
            }
            for (int i = 1; i < column.length; i++) {
                if (column[i] <= column[i - 1]) {
                    throw new IllegalArgumentException("the voltages for " + temperature_dC[t] / 10.0
                            + " °C must rise strictly with SOC (at " + soc_pct[i] + " %)");
                }
            }
        }
        int[][] copy = new int[voltage_mV.length][];
        for (int t = 0; t < voltage_mV.length; t++) {
            copy[t] = voltage_mV[t].clone();
        }
        return new OcvCurve(soc_pct.clone(), temperature_dC.clone(), copy);
    }

    /**
     * The generic 25 °C curve for a chemistry: the 21-point tables of LibreSolar bms-firmware
     * ({@code app/src/bms_common.c}). They show the shape of a curve, they are not calibration
     * data for a particular cell.
     */
    public static OcvCurve defaultFor(Chemistry chemistry) {
        double[] soc = new double[21];
        for (int i = 0; i < soc.length; i++) {
            soc[i] = 5.0 * i;
        }
        int[] at25C = switch (chemistry) {
            case LFP -> new int[] {2833, 3132, 3177, 3190, 3213, 3226, 3240, 3252, 3262, 3264, 3265,
                3268, 3271, 3275, 3283, 3296, 3304, 3308, 3309, 3314, 3392};
            case NMC -> new int[] {2800, 3588, 3684, 3702, 3726, 3745, 3764, 3787, 3803, 3819, 3838,
                3858, 3883, 3924, 3962, 3993, 4026, 4056, 4089, 4135, 4198};
        };
        return of(soc, new int[] {250}, new int[][] {at25C});
    }

    /** Open-circuit voltage at an SOC (clamped to 0–100 %) and a temperature. */
    public double voltage_mV(double soc_pct, int temperature_dC) {
        int column = lowerColumn(temperature_dC);
        double weight = columnWeight(column, temperature_dC);
        double low = interpolate(voltage_mV[column], soc_pct);
        if (weight == 0) {
            return low;
        }
        return low + weight * (interpolate(voltage_mV[column + 1], soc_pct) - low);
    }

    /** SOC (0–100 %) whose open-circuit voltage at this temperature is the given voltage. */
    public double soc_pct(double voltage_mV, int temperature_dC) {
        int column = lowerColumn(temperature_dC);
        double weight = columnWeight(column, temperature_dC);
        int last = soc_pct.length - 1;
        if (voltage_mV <= columnVoltage(0, column, weight)) {
            return 0;
        }
        if (voltage_mV >= columnVoltage(last, column, weight)) {
            return 100;
        }
        for (int i = 1; i <= last; i++) {
            double upper = columnVoltage(i, column, weight);
            if (voltage_mV <= upper) {
                double lower = columnVoltage(i - 1, column, weight);
                double fraction = (voltage_mV - lower) / (upper - lower);
                return soc_pct[i - 1] + fraction * (soc_pct[i] - soc_pct[i - 1]);
            }
        }
        return 100;
    }

    private double columnVoltage(int socIndex, int column, double weight) {
        double low = voltage_mV[column][socIndex];
        if (weight == 0) {
            return low;
        }
        return low + weight * (voltage_mV[column + 1][socIndex] - low);
    }

    private double interpolate(int[] column, double soc) {
        if (soc <= 0) {
            return column[0];
        }
        if (soc >= 100) {
            return column[column.length - 1];
        }
        int i = segment(soc);
        double fraction = (soc - soc_pct[i]) / (soc_pct[i + 1] - soc_pct[i]);
        return column[i] + fraction * (column[i + 1] - column[i]);
    }

    /** Index i such that soc_pct[i] <= soc <= soc_pct[i + 1]. */
    private int segment(double soc) {
        int i = Arrays.binarySearch(soc_pct, soc);
        if (i >= 0) {
            return Math.min(i, soc_pct.length - 2);
        }
        return Math.min(-i - 2, soc_pct.length - 2);
    }

    private int lowerColumn(int temperature) {
        int column = 0;
        while (column + 1 < temperature_dC.length && temperature_dC[column + 1] <= temperature) {
            column++;
        }
        return column;
    }

    private double columnWeight(int column, int temperature) {
        if (column + 1 >= temperature_dC.length || temperature <= temperature_dC[column]) {
            return 0;
        }
        return (double) (temperature - temperature_dC[column])
                / (temperature_dC[column + 1] - temperature_dC[column]);
    }
}
