package org.pibms.afe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pibms.core.settings.ThermistorSettings;
import org.pibms.sim.Ltc6813EmulatorAccess;

class ThermistorTest {

    private final Thermistor beta3435 = new Thermistor(new ThermistorSettings.Beta(10_000, 3435, 10_000));

    /**
     * A 10 kΩ B3435 NTC under a 10 kΩ pull-up from 3.000 V. Resistances from the B equation,
     * worked by hand: R(0 °C) = 10 kΩ · e^(3435 · (1/273.15 − 1/298.15)) = 28.704 kΩ,
     * R(50 °C) = 4.1011 kΩ; the divider voltages follow.
     */
    @ParameterizedTest(name = "{1} mV -> {0} °C")
    @CsvSource({"0.0, 2224.89", "25.0, 1500.00", "50.0, 872.51"})
    void theDividerVoltageGivesTheTemperature(double celsius, double millivolts) {
        assertThat(beta3435.temperature_dC(millivolts, 3000) / 10.0).isCloseTo(celsius, within(0.1));
        assertThat(beta3435.lastReading()).isEqualTo(Thermistor.Reading.VALID);
    }

    @Test
    void theReadingIsRatiometric() {
        assertThat(beta3435.temperature_dC(1510, 3020)).isEqualTo(250);
    }

    @Test
    void openShortedAndImplausibleReadingsAreNoTemperature() {
        assertThat(beta3435.temperature_dC(2999, 3000)).isEqualTo(Integer.MIN_VALUE);
        assertThat(beta3435.lastReading()).isEqualTo(Thermistor.Reading.OPEN);
        assertThat(beta3435.temperature_dC(5, 3000)).isEqualTo(Integer.MIN_VALUE);
        assertThat(beta3435.lastReading()).isEqualTo(Thermistor.Reading.SHORTED);
        assertThat(beta3435.temperature_dC(40, 3000)).isEqualTo(Integer.MIN_VALUE); // about 180 °C
        assertThat(beta3435.lastReading()).isEqualTo(Thermistor.Reading.OUT_OF_RANGE);
    }

    /** A commonly quoted coefficient set for a 10 kΩ NTC: at 10 kΩ it gives 24.68 °C. */
    @Test
    void steinhartHartCoefficientsAreApplied() {
        ThermistorSettings.SteinhartHart sh = new ThermistorSettings.SteinhartHart(1.009249522e-3, 2.378405444e-4,
                2.019202697e-7, 10_000);
        Thermistor thermistor = new Thermistor(sh);

        assertThat(thermistor.celsius(10_000)).isCloseTo(24.68, within(0.01));
        for (double celsius = -30; celsius <= 100; celsius += 13) {
            double resistance = Ltc6813EmulatorAccess.ntcResistance_Ohm(sh, celsius);
            assertThat(thermistor.celsius(resistance)).as("round trip at %s °C", celsius).isCloseTo(celsius, within(1e-6));
        }
    }
}
