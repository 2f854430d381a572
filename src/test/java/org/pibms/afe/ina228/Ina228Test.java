package org.pibms.afe.ina228;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.ManualClock;
import org.pibms.TestConfigs;
import org.pibms.core.Measurement;
import org.pibms.core.SystemClock;
import org.pibms.core.settings.HardwareSettings;
import org.pibms.core.settings.Settings;
import org.pibms.hw.BusException;
import org.pibms.hw.I2cDevice;
import org.pibms.sim.SimulatedClock;
import org.pibms.sim.Simulator;

class Ina228Test {

    @TempDir
    Path dir;

    private SimulatedClock clock;
    private Simulator simulator;

    /** An INA228 driver on the emulated chip of a simulated pack with both MOSFETs on; ALERT on line 24 if asked. */
    private Ina228 emulated(String hardware, boolean alert) throws Exception {
        Settings settings = TestConfigs.load(dir, TestConfigs.simulatedYaml(16, dir, "max", "") + hardware);
        clock = new SimulatedClock(new SystemClock(), Double.POSITIVE_INFINITY);
        simulator = Simulator.create(settings, clock);
        simulator.chargePin().set(true);
        simulator.dischargePin().set(true);
        return new Ina228(simulator.board().i2c(1, settings.hardware().ina228().address()), clock,
                settings.hardware().ina228(), -1,
                alert ? Optional.of(simulator.board().input(24, "INA228 ALERT")) : Optional.empty());
    }

    /**
     * TI's worked example (INA229 datasheet, same scaling as the INA228): 16.2 mΩ shunt, 10 A
     * maximum, ±163.84 mV range. SHUNT_CAL = 13107.2e6 × 10/2^19 × 0.0162 = 4050; VSHUNT 311040
     * (97.2 mV), CURRENT 314572 (6.000 A), VBUS 245760 (48 V), DIETEMP 3200 (25 °C).
     */
    @Test
    void decodesTheDatasheetExample() {
        HardwareSettings.Ina228 settings = new HardwareSettings.Ina228(0x40, 16_200, 10, false, false, Optional.empty());
        RegisterMap chip = new RegisterMap();
        chip.set24(Ina228.CURRENT, 314_572);
        chip.set24(Ina228.VBUS, 245_760);
        chip.set16(Ina228.DIETEMP, 3200);
        Ina228 driver = new Ina228(chip, new ManualClock(0), settings, 0, Optional.empty());
        Measurement m = new Measurement(8, 1);
        m.invalidate(0);

        assertThat(settings.shuntCal()).isEqualTo(4050);
        assertThat(driver.readCurrent(m)).isTrue();

        assertThat(chip.get16(Ina228.SHUNT_CAL)).isEqualTo(4050);
        assertThat(chip.get16(Ina228.CONFIG)).isZero();
        assertThat(chip.get16(Ina228.ADC_CONFIG) >> 12).isEqualTo(0xF);
        assertThat(m.current_mA()).isEqualTo(6000);
        assertThat(m.shuntBusVoltage_mV()).isEqualTo(48_000);
        assertThat(m.temperature_dC(0)).isEqualTo(250);
    }

    @Test
    void negativeCodesAreDischarge() {
        HardwareSettings.Ina228 settings = new HardwareSettings.Ina228(0x40, 16_200, 10, false, false, Optional.empty());
        RegisterMap chip = new RegisterMap();
        chip.set24(Ina228.CURRENT, -314_572);
        Measurement m = new Measurement(8, 0);
        m.invalidate(0);

        new Ina228(chip, new ManualClock(0), settings, -1, Optional.empty()).readCurrent(m);

        assertThat(m.current_mA()).isEqualTo(-6000);
    }

    @Test
    void somethingElseAtTheAddressIsRefused() {
        RegisterMap chip = new RegisterMap();
        chip.set16(Ina228.DEVICE_ID, 0x2271);
        Measurement m = new Measurement(8, 0);
        m.invalidate(0);

        assertThat(new Ina228(chip, new ManualClock(0), new HardwareSettings.Ina228(0x40, 100, 300, true, false,
                Optional.empty()), -1, Optional.empty()).readCurrent(m)).isFalse();
        assertThat(m.currentValid()).isFalse();
    }

    @Test
    void overTheEmulatorTheCurrentIsTheModelsWithinItsResolution() throws Exception {
        Ina228 driver = emulated("", false);
        Measurement m = new Measurement(16, 2);

        for (double amps : new double[] {0, 50, -120, 0.005, -299, 299}) {
            simulator.model().setExternalCurrent_A(amps);
            m.invalidate(clock.nanoTime());
            assertThat(driver.readCurrent(m)).isTrue();
            assertThat((double) m.current_mA()).as("%s A", amps).isCloseTo(amps * 1000,
                    org.assertj.core.api.Assertions.within(1.0));
        }
        assertThat(m.shuntBusVoltage_mV()).isCloseTo((int) simulator.model().packVoltage_mV(),
                org.assertj.core.api.Assertions.within(1));
    }

    @Test
    void aChipThatLostItsCalibrationIsSetUpAgain() throws Exception {
        Ina228 driver = emulated("", false);
        simulator.model().setExternalCurrent_A(10);
        I2cDevice bus = simulator.board().i2c(1, 0x40);
        Measurement m = new Measurement(16, 2);
        m.invalidate(clock.nanoTime());
        assertThat(driver.readCurrent(m)).isTrue();

        bus.writeRegister(Ina228.CONFIG, new byte[] {(byte) 0x80, 0}, 2); // a brown-out resets it
        clock.sleepUntil(clock.nanoTime() + 1_100_000_000L);
        m.invalidate(clock.nanoTime());
        assertThat(driver.readCurrent(m)).as("the calibration check finds the reset").isFalse();

        clock.sleepUntil(clock.nanoTime() + 1_100_000_000L);
        m.invalidate(clock.nanoTime());
        assertThat(driver.readCurrent(m)).isTrue();
        assertThat(m.current_mA()).isCloseTo(10_000, org.assertj.core.api.Assertions.within(1));
    }

    @Test
    void aSilentChipIsNoCurrentAndIsRetriedOnceASecond() throws Exception {
        Ina228 driver = emulated("", false);
        Measurement m = new Measurement(16, 2);
        simulator.ina228Emulator().setSilent(true);
        m.invalidate(clock.nanoTime());
        assertThat(driver.readCurrent(m)).isFalse();

        simulator.ina228Emulator().setSilent(false);
        clock.sleepUntil(clock.nanoTime() + 500_000_000L);
        assertThat(driver.readCurrent(m)).as("not retried within the second").isFalse();
        clock.sleepUntil(clock.nanoTime() + 600_000_000L);
        assertThat(driver.readCurrent(m)).isTrue();
    }

    @Test
    void theAlertLineReportsACurrentBeyondTheMaximum() throws Exception {
        Ina228 driver = emulated("hardware:\n  ina228:\n    max_current_A: 100\n    alert_gpio: 24\n",
                true);
        Measurement m = new Measurement(16, 2);

        simulator.model().setExternalCurrent_A(80);
        driver.readCurrent(m);
        m.invalidate(clock.nanoTime());
        driver.readCurrent(m);
        assertThat(driver.alerting()).isFalse();
        assertThat(m.currentAlert()).isFalse();

        simulator.model().setExternalCurrent_A(120);
        driver.readCurrent(m);
        m.invalidate(clock.nanoTime());
        driver.readCurrent(m);
        assertThat(driver.alerting()).isTrue();
        assertThat(m.currentAlert()).as("the measurement carries the ALERT").isTrue();

        simulator.ina228Emulator().setSilent(true);
        m.invalidate(clock.nanoTime());
        assertThat(driver.readCurrent(m)).isFalse();
        assertThat(m.currentAlert()).as("no ALERT without a reading").isFalse();
    }

    /** A register file that answers like an INA228 that has just been reset. */
    private static final class RegisterMap implements I2cDevice {
        private final Map<Integer, byte[]> registers = new HashMap<>();

        RegisterMap() {
            set16(Ina228.MANUFACTURER_ID, 0x5449);
            set16(Ina228.DEVICE_ID, 0x2281);
            set16(Ina228.DIAG_ALRT, 0x0001);
        }

        void set16(int register, int value) {
            registers.put(register, new byte[] {(byte) (value >> 8), (byte) value});
        }

        void set24(int register, int twentyBits) {
            int value = twentyBits << 4;
            registers.put(register, new byte[] {(byte) (value >> 16), (byte) (value >> 8), (byte) value});
        }

        int get16(int register) {
            byte[] bytes = registers.get(register);
            return (bytes[0] & 0xFF) << 8 | (bytes[1] & 0xFF);
        }

        @Override
        public void readRegister(int register, byte[] into, int length) throws BusException {
            byte[] bytes = registers.getOrDefault(register, new byte[3]);
            System.arraycopy(bytes, 0, into, 0, Math.min(length, bytes.length));
        }

        @Override
        public void writeRegister(int register, byte[] data, int length) {
            if (register == Ina228.CONFIG && (data[0] & 0x80) != 0) {
                return; // reset: the example's registers stay as set
            }
            registers.put(register, java.util.Arrays.copyOf(data, length));
        }

        @Override
        public String name() {
            return "register map";
        }
    }
}
