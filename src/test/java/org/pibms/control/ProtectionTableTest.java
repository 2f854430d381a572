package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.pibms.core.FaultId;
import org.pibms.core.Recovery;
import org.pibms.core.Unit;
import org.pibms.core.settings.ProtectionSettings;
import org.pibms.core.settings.ProtectionSettings.Limit;

/**
 * Generated over the protection table: every row, with its default levels, trips exactly after
 * its delay and not one tick sooner, never trips just short of its level, and ends as its
 * recovery says.
 */
class ProtectionTableTest {

    /** Rows whose reading is a level (mV, A, °C, %) rather than a count or a yes/no. */
    private static final Set<FaultId> COUNTED = EnumSet.of(FaultId.AFE_COMMUNICATION_LOST,
            FaultId.CURRENT_SENSOR_FAILURE, FaultId.AFE_PEC_ERROR_STORM, FaultId.MOS_PULSE_OVERLOAD);

    private static boolean levelRow(FaultId id) {
        return id.quantity().unit() != Unit.FLAG && !COUNTED.contains(id);
    }

    private static final ProtectionSettings DEFAULTS = new ProtectionBench().settings;

    private static Stream<FaultId> rows(Predicate<FaultId> which) {
        return Arrays.stream(FaultId.values()).filter(which);
    }

    static Stream<FaultId> levelAndFlagRows() {
        return rows(id -> levelRow(id) || id.quantity().unit() == Unit.FLAG);
    }

    static Stream<FaultId> delayedRows() {
        return levelAndFlagRows().filter(id -> DEFAULTS.limit(id).delay_ms() > 0);
    }

    static Stream<FaultId> automaticLevelRows() {
        return rows(id -> levelRow(id) && DEFAULTS.limit(id).recovery() == Recovery.AUTO);
    }

    static Stream<FaultId> automaticFlagRows() {
        return rows(id -> id.quantity().unit() == Unit.FLAG && DEFAULTS.limit(id).recovery() == Recovery.AUTO);
    }

    static Stream<FaultId> retryRows() {
        return rows(id -> DEFAULTS.limit(id).recovery() == Recovery.RETRY);
    }

    static Stream<FaultId> manualRows() {
        return rows(id -> DEFAULTS.limit(id).recovery().manual());
    }

    /** The value one step short of tripping. */
    private static int justShort(FaultId id, Limit limit) {
        return switch (id.trip()) {
            case ABOVE -> limit.trip() - 1;
            case BELOW -> limit.trip() + 1;
            case WHEN_SET -> 0;
        };
    }

    private static int beyond(FaultId id, Limit limit) {
        return id.trip() == FaultId.Trip.WHEN_SET ? 1 : limit.trip();
    }

    private static long ticksOf(int ms) {
        return ms * 1_000_000L / ProtectionBench.PERIOD_ns;
    }

    @ParameterizedTest
    @MethodSource("levelAndFlagRows")
    void neverTripsJustShortOfItsLevel(FaultId id) {
        ProtectionBench bench = new ProtectionBench();
        Limit limit = bench.settings.limit(id);
        for (long i = 0; i < ticksOf(limit.delay_ms()) + 500; i++) {
            assertThat(bench.tick(id, justShort(id, limit))).as("tick %d at %d", i, justShort(id, limit)).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("levelAndFlagRows")
    void tripsExactlyAfterItsDelay(FaultId id) {
        ProtectionBench bench = new ProtectionBench();
        Limit limit = bench.settings.limit(id);
        tripAfterDelay(bench, id, limit);
    }

    /** Holds the row beyond its level from now on and checks it trips on the tick its delay ends. */
    private static void tripAfterDelay(ProtectionBench bench, FaultId id, Limit limit) {
        long start = bench.now();
        while (bench.now() - start < limit.delay_ms() * 1_000_000L) {
            long at_ms = (bench.now() - start) / 1_000_000;
            assertThat(bench.tick(id, beyond(id, limit))).as("%s after %d of %d ms", id.id(), at_ms,
                    limit.delay_ms()).isFalse();
        }
        assertThat(bench.tick(id, beyond(id, limit))).as("%s when its %d ms have passed", id.id(), limit.delay_ms())
                .isTrue();
    }

    @ParameterizedTest
    @MethodSource("delayedRows")
    void aConditionThatLapsesStartsTheDelayAgain(FaultId id) {
        ProtectionBench bench = new ProtectionBench();
        Limit limit = bench.settings.limit(id);
        for (long i = 0; i < ticksOf(limit.delay_ms()) - 1; i++) {
            bench.tick(id, beyond(id, limit));
        }
        bench.tick(id, justShort(id, limit));
        tripAfterDelay(bench, id, limit);
    }

    @ParameterizedTest
    @MethodSource("automaticLevelRows")
    void automaticRecoveryHappensAtTheRecoveryLevelAfterItsDelay(FaultId id) {
        ProtectionBench bench = new ProtectionBench();
        Limit limit = bench.settings.limit(id);
        tripAfterDelay(bench, id, limit);

        int notYet = id.trip() == FaultId.Trip.ABOVE ? limit.recover() + 1 : limit.recover() - 1;
        for (long i = 0; i < ticksOf(limit.recoverDelay_ms()) + 500; i++) {
            assertThat(bench.tick(id, notYet)).as("%s one step short of recovery", id.id()).isTrue();
        }
        long start = bench.now();
        while (bench.now() - start < limit.recoverDelay_ms() * 1_000_000L) {
            assertThat(bench.tick(id, limit.recover())).as("%s during its recovery delay", id.id()).isTrue();
        }
        assertThat(bench.tick(id, limit.recover())).as("%s after its recovery delay", id.id()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("automaticFlagRows")
    void aFlagRecoversWhenClearForItsRecoveryDelay(FaultId id) {
        ProtectionBench bench = new ProtectionBench();
        Limit limit = bench.settings.limit(id);
        tripAfterDelay(bench, id, limit);
        long start = bench.now();
        while (bench.now() - start < limit.recoverDelay_ms() * 1_000_000L) {
            assertThat(bench.tick(id, 0)).isTrue();
        }
        assertThat(bench.tick(id, 0)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("retryRows")
    void retryClearsAfterTheRetryTimeAndLocksOutAfterTooManyTrips(FaultId id) {
        ProtectionBench bench = new ProtectionBench();
        Limit limit = bench.settings.limit(id);
        ProtectionSettings.Retry retry = limit.retry();

        for (int trip = 1; trip <= retry.maxRetries(); trip++) {
            tripAfterDelay(bench, id, limit);
            long tripped = bench.now() - ProtectionBench.PERIOD_ns;
            while (bench.now() - tripped < retry.retry_ms() * 1_000_000L) {
                assertThat(bench.tick(id, justShort(id, limit))).as("%s trip %d before its retry time", id.id(), trip)
                        .isTrue();
            }
            assertThat(bench.tick(id, justShort(id, limit))).as("%s trip %d at its retry time", id.id(), trip)
                    .isFalse();
        }
        tripAfterDelay(bench, id, limit);
        assertThat(bench.lockedOut(id)).as("trip %d within the window locks out", retry.maxRetries() + 1).isTrue();
        for (long i = 0; i < 2 * ticksOf(retry.retry_ms()); i++) {
            assertThat(bench.tick(id, justShort(id, limit))).as("a locked-out fault waits for a reset").isTrue();
        }
        assertThat(bench.reset()).isEqualTo(id.id() + " reset");
        assertThat(bench.active(id)).isFalse();
        assertThat(bench.lockedOut(id)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("manualRows")
    void manualFaultsEndOnlyByAResetOnceTheCauseIsGone(FaultId id) {
        ProtectionBench bench = new ProtectionBench();
        Limit limit = bench.settings.limit(id);
        tripAfterDelay(bench, id, limit);

        assertThat(bench.reset()).startsWith(id.id() + " stays: ");
        assertThat(bench.active(id)).isTrue();
        for (long i = 0; i < 1000; i++) {
            assertThat(bench.tick(id, justShort(id, limit))).as("%s waits for a reset", id.id()).isTrue();
        }
        assertThat(bench.reset()).isEqualTo(id.id() + " reset");
        assertThat(bench.tick(id, justShort(id, limit))).isFalse();
    }

    @Test
    void aRetryWindowThatHasPassedStartsTheCountAgain() {
        ProtectionBench bench = new ProtectionBench();
        FaultId id = FaultId.DISCHARGE_OVERCURRENT_FAST;
        Limit limit = bench.settings.limit(id);
        int overcurrent = limit.trip();
        for (int trip = 0; trip < 2 * (limit.retry().maxRetries() + 1); trip++) {
            while (!bench.tick(id, overcurrent)) {
                // until it trips
            }
            // a trip only every window and a bit: never locked out
            for (long i = 0; i < ticksOf(limit.retry().window_ms()) / (limit.retry().maxRetries()) + 1; i++) {
                bench.tick(id, 0);
            }
            assertThat(bench.lockedOut(id)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(value = FaultId.class, names = {"AFE_COMMUNICATION_LOST", "CURRENT_SENSOR_FAILURE"})
    void failedReadsTripAfterTheConfiguredTicksInARow(FaultId id) {
        ProtectionBench bench = new ProtectionBench();
        int ticks = bench.settings.limit(id).trip();
        for (int i = 0; i < ticks - 1; i++) {
            assertThat(bench.tick(id, 1)).isFalse();
        }
        assertThat(bench.tick(id, 0)).as("a good read starts the count again").isFalse();
        for (int i = 0; i < ticks - 1; i++) {
            assertThat(bench.tick(id, 1)).as("failure %d of %d", i + 1, ticks).isFalse();
        }
        assertThat(bench.tick(id, 1)).as("failure %d of %d", ticks, ticks).isTrue();

        long recoverTicks = ticksOf(bench.settings.limit(id).recoverDelay_ms());
        for (int i = 0; i < recoverTicks; i++) {
            assertThat(bench.tick(id, 0)).as("good read %d during the recovery delay", i + 1).isTrue();
        }
        assertThat(bench.tick(id, 0)).isFalse();
    }

    @Test
    void aPecErrorStormTripsOnTheWindowThatReachesTheLevel() {
        ProtectionBench bench = new ProtectionBench();
        FaultId id = FaultId.AFE_PEC_ERROR_STORM;
        Limit limit = bench.settings.limit(id);
        long window = Protection.PEC_WINDOW_ns / ProtectionBench.PERIOD_ns;
        bench.tickHealthy();
        // one window with one error too few, then one with exactly enough; a window closes on its last tick
        for (long i = 0; i < window; i++) {
            assertThat(bench.tick(id, i < limit.trip() - 1 ? 1 : 0)).isFalse();
        }
        for (long i = 0; i < window - 1; i++) {
            assertThat(bench.tick(id, i < limit.trip() ? 1 : 0)).as("tick %d of the window", i).isFalse();
        }
        assertThat(bench.tick(id, 0)).as("the window with %d errors has closed", limit.trip()).isTrue();
        // quiet windows: clear once a window at or below the recovery level is seen for the recovery delay
        long ticks = 0;
        while (bench.tick(id, 0)) {
            ticks++;
        }
        assertThat(ticks * ProtectionBench.PERIOD_ns).isBetween(limit.recoverDelay_ms() * 1_000_000L,
                limit.recoverDelay_ms() * 1_000_000L + Protection.PEC_WINDOW_ns);
    }

    @Test
    void thePulseBudgetAllowsThePulseCurrentForThePulseTimeAndNotLonger() {
        ProtectionBench bench = new ProtectionBench();
        FaultId id = FaultId.MOS_PULSE_OVERLOAD;
        ProtectionSettings.PulseBudget pulse = bench.settings.pulse();
        // the rated current runs for ever
        for (long i = 0; i < ticksOf(10 * pulse.pulse_ms()); i++) {
            assertThat(bench.tick(id, -pulse.rated_mA())).isFalse();
        }
        // the pulse current trips when its time is up, within a tick
        long start = bench.now();
        while (!bench.tick(id, -pulse.pulse_mA())) {
            assertThat(bench.now() - start).isLessThan(pulse.pulse_ms() * 1_000_000L + ProtectionBench.PERIOD_ns);
        }
        assertThat(bench.now() - start).isGreaterThanOrEqualTo(pulse.pulse_ms() * 1_000_000L);
        // with no current the MOSFETs cool at the rated rate: half the budget back takes
        // (pulse² − rated²) / rated² × pulse time / 2
        double rated = pulse.rated_mA() / 1000.0;
        double peak = pulse.pulse_mA() / 1000.0;
        double coolToHalf_ms = (peak * peak - rated * rated) / (rated * rated) * pulse.pulse_ms() / 2;
        long cooled = bench.now();
        while (bench.tick(id, 0)) {
            // cooling
        }
        // the budget is read in steps of 0.1 %, so recovery may come that much sooner
        double step_ms = 2 * coolToHalf_ms / 1000;
        assertThat((bench.now() - cooled) / 1e6).isBetween(coolToHalf_ms - step_ms - 10, coolToHalf_ms + 10);
    }

    @Test
    void aReadingThatCannotBeMeasuredNeitherTripsNorClears() {
        ProtectionBench bench = new ProtectionBench();
        FaultId id = FaultId.CELL_OVERVOLTAGE;
        Limit limit = bench.settings.limit(id);
        tripAfterDelay(bench, id, limit);
        for (int i = 0; i < 3; i++) {
            bench.tick(FaultId.AFE_COMMUNICATION_LOST, 1);
            assertThat(bench.active(id)).as("no cell reading: the fault holds").isTrue();
        }
    }
}
