package org.pibms.control;

import org.pibms.core.Measurement;
import org.pibms.core.OcvCurve;

/**
 * State of charge by Ah counting.
 *
 * <p>The charge is kept in whole nanoampere-seconds with the remainder carried,
 * so even the BMS's own few-mA drain over a 10 ms tick is counted and nothing drifts from
 * rounding. Each step uses the measured time between two valid current samples. The start
 * value comes from the open-circuit voltage of the average cell at the first valid reading.
 */
final class SocEstimator {

    private static final long NANO_AMPERE_SECONDS_PER_MAH = 3_600_000_000L;
    private static final int DEFAULT_TEMPERATURE_dC = 250;

    private final OcvCurve ocv;
    private final long capacity_nAs;

    private boolean initialised;
    private long charge_nAs;
    /** What the last step could not count, in units of 0.5 pAs (mA × ns, before halving). */
    private long carry;
    private boolean previousCurrentValid;
    private long previousCurrentTime_ns;
    private int previousCurrent_mA;

    SocEstimator(OcvCurve ocv, int capacity_mAh) {
        this.ocv = ocv;
        this.capacity_nAs = capacity_mAh * NANO_AMPERE_SECONDS_PER_MAH;
    }

    void update(Measurement m) {
        if (!initialised) {
            if (!m.cellVoltagesValid()) {
                return;
            }
            double averageCell_mV = (double) m.cellVoltageSum_mV() / m.cellCount();
            double soc = ocv.soc_pct(averageCell_mV, averageTemperature_dC(m));
            charge_nAs = Math.round(soc / 100.0 * capacity_nAs);
            initialised = true;
        }
        if (!m.currentValid()) {
            previousCurrentValid = false;
            return;
        }
        if (previousCurrentValid) {
            // trapezoid over the interval between the two samples
            long dt_ns = m.time_ns() - previousCurrentTime_ns;
            long twice_pAs = ((long) previousCurrent_mA + m.current_mA()) * dt_ns + carry;
            long step_nAs = twice_pAs / 2000;
            carry = twice_pAs - step_nAs * 2000;
            charge_nAs = Math.max(0, Math.min(capacity_nAs, charge_nAs + step_nAs));
        }
        previousCurrentValid = true;
        previousCurrentTime_ns = m.time_ns();
        previousCurrent_mA = m.current_mA();
    }

    boolean initialised() {
        return initialised;
    }

    double soc_pct() {
        return 100.0 * charge_nAs / capacity_nAs;
    }

    long charge_nAs() {
        return charge_nAs;
    }

    private static int averageTemperature_dC(Measurement m) {
        int sum = 0;
        int count = 0;
        for (int i = 0; i < m.temperatureSensorCount(); i++) {
            if (m.temperatureValid(i)) {
                sum += m.temperature_dC(i);
                count++;
            }
        }
        return count == 0 ? DEFAULT_TEMPERATURE_dC : sum / count;
    }
}
