package org.pibms.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.Chemistry;
import org.pibms.core.OcvCurve;
import org.pibms.core.SystemClock;

/**
 * The physics of the simulated pack, on a free-running clock: time moves only when the test
 * sleeps on it. The test pack has no spread, no self-discharge and no sensor noise, so every
 * expectation can be computed by hand.
 */
class PackModelTest {

    private static final long SECOND_ns = 1_000_000_000L;
    private static final double R0_mOhm = 0.5; // the default for 100 Ah LFP
    private static final double R1_mOhm = 0.3;
    /** The default load: 47 Ω × 4700 µF and 10 kΩ × 4700 µF. */
    private static final double PRECHARGE_TAU_s = 47 * 4700e-6;
    private static final double BLEED_TAU_s = 10_000 * 4700e-6;

    @TempDir
    Path dir;

    private SimulatedClock clock;
    private PackModel model;

    @BeforeEach
    void createPack() {
        // τ1 = 2 s: the RC pair settles in seconds, before I²R heating moves R0 measurably
        model = pack(TestConfigs.simulatedYaml(16, dir, "max", "")
                .replace("self_discharge_pct_per_month: 0", "self_discharge_pct_per_month: 0\n    tau1_s: 2"));
    }

    private PackModel pack(String yaml) {
        clock = new SimulatedClock(new SystemClock(), Double.POSITIVE_INFINITY);
        PackModel pack = Simulator.create(TestConfigs.load(dir, yaml), clock).model();
        pack.setMosfets(true, true);
        return pack;
    }

    @Test
    void atRestEveryCellSitsOnTheOcvCurve() throws Exception {
        advance(3600);

        double expected = OcvCurve.defaultFor(Chemistry.LFP).voltage_mV(50, 250);
        for (int i = 0; i < model.cellCount(); i++) {
            assertThat(model.cellVoltage_mV(i)).isCloseTo(expected, within(0.01));
        }
        assertThat(model.packVoltage_mV()).isCloseTo(16 * expected, within(0.2));
        assertThat(model.current_A()).isZero();
    }

    @Test
    void loadDropsTheVoltageByIRAtOnceAndThenByThePolarisation() throws Exception {
        double rest = model.cellVoltage_mV(0);
        model.setExternalCurrent_A(-100);
        advance(0.001);
        double ocvNow = ocv(model.cellSoc_pct(0));

        // 1 ms in, the RC pair has barely charged: the drop is I × R0
        assertThat(ocvNow - model.cellVoltage_mV(0)).isCloseTo(100 * R0_mOhm, within(0.1));

        advance(20); // ten time constants: the RC pair holds I × R1 as well
        double drop = ocv(model.cellSoc_pct(0)) - model.cellVoltage_mV(0);
        assertThat(drop).isCloseTo(100 * (R0_mOhm + R1_mOhm), within(0.2));
        assertThat(model.cellVoltage_mV(0)).isLessThan(rest);
    }

    @Test
    void chargeRaisesTheVoltageAboveOcv() throws Exception {
        model.setExternalCurrent_A(50);
        advance(20);

        assertThat(model.cellVoltage_mV(0) - ocv(model.cellSoc_pct(0)))
                .isCloseTo(50 * (R0_mOhm + R1_mOhm), within(0.1));
    }

    @Test
    void ampereHoursAreBookedToEveryCell() throws Exception {
        double before_As = model.cellCharge_As(3);
        model.setExternalCurrent_A(10);
        advance(3600);
        model.setExternalCurrent_A(-25);
        advance(1800);

        // +10 Ah, then -12.5 Ah
        assertThat(model.cellCharge_As(3) - before_As).isCloseTo((10 - 12.5) * 3600, within(1e-6));
        assertThat(model.cellSoc_pct(3)).isCloseTo(50 - 2.5, within(1e-9));
    }

    @Test
    void anOpenMosStopsItsDirectionOnly() throws Exception {
        model.setMosfets(true, false);
        model.setExternalCurrent_A(-30);
        advance(10);
        assertThat(model.current_A()).isZero();

        model.setExternalCurrent_A(30);
        advance(10);
        assertThat(model.current_A()).isEqualTo(30);

        model.setMosfets(false, true);
        advance(10);
        assertThat(model.current_A()).isZero();
    }

    @Test
    void theLoadFollowsTheDischargeMosAndThenEmptiesThroughTheBleedResistor() throws Exception {
        model.setMosfets(false, true);
        model.setExternalCurrent_A(-30);
        advance(10);
        assertThat(model.loadVoltage_mV()).isEqualTo(model.packVoltage_mV());

        double atOpening_mV = model.loadVoltage_mV();
        model.setMosfets(false, false);
        assertThat(model.loadVoltage_mV()).as("the capacitor keeps the voltage it had").isEqualTo(atOpening_mV);
        assertThat(model.packVoltage_mV()).as("the pack recovers its IR drop").isGreaterThan(atOpening_mV);

        advance(BLEED_TAU_s);
        assertThat(model.loadVoltage_mV()).isCloseTo(atOpening_mV * Math.exp(-1), withinPercentage(1));
        advance(4 * BLEED_TAU_s);
        assertThat(model.loadVoltage_mV()).isCloseTo(atOpening_mV * Math.exp(-5), withinPercentage(1));
    }

    @Test
    void aChargerHoldsTheLoadSideThroughTheChargeMos() throws Exception {
        model.setMosfets(true, false);
        model.setExternalCurrent_A(30);
        advance(10);
        assertThat(model.loadVoltage_mV()).isEqualTo(model.packVoltage_mV());

        model.setExternalCurrent_A(0); // the charger stops: nothing holds the load any more
        double atStop_mV = model.loadVoltage_mV();
        advance(BLEED_TAU_s);
        assertThat(model.loadVoltage_mV()).isCloseTo(atStop_mV * Math.exp(-1), withinPercentage(1));
    }

    @Test
    void aPrechargeFollowsTheRcCurve() throws Exception {
        emptyLoad();
        double pack_mV = model.packVoltage_mV();
        model.setPrecharge(true);

        for (int step = 1; step <= 10; step++) {
            advance(0.1);
            double expected_mV = pack_mV * (1 - Math.exp(-step * 0.1 / PRECHARGE_TAU_s));
            assertThat(model.loadVoltage_mV()).as("after %d ms", step * 100).isCloseTo(expected_mV, withinPercentage(1));
        }
        assertThat(pack_mV - model.loadVoltage_mV()).as("within 2 V after 1 s").isLessThan(2000);
        assertThat(model.current_A()).isZero();
    }

    @Test
    void theLoadCapacitanceAndResistorsComeFromTheConfig() throws Exception {
        model = pack(TestConfigs.simulatedYaml(16, dir, "max", """
                  load:
                    capacitance_uF: 1000
                    precharge_resistor_Ohm: 100
                    bleed_resistor_Ohm: 1000
                """));
        model.setMosfets(false, false);
        double pack_mV = model.packVoltage_mV();
        advance(1); // τ = 1 s
        assertThat(model.loadVoltage_mV()).isCloseTo(pack_mV * Math.exp(-1), withinPercentage(1));

        advance(30);
        model.setPrecharge(true);
        advance(0.1); // τ = 0.1 s
        assertThat(model.loadVoltage_mV()).isCloseTo(pack_mV * (1 - Math.exp(-1)), withinPercentage(1));
    }

    @Test
    void aShortedLoadNeverPrecharges() throws Exception {
        emptyLoad();
        model.setLoadShorted(true);
        model.setPrecharge(true);
        advance(10 * PRECHARGE_TAU_s);
        assertThat(model.loadVoltage_mV()).isZero();

        model.setLoadShorted(false);
        advance(PRECHARGE_TAU_s);
        assertThat(model.loadVoltage_mV()).isCloseTo(model.packVoltage_mV() * (1 - Math.exp(-1)),
                withinPercentage(1));
    }

    @Test
    void theShortCircuitLatchCutsBothPathsWhateverTheGates() throws Exception {
        model.setExternalCurrent_A(-100);
        advance(1);
        assertThat(model.current_A()).isEqualTo(-100);

        model.setShortCircuit(true);
        assertThat(model.current_A()).isZero();
        assertThat(model.loadVoltage_mV()).as("the short is on the load").isZero();
        model.setMosfets(true, true);
        model.setExternalCurrent_A(50);
        advance(1);
        assertThat(model.current_A()).as("the gate lines cannot override the latch").isZero();
        assertThat(model.loadVoltage_mV()).isZero();

        model.setShortCircuit(false);
        assertThat(model.current_A()).isEqualTo(50);
        assertThat(model.loadVoltage_mV()).isEqualTo(model.packVoltage_mV());
        model.setMosfets(false, false);
        model.setShortCircuit(true);
        model.setShortCircuit(false);
        assertThat(model.current_A()).as("released, the paths follow the gates again").isZero();
    }

    @Test
    void selfDischargeDrainsACellAtRest() throws Exception {
        PackModel leaky = pack(TestConfigs.simulatedYaml(8, dir, "max", "")
                .replace("self_discharge_pct_per_month: 0", "self_discharge_pct_per_month: 3"));
        clock.sleepUntil(clock.nanoTime() + 30 * 86_400 * SECOND_ns);
        leaky.advance();

        double meanSoc = 0;
        for (int i = 0; i < leaky.cellCount(); i++) {
            assertThat(leaky.cellSoc_pct(i)).isLessThan(50);
            meanSoc += leaky.cellSoc_pct(i) / leaky.cellCount();
        }
        // 3 %/month on average, each cell's rate spread ±50 % (σ)
        assertThat(50 - meanSoc).isBetween(1.5, 4.5);
    }

    @Test
    void overchargingRunsTheCellOffThePlateau() throws Exception {
        model.setExternalCurrent_A(50);
        advance(3600 * 1.04); // 50 % + 52 %: past full

        model.setExternalCurrent_A(0);
        advance(3600);
        assertThat(model.cellSoc_pct(0)).isCloseTo(102, within(1e-6));
        assertThat(model.cellVoltage_mV(0)).isCloseTo(3392 + 2 * SimulatedCell.FULL_KNEE_mVPerPct, within(0.01));
    }

    @Test
    void currentHeatsTheMosfetsToTheirEquilibrium() throws Exception {
        double ambient = model.mosTemperature_C();
        model.setExternalCurrent_A(-100);
        advance(3600); // MOS time constant: 150 J/K × 0.5 K/W = 75 s

        // 100 A² × 1 mΩ = 10 W through 0.5 K/W
        assertThat(model.mosTemperature_C() - ambient).isCloseTo(5.0, within(1e-6));
        model.setExternalCurrent_A(0);
        advance(3600);
        assertThat(model.mosTemperature_C()).isCloseTo(ambient, within(1e-6));
    }

    @Test
    void currentWarmsTheCellsAndRestCoolsThem() throws Exception {
        double ambient = model.cellTemperature_C();
        model.setExternalCurrent_A(100);
        advance(1800); // 50 % -> 100 %

        // 16 × 100² × (0.5 + 0.3 mΩ) = 128 W into 32 kJ/K through 0.1 K/W (τ = 3200 s):
        // about 1 - e^(-1800/3200) = 43 % of the 12.8 K equilibrium, a little less as R0 falls when warm
        assertThat(model.cellTemperature_C() - ambient).isBetween(4.5, 5.6);
        model.setExternalCurrent_A(0);
        advance(12 * 3600);
        assertThat(model.cellTemperature_C()).isCloseTo(ambient, within(0.01));
    }

    @Test
    void coldCellsHaveAHigherResistance() throws Exception {
        double warmDrop = instantDrop_mV();
        model.setAmbient_C(-20);
        advance(12 * 3600);
        double coldDrop = instantDrop_mV();

        // Arrhenius with 2500 K: exp(2500 × (1/253.15 - 1/298.15)) = 4.44
        assertThat(coldDrop / warmDrop).isCloseTo(4.44, within(0.02));
    }

    /** The drop 1 ms into a 10 A load: I × R0, before the RC pair charges. */
    private double instantDrop_mV() throws InterruptedException {
        double before = model.cellVoltage_mV(0);
        model.setExternalCurrent_A(-10);
        advance(0.001);
        double drop = before - model.cellVoltage_mV(0);
        model.setExternalCurrent_A(0);
        advance(60);
        return drop;
    }

    /** Opens both MOS and waits until the load capacitor is empty. */
    private void emptyLoad() throws InterruptedException {
        model.setMosfets(false, false);
        advance(30 * BLEED_TAU_s);
        assertThat(model.loadVoltage_mV()).isLessThan(0.001);
    }

    private double ocv(double soc_pct) {
        return OcvCurve.defaultFor(Chemistry.LFP).voltage_mV(soc_pct, 250);
    }

    private void advance(double seconds) throws InterruptedException {
        clock.sleepUntil(clock.nanoTime() + (long) (seconds * SECOND_ns));
        model.advance();
    }
}
