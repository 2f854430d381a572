package org.pibms.afe.gpio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pibms.hw.BusException;
import org.pibms.hw.DigitalOutput;

class MosfetOutputsTest {

    private static final int PRECHARGE = 1 << 0;
    private static final int ALARM = 1 << 1;

    private final List<String> writes = new ArrayList<>();
    private boolean broken;

    private DigitalOutput line(String name) {
        return new DigitalOutput() {
            @Override
            public void set(boolean high) throws BusException {
                if (broken) {
                    throw new BusException(name + " is gone");
                }
                writes.add(name + (high ? " high" : " low"));
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    /** Output 0 is an active-high pre-charge relay, output 1 an active-low alarm. */
    private final MosfetOutputs outputs = new MosfetOutputs(line("charge"), line("discharge"),
            List.of(new MosfetOutputs.Output(line("precharge"), true), new MosfetOutputs.Output(line("alarm"), false)));

    @Test
    void linesAreWrittenWhenTheyChangeAndAnOpeningComesFirst() {
        assertThat(outputs.apply(false, true, 0)).isTrue();
        assertThat(writes).containsExactly("charge low", "precharge low", "alarm high", "discharge high");

        writes.clear();
        assertThat(outputs.apply(false, true, 0)).isTrue();
        assertThat(writes).isEmpty();

        assertThat(outputs.apply(true, false, 0)).isTrue();
        assertThat(writes).containsExactly("discharge low", "charge high");
    }

    @Test
    void onlyTheOutputsThatChangeAreWrittenAtTheirActiveLevel() {
        outputs.apply(true, false, PRECHARGE);
        writes.clear();

        assertThat(outputs.apply(true, false, PRECHARGE | ALARM)).isTrue();
        assertThat(writes).containsExactly("alarm low");

        writes.clear();
        assertThat(outputs.apply(true, true, ALARM)).isTrue();
        assertThat(writes).as("the pre-charge ends before the discharge MOS closes")
                .containsExactly("precharge low", "discharge high");
    }

    @Test
    void maskBitsBeyondTheConfiguredOutputsAreIgnored() {
        outputs.apply(false, false, 0);
        writes.clear();

        assertThat(outputs.apply(false, false, 1 << 5)).isTrue();
        assertThat(writes).isEmpty();
    }

    @Test
    void aFailedWriteIsReportedAndEveryLineWrittenAgain() {
        outputs.apply(true, true, ALARM);
        broken = true;
        assertThat(outputs.apply(true, false, ALARM)).isFalse();

        broken = false;
        writes.clear();
        assertThat(outputs.apply(true, false, ALARM)).isTrue();
        assertThat(writes).containsExactly("discharge low", "precharge low", "charge high", "alarm low");

        writes.clear();
        assertThat(outputs.apply(true, false, ALARM)).isTrue();
        assertThat(writes).isEmpty();
    }

    @Test
    void withoutOutputsOnlyTheMosLinesAreDriven() {
        MosfetOutputs mos = new MosfetOutputs(line("charge"), line("discharge"), List.of());

        assertThat(mos.apply(true, false, PRECHARGE)).isTrue();
        assertThat(writes).containsExactly("discharge low", "charge high");
    }
}
