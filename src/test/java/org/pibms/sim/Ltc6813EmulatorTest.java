package org.pibms.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.SystemClock;
import org.pibms.core.settings.Settings;

/** The LTC6813 emulator on raw frames, one chip of 16 cells, on a free-running clock. */
class Ltc6813EmulatorTest {

    private static final long US = 1000L;

    @TempDir
    Path dir;

    private SimulatedClock clock;
    private Ltc6813Emulator chip;
    private PackModel model;
    private final byte[] rx = new byte[64];

    @BeforeEach
    void wakeOneChip() throws Exception {
        Settings settings = TestConfigs.simulated(16, dir, "max");
        clock = new SimulatedClock(new SystemClock(), Double.POSITIVE_INFINITY);
        Simulator simulator = Simulator.create(settings, clock);
        chip = simulator.afeEmulator();
        model = simulator.model();
        chip.transfer(new byte[51], rx, 51); // a 408 µs chip-select pulse at 1 MHz
    }

    private byte[] command(int code, int dataBytes) {
        byte[] frame = new byte[4 + dataBytes];
        Arrays.fill(frame, (byte) 0xFF);
        frame[0] = (byte) (code >> 8);
        frame[1] = (byte) code;
        int pec = Ltc6813Emulator.pec(frame, 0, 2);
        frame[2] = (byte) (pec >> 8);
        frame[3] = (byte) pec;
        return frame;
    }

    private byte[] send(byte[] frame) throws Exception {
        clock.sleepUntil(clock.nanoTime() + 10 * US);
        chip.transfer(frame, rx, frame.length);
        return Arrays.copyOf(rx, frame.length);
    }

    private byte[] writeConfigA(byte[] data) {
        byte[] frame = command(0x001, 8);
        System.arraycopy(data, 0, frame, 4, 6);
        int pec = Ltc6813Emulator.pec(frame, 4, 6);
        frame[10] = (byte) (pec >> 8);
        frame[11] = (byte) pec;
        return frame;
    }

    private static int code(byte[] answer, int index) {
        return (answer[4 + 2 * index] & 0xFF) | (answer[5 + 2 * index] & 0xFF) << 8;
    }

    @Test
    void configurationReadsBackWithAValidPec() throws Exception {
        byte[] config = {(byte) 0xFC, 0x0D, 0x28, (byte) 0xA0, 0x05, 0x10};
        send(writeConfigA(config));

        byte[] answer = send(command(0x002, 8));

        assertThat(Arrays.copyOfRange(answer, 4, 10)).containsExactly(config);
        assertThat(Ltc6813Emulator.pec(answer, 4, 6)).isEqualTo((answer[10] & 0xFF) << 8 | (answer[11] & 0xFF));
        assertThat(model.bleeding(0)).isTrue();
        assertThat(model.bleeding(2)).isTrue();
        assertThat(model.bleeding(1)).isFalse();
    }

    @Test
    void aCommandWithABadPecIsIgnored() throws Exception {
        byte[] frame = writeConfigA(new byte[] {(byte) 0xFC, 0, 0, 0, (byte) 0xFF, 0});
        frame[3] ^= 1;
        send(frame);

        assertThat(send(command(0x002, 8))[8]).as("DCC1..8 unchanged").isZero();
    }

    @Test
    void dataWithABadPecIsIgnored() throws Exception {
        byte[] frame = writeConfigA(new byte[] {(byte) 0xFC, 0, 0, 0, (byte) 0xFF, 0});
        frame[11] ^= 1;
        send(frame);

        assertThat(send(command(0x002, 8))[8]).isZero();
    }

    @Test
    void resultsLandWhenTheConversionEnds() throws Exception {
        model.forceCellVoltage(0, 3456);
        send(command(0x360, 0)); // ADCV, normal mode, 2335 µs

        assertThat(send(command(0x714, 1))[4]).as("PLADC while converting").isEqualTo((byte) 0x00);
        assertThat(code(send(command(0x004, 8)), 0)).as("cell 1 before the end").isEqualTo(0xFFFF);

        clock.sleepUntil(clock.nanoTime() + 2400 * US);
        assertThat(send(command(0x714, 1))[4]).isEqualTo((byte) 0xFF);
        assertThat(code(send(command(0x004, 8)), 0)).isEqualTo(34_560);

        send(command(0x711, 0)); // CLRCELL
        assertThat(code(send(command(0x004, 8)), 0)).isEqualTo(0xFFFF);
    }

    @Test
    void aSilentLinkSwallowsTheFirstCommand() throws Exception {
        send(writeConfigA(new byte[] {(byte) 0xFC, 0, 0, 0, 0, 0}));
        clock.sleepUntil(clock.nanoTime() + 6000 * US); // past the 5.7 ms isoSPI idle time

        send(writeConfigA(new byte[] {(byte) 0xFC, 0, 0, 0, 0x01, 0}));
        assertThat(send(command(0x002, 8))[8]).as("the write only woke the link").isZero();

        send(writeConfigA(new byte[] {(byte) 0xFC, 0, 0, 0, 0x01, 0}));
        assertThat(send(command(0x002, 8))[8]).isEqualTo((byte) 0x01);
    }

    /** With DTEN tied high the balance switches outlive the sleep, until the discharge timeout. */
    @Test
    void withDtenTheDischargeTimerEndsBalancing() throws Exception {
        Settings settings = TestConfigs.simulated(16, dir, "max");
        Simulator simulator = Simulator.create(settings, clock);
        model = simulator.model();
        chip = new Ltc6813Emulator(model, clock, 1_000_000, settings.hardware().ltc6813(),
                settings.temperatureSensors(), new java.util.SplittableRandom(1), 0, true);
        chip.transfer(new byte[51], rx, 51);
        send(writeConfigA(new byte[] {(byte) 0xFC, 0, 0, 0, 0x02, 0x20})); // DCC2, DCTO 2 = 1 minute
        assertThat(send(command(0x002, 8))[4] & 0x02).as("DTEN reads the pin: high").isEqualTo(0x02);

        clock.sleepUntil(clock.nanoTime() + 30_000_000 * US);
        model.advance();
        assertThat(model.bleeding(1)).as("asleep after 2 s, still bleeding at 30 s").isTrue();
        clock.sleepUntil(clock.nanoTime() + 31_000_000 * US);
        model.advance();
        assertThat(model.bleeding(1)).as("the minute is up").isFalse();
    }

    @Test
    void aSleepingChipWakesOnlyToALongPulseAndForgetsItsConfiguration() throws Exception {
        send(writeConfigA(new byte[] {(byte) 0xFC, 0x0D, 0x28, (byte) 0xA0, 0x01, 0}));
        clock.sleepUntil(clock.nanoTime() + 2_100_000 * US);

        byte[] asleep = send(command(0x002, 8));
        assertThat(Arrays.copyOfRange(asleep, 4, 12)).containsOnly((byte) 0xFF);
        send(new byte[30]); // 240 µs: too short
        assertThat(Arrays.copyOfRange(send(command(0x002, 8)), 4, 12)).containsOnly((byte) 0xFF);

        send(new byte[51]);
        byte[] awake = send(command(0x002, 8));
        assertThat(awake[4]).as("CFGA0 back to its reset value").isEqualTo((byte) 0xF8);
        assertThat(awake[8]).as("balancing stopped").isZero();
        assertThat(model.bleeding(0)).isFalse();
    }
}
