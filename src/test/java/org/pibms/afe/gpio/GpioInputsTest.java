package org.pibms.afe.gpio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pibms.core.Measurement;
import org.pibms.hw.BusException;
import org.pibms.hw.DigitalInput;
import org.slf4j.LoggerFactory;

class GpioInputsTest {

    /** A line the test sets, or breaks. */
    private static final class Line implements DigitalInput {
        private final String name;
        boolean high;
        boolean broken;

        Line(String name) {
            this.name = name;
        }

        @Override
        public boolean isHigh() throws BusException {
            if (broken) {
                throw new BusException(name + ": cannot read: gone");
            }
            return high;
        }

        @Override
        public String name() {
            return name;
        }
    }

    private final Line acc = new Line("ACC (GPIO 25)");
    private final Line latch = new Line("short-circuit latch (GPIO 22)");
    private final Measurement m = new Measurement(8, 0);

    /** ACC active high, the latch active low. */
    private final GpioInputs inputs = new GpioInputs(Optional.of(new GpioInputs.Input(acc, true)),
            Optional.of(new GpioInputs.Input(latch, false)));

    private void tick() {
        m.invalidate(0);
        inputs.read(m);
    }

    @Test
    void eachInputIsActiveAtItsOwnLevel() {
        acc.high = true;
        latch.high = true;
        tick();
        assertThat(m.accValid()).isTrue();
        assertThat(m.acc()).isTrue();
        assertThat(m.shortCircuitLatchValid()).isTrue();
        assertThat(m.shortCircuitLatch()).isFalse();

        acc.high = false;
        latch.high = false;
        tick();
        assertThat(m.acc()).isFalse();
        assertThat(m.shortCircuitLatch()).isTrue();
    }

    @Test
    void anInputThatIsNotWiredStaysInvalid() {
        GpioInputs accOnly = new GpioInputs(Optional.of(new GpioInputs.Input(acc, true)), Optional.empty());
        m.invalidate(0);
        accOnly.read(m);

        assertThat(m.accValid()).isTrue();
        assertThat(m.shortCircuitLatchValid()).isFalse();

        GpioInputs none = new GpioInputs(Optional.empty(), Optional.empty());
        m.invalidate(0);
        none.read(m);
        assertThat(m.accValid()).isFalse();
        assertThat(m.shortCircuitLatchValid()).isFalse();
    }

    @Test
    void aFailedReadLeavesThatInputInvalidAndIsLoggedOnceWithItsRecovery() {
        Logger logger = (Logger) LoggerFactory.getLogger(GpioInputs.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            latch.broken = true;
            tick();
            tick();
            assertThat(m.shortCircuitLatchValid()).isFalse();
            assertThat(m.accValid()).as("the other input is read anyway").isTrue();

            latch.broken = false;
            tick();
            tick();
            assertThat(m.shortCircuitLatchValid()).isTrue();
        } finally {
            logger.detachAppender(log);
        }

        assertThat(log.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage).containsExactly(
                tuple(Level.ERROR, "short-circuit latch (GPIO 22): cannot read: gone"),
                tuple(Level.WARN, "short-circuit latch (GPIO 22): readable again"));
    }
}
