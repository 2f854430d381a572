package org.pibms.afe.gpio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pibms.hw.BusException;
import org.pibms.hw.DigitalOutput;

class MosfetOutputsTest {

    private final List<String> writes = new ArrayList<>();
    private boolean broken;

    private DigitalOutput line(String name) {
        return new DigitalOutput() {
            @Override
            public void set(boolean high) throws BusException {
                if (broken) {
                    throw new BusException(name + " is gone");
                }
                writes.add(name + (high ? " on" : " off"));
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    private final MosfetOutputs outputs = new MosfetOutputs(line("charge"), line("discharge"));

    @Test
    void linesAreWrittenWhenTheyChangeAndAnOpeningComesFirst() {
        assertThat(outputs.apply(false, true)).isTrue();
        assertThat(writes).containsExactly("charge off", "discharge on");

        writes.clear();
        assertThat(outputs.apply(false, true)).isTrue();
        assertThat(writes).isEmpty();

        assertThat(outputs.apply(true, false)).isTrue();
        assertThat(writes).containsExactly("discharge off", "charge on");
    }

    @Test
    void aFailedWriteIsReportedAndEveryLineWrittenAgain() {
        outputs.apply(true, true);
        broken = true;
        assertThat(outputs.apply(true, false)).isFalse();

        broken = false;
        writes.clear();
        assertThat(outputs.apply(true, false)).isTrue();
        assertThat(writes).containsExactly("discharge off", "charge on");
    }
}
