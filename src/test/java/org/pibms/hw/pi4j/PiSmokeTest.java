package org.pibms.hw.pi4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.pibms.config.ConfigLoader;
import org.pibms.control.PackController;
import org.pibms.core.Measurement;
import org.pibms.core.SystemClock;
import org.pibms.core.settings.Settings;
import org.pibms.daemon.PackDrivers;

/**
 * On a Raspberry Pi wired as in docs/hardware.md, with the daemon stopped:
 *
 * <pre>
 * ./mvnw test -Dtest=PiSmokeTest -Dpibms.hw=pi [-Dpibms.config=/etc/pibms/pibms.yaml]
 * </pre>
 *
 * It reads every chip once through the real drivers and checks that the readings are
 * plausible. It never closes a MOSFET: both MOS lines and every configured output are driven off.
 */
@EnabledIfSystemProperty(named = "pibms.hw", matches = "pi")
class PiSmokeTest {

    @Test
    void everyChipAnswersWithPlausibleReadings() throws Exception {
        Settings settings = ConfigLoader.load(Path.of(System.getProperty("pibms.config", "/etc/pibms/pibms.yaml")));
        SystemClock clock = new SystemClock();
        try (Pi4jBoard board = Pi4jBoard.open()) {
            PackController.Ports ports = PackDrivers.open(settings, board, clock, null);
            assertThat(ports.switches().apply(false, false, 0)).as("both MOSFETs and every output driven off").isTrue();
            Measurement m = new Measurement(settings.pack().cellCount(), settings.temperatureSensors().size());
            for (int read = 0; read < 3; read++) { // the voltage ADC needs a tick to deliver
                m.invalidate(clock.nanoTime());
                assertThat(ports.afe().readCellVoltages(m)).as("LTC6813 chain answers").isTrue();
                assertThat(ports.afe().readTemperatures(m)).as("LTC6813 GPIOs answer").isTrue();
                assertThat(ports.currentSensor().readCurrent(m)).as("INA228 answers").isTrue();
                assertThat(ports.voltageSensor().readVoltages(m)).as("ADS1115 answers").isTrue();
                clock.sleepUntil(clock.nanoTime() + 100_000_000L);
            }
            for (int cell = 0; cell < m.cellCount(); cell++) {
                assertThat(m.cellVoltage_mV(cell)).as("cell %d", cell + 1).isBetween(1500, 4500);
            }
            for (int sensor = 0; sensor < m.temperatureSensorCount(); sensor++) {
                assertThat(m.temperatureValid(sensor)).as(settings.temperatureSensors().get(sensor).name()).isTrue();
                assertThat(m.temperature_dC(sensor)).isBetween(-300, 800);
            }
            assertThat(Math.abs(m.packVoltage_mV() - m.cellVoltageSum_mV()))
                    .as("pack voltage against the sum of cells").isLessThan(m.cellVoltageSum_mV() / 20);
            System.out.printf("cells %d..%d mV, pack %d mV, current %d mA, %d PEC errors%n",
                    m.cellVoltage_mV(m.minCell()), m.cellVoltage_mV(m.maxCell()), m.packVoltage_mV(), m.current_mA(),
                    ((org.pibms.afe.ltc681x.Ltc6813Chain) ports.afe()).pecErrors());
        }
    }
}
