package org.pibms.hw.pi4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;
import com.pi4j.plugin.mock.provider.spi.MockSpi;
import com.pi4j.plugin.mock.provider.spi.MockSpiProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pibms.hw.DigitalInput;
import org.pibms.hw.DigitalOutput;
import org.pibms.hw.I2cDevice;
import org.pibms.hw.SpiDevice;

/**
 * The adapters' plumbing against Pi4J's mock providers: bytes and states reach Pi4J and come
 * back. (The mocks cannot model a chip; the chip drivers are tested against the emulators.)
 */
class Pi4jBoardTest {

    private final Context pi4j = Pi4J.newContextBuilder()
            .add(MockSpiProvider.newInstance(), MockI2CProvider.newInstance(), MockDigitalInputProvider.newInstance(),
                    MockDigitalOutputProvider.newInstance())
            .build();
    private final Pi4jBoard board = new Pi4jBoard(pi4j, false);

    @AfterEach
    void shutDown() {
        board.close();
    }

    @Test
    void spiTransfersReachPi4j() throws Exception {
        SpiDevice spi = board.spi(0, 0, 1_000_000);
        byte[] tx = {0x03, 0x60, (byte) 0xF4, 0x6C};
        byte[] rx = new byte[4];

        spi.transfer(tx, rx, 4);

        MockSpi mock = (MockSpi) pi4j.registry().get("spi0-0");
        assertThat(mock.readEntireMockBuffer()).containsExactly(tx);
        assertThat(spi.name()).isEqualTo("/dev/spidev0.0");
        assertThat(spi.clock_Hz()).isEqualTo(1_000_000);
    }

    @Test
    void i2cRegistersRoundTrip() throws Exception {
        I2cDevice device = board.i2c(1, 0x40);
        device.writeRegister(0x02, new byte[] {0x0B, (byte) 0xB8}, 2);

        byte[] back = new byte[2];
        device.readRegister(0x02, back, 2);

        assertThat(back).containsExactly(0x0B, (byte) 0xB8);
        assertThat(device.name()).isEqualTo("/dev/i2c-1 0x40");
    }

    @Test
    void outputsStartLowAndFollowTheirState() throws Exception {
        DigitalOutput charge = board.output(17, "charge MOS");
        com.pi4j.io.gpio.digital.DigitalOutput pin = pi4j.registry().get("gpio17");
        assertThat(pin.state()).isEqualTo(DigitalState.LOW);

        charge.set(true);
        assertThat(pin.state()).isEqualTo(DigitalState.HIGH);
        charge.set(false);
        assertThat(pin.state()).isEqualTo(DigitalState.LOW);
        assertThat(charge.name()).isEqualTo("charge MOS (GPIO 17)");
    }

    @Test
    void inputsReadTheLine() throws Exception {
        DigitalInput alert = board.input(24, "INA228 ALERT");
        MockDigitalInput pin = pi4j.registry().get("gpio24");

        pin.mockState(DigitalState.LOW);
        assertThat(alert.isHigh()).isFalse();
        pin.mockState(DigitalState.HIGH);
        assertThat(alert.isHigh()).isTrue();
    }
}
