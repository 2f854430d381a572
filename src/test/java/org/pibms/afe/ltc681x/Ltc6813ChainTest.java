package org.pibms.afe.ltc681x;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pibms.TestConfigs;
import org.pibms.core.Measurement;
import org.pibms.core.SystemClock;
import org.pibms.core.settings.Settings;
import org.pibms.hw.BusException;
import org.pibms.sim.PackModel;
import org.pibms.sim.SimulatedClock;
import org.pibms.sim.Simulator;

/** The real chain driver against the register-level emulator, on a free-running simulated clock. */
class Ltc6813ChainTest {

    private static final long SECOND_ns = 1_000_000_000L;

    @TempDir
    Path dir;

    private SimulatedClock clock;
    private Simulator simulator;
    private PackModel model;
    private Ltc6813Chain chain;
    private Measurement m;

    private void pack(int cells, String hardware) throws BusException {
        pack(TestConfigs.simulatedYaml(cells, dir, "max", "") + hardware);
    }

    private void pack(String yaml) throws BusException {
        Settings settings = TestConfigs.load(dir, yaml);
        int cells = settings.pack().cellCount();
        clock = new SimulatedClock(new SystemClock(), Double.POSITIVE_INFINITY);
        simulator = Simulator.create(settings, clock);
        model = simulator.model();
        chain = new Ltc6813Chain(simulator.board().spi(0, 0, 1_000_000), clock, settings.hardware().ltc6813(),
                settings.protection(), settings.temperatureSensors());
        m = new Measurement(cells, settings.temperatureSensors().size());
    }

    private void pack(int cells) throws BusException {
        pack(cells, "");
    }

    private void later(double seconds) throws InterruptedException {
        clock.sleepUntil(clock.nanoTime() + (long) (seconds * SECOND_ns));
    }

    @Test
    void aTwentyCellChainReadsEveryCellWithinOneMillivolt() throws Exception {
        String yaml = TestConfigs.simulatedYaml(20, dir, "max", "")
                .replace("initial_soc_pct: 50", "initial_soc_pct: 37")
                .replace("soc_spread_pct: 0", "soc_spread_pct: 8");
        pack(yaml);

        assertThat(chain.readCellVoltages(m)).isTrue();

        model.advance();
        for (int cell = 0; cell < 20; cell++) {
            assertThat((double) m.cellVoltage_mV(cell)).as("cell %d", cell + 1)
                    .isCloseTo(model.cellVoltage_mV(cell), within(1.0));
        }
        assertThat(IntStream.range(0, 20).map(m::cellVoltage_mV).distinct().count()).isGreaterThan(5);
    }

    @Test
    void twoChipsAnswerInChainOrder() throws Exception {
        pack(20, "hardware:\n  ltc6813:\n    chips:\n      - cells: 12\n      - channels: [1, 2, 3, 4, 5, 6, 10, 11]\n");
        for (int cell = 1; cell <= 20; cell++) {
            model.forceCellVoltage(cell - 1, 3000 + cell);
        }

        assertThat(chain.readCellVoltages(m)).isTrue();

        for (int cell = 1; cell <= 20; cell++) {
            assertThat(m.cellVoltage_mV(cell - 1)).as("cell %d", cell).isEqualTo(3000 + cell);
        }
    }

    /**
     * A third of the answers corrupted: some reads still fail after three attempts, as they
     * must; what matters is that no corrupted value ever gets through and that the retries
     * recover most errors.
     */
    @Test
    void corruptedAnswersAreDetectedAndReadAgain() throws Exception {
        pack(16);
        for (int cell = 0; cell < 16; cell++) {
            model.forceCellVoltage(cell, 3300 + cell);
        }
        simulator.afeEmulator().setPecErrorRate(0.3);

        int good = 0;
        for (int tick = 0; tick < 200; tick++) {
            later(0.1);
            m.invalidate(clock.nanoTime());
            for (int cell = 0; cell < 16; cell++) {
                m.setCellVoltage_mV(cell, -1);
            }
            if (chain.readCellVoltages(m)) {
                good++;
                for (int cell = 0; cell < 16; cell++) {
                    assertThat(m.cellVoltage_mV(cell)).isEqualTo(3300 + cell);
                }
            } else {
                for (int cell = 0; cell < 16; cell++) {
                    assertThat(m.cellVoltage_mV(cell)).as("nothing passed on from a failed read").isEqualTo(-1);
                }
            }
        }
        assertThat(good).isGreaterThan(150);
        long lostToFailures = chain.failedReads() * Ltc6813Chain.ATTEMPTS;
        assertThat(chain.pecErrors() - lostToFailures).as("errors a retry recovered").isGreaterThan(2 * lostToFailures);
    }

    @Test
    void recoveredPecErrorsAreSummedUpOnceAMinute() throws Exception {
        pack(16);
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Ltc6813Chain.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            simulator.afeEmulator().setPecErrorRate(0.02);
            for (int tick = 0; tick < 1250; tick++) { // a little over two minutes
                later(0.1);
                chain.readCellVoltages(m);
            }
        } finally {
            logger.detachAppender(log);
        }

        assertThat(log.list).filteredOn(e -> e.getFormattedMessage().contains("PEC errors in the last 60 s"))
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN));
    }

    @Test
    void answersThatAreAlwaysCorruptFailTheReadAndPassNothingOn() throws Exception {
        pack(16);
        assertThat(chain.readCellVoltages(m)).isTrue();
        int before = m.cellVoltage_mV(0);
        simulator.afeEmulator().setPecErrorRate(1);
        model.forceCellVoltage(0, 2000);

        later(0.1);
        assertThat(chain.readCellVoltages(m)).isFalse();
        assertThat(m.cellVoltage_mV(0)).isEqualTo(before);
        assertThat(chain.failedReads()).isEqualTo(1);

        simulator.afeEmulator().setPecErrorRate(0);
        later(0.1);
        assertThat(chain.readCellVoltages(m)).isTrue();
        assertThat(m.cellVoltage_mV(0)).isEqualTo(2000);
    }

    @Test
    void aSilentChainFailsAndRecovers() throws Exception {
        pack(16);
        simulator.afeEmulator().setSilent(true);
        assertThat(chain.readCellVoltages(m)).isFalse();
        assertThat(chain.readTemperatures(m)).isFalse();

        simulator.afeEmulator().setSilent(false);
        later(0.1);
        assertThat(chain.readCellVoltages(m)).isTrue();
    }

    @Test
    void anInterruptDuringAReadWaitsForTheConversionAndIsKeptForTheCaller() throws Exception {
        // the daemon stopping interrupts the control thread, perhaps in the middle of a conversion
        pack(16);
        long failedBefore = chain.failedReads();
        Thread.currentThread().interrupt();
        try {
            assertThat(chain.readCellVoltages(m)).as("a read on an interrupted thread").isTrue();
            assertThat(chain.readTemperatures(m)).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is still there").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(chain.failedReads()).isEqualTo(failedBefore);
        assertThat((double) m.cellVoltage_mV(3)).isCloseTo(model.cellVoltage_mV(3), within(1.0));
    }

    @Test
    void theChainIsWokenAgainAfterItSlept() throws Exception {
        pack(16);
        chain.setBalancing(1L << 4);
        assertThat(chain.readCellVoltages(m)).isTrue();
        assertThat(model.bleeding(4)).isTrue();

        later(5); // the chips sleep after 2 s and forget their configuration
        model.advance();
        assertThat(model.bleeding(4)).isFalse();

        assertThat(chain.readCellVoltages(m)).isTrue();
        assertThat(model.bleeding(4)).isTrue();
    }

    @ParameterizedTest(name = "{0} cells")
    @ValueSource(ints = {8, 13, 16, 18, 20})
    void everyBalanceBitBleedsItsOwnCell(int cells) throws Exception {
        pack(cells);
        for (int cell = 0; cell < cells; cell++) {
            chain.setBalancing(1L << cell);
            later(0.1);
            assertThat(chain.readCellVoltages(m)).isTrue();
            for (int other = 0; other < cells; other++) {
                assertThat(model.bleeding(other)).as("cell %d bleeds while cell %d is selected", other + 1, cell + 1)
                        .isEqualTo(other == cell);
            }
        }
        chain.setBalancing(0);
        later(0.1);
        chain.readCellVoltages(m);
        assertThat(IntStream.range(0, cells).noneMatch(model::bleeding)).isTrue();
    }

    @Test
    void bleedingDrawsTheCurrentOfItsResistor() throws Exception {
        pack(16);
        double before = model.cellCharge_As(2);
        long start = clock.nanoTime();
        chain.setBalancing(1L << 2);
        for (int tick = 0; tick < 36_000; tick++) { // about an hour: each tick adds its conversion time
            later(0.1);
            chain.readCellVoltages(m);
        }
        model.advance();

        double seconds = (clock.nanoTime() - start) / 1e9;
        double expected_As = 3.265 / 33 * seconds; // about 99 mA through 33 Ω
        assertThat(before - model.cellCharge_As(2)).isCloseTo(expected_As, within(expected_As * 0.01));
        assertThat(model.cellCharge_As(3)).isEqualTo(before);
    }

    @Test
    void theWatchdogStopsBalancingWhenTheDaemonFallsSilent() throws Exception {
        pack(16);
        chain.setBalancing(1L << 7);
        chain.readCellVoltages(m);
        double before = model.cellCharge_As(7);

        later(600); // nobody talks to the chain for ten minutes
        model.advance();

        assertThat(model.bleeding(7)).isFalse();
        double bled_As = before - model.cellCharge_As(7);
        assertThat(bled_As).as("only until the 2 s watchdog").isCloseTo(2 * 3.265 / 33, within(0.01));
    }

    @Test
    void everyOpenSenseWireIsFoundAndNamed() throws Exception {
        pack(20);
        assertThat(chain.findOpenWires()).isZero();
        for (int wire = 0; wire <= 20; wire++) {
            simulator.afeEmulator().setOpenWire(wire);
            later(1);
            assertThat(chain.findOpenWires()).as("wire %d open", wire).isEqualTo(1L << wire);
        }
        simulator.afeEmulator().setOpenWire(-1);
        assertThat(chain.findOpenWires()).isZero();
    }

    @Test
    void theOpenWireTestLeavesBalancingAsItWas() throws Exception {
        pack(16);
        chain.setBalancing(1L << 3);
        chain.readCellVoltages(m);

        chain.findOpenWires();
        chain.readCellVoltages(m);

        assertThat(model.bleeding(3)).isTrue();
    }

    @Test
    void ntcsOnTheGpiosReadTheirTemperature() throws Exception {
        pack(16);
        model.forceTemperature(1, 613);

        assertThat(chain.readCellVoltages(m)).isTrue();
        assertThat(chain.readTemperatures(m)).isTrue();

        assertThat(m.temperatureValid(0)).isTrue();
        assertThat(m.temperature_dC(0) / 10.0).isCloseTo(model.sensorTemperature_C(0), within(0.15));
        assertThat(m.temperature_dC(1)).isCloseTo(613, within(1));
    }

    @Test
    void anOpenOrShortedNtcIsNoTemperature() throws Exception {
        pack(16);
        simulator.afeEmulator().setNtcOpen(0, true);
        simulator.afeEmulator().setNtcShorted(1, true);
        chain.readCellVoltages(m);
        m.invalidate(clock.nanoTime());

        assertThat(chain.readTemperatures(m)).isTrue();
        assertThat(m.temperatureValid(0)).isFalse();
        assertThat(m.temperatureValid(1)).isFalse();

        simulator.afeEmulator().setNtcOpen(0, false);
        simulator.afeEmulator().setNtcShorted(1, false);
        later(1.1);
        m.invalidate(clock.nanoTime());
        chain.readTemperatures(m);
        assertThat(m.temperatureValid(0)).isTrue();
        assertThat(m.temperatureValid(1)).isTrue();
    }

    @Test
    void theDieTemperatureComesFromTheStatusGroup() throws Exception {
        pack(16);
        String yaml = TestConfigs.simulatedYaml(16, dir, "max", "").replace("""
                  - name: mos
                    location: mos
                    gpio: 2
                """, """
                  - name: afe_die
                    location: balance
                    input: ltc_die
                """);
        Settings settings = TestConfigs.load(dir, yaml);
        simulator = Simulator.create(settings, clock);
        chain = new Ltc6813Chain(simulator.board().spi(0, 0, 1_000_000), clock, settings.hardware().ltc6813(),
                settings.protection(), settings.temperatureSensors());

        chain.readCellVoltages(m);
        assertThat(chain.readTemperatures(m)).isTrue();

        double expected = simulator.model().balanceTemperature_C() + 3;
        assertThat(m.temperature_dC(1) / 10.0).isCloseTo(expected, within(0.2));
    }

    @Test
    void temperaturesAreConvertedOnceASecond() throws Exception {
        pack(16);
        model.forceTemperature(1, 300);
        chain.readCellVoltages(m);
        chain.readTemperatures(m);
        model.forceTemperature(1, 400);

        later(0.5);
        m.invalidate(clock.nanoTime());
        chain.readTemperatures(m);
        assertThat(m.temperature_dC(1)).isCloseTo(300, within(1));

        later(0.6);
        m.invalidate(clock.nanoTime());
        chain.readTemperatures(m);
        assertThat(m.temperature_dC(1)).isCloseTo(400, within(1));
    }
}
