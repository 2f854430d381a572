package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.pibms.core.Balancing.Activity;
import org.pibms.core.Balancing.Command;
import org.pibms.core.Chemistry;
import org.pibms.core.Measurement;
import org.pibms.core.settings.BalancingSettings;
import org.pibms.core.settings.BalancingSettings.Mode;

/**
 * Every rule of the balancer on an 8-cell LFP pack with 33 Ω bleed resistors, ticked every
 * 100 ms: start voltage, start and stop delta, mode, floor, channels, adjacency, duty, the
 * measurement pause, heat, faults and commands.
 */
class BalancerTest {

    private static final int CELLS = 8;
    private static final int CHARGING_mA = 5000;
    private static final int RESISTOR_Ohm = 33;
    /** Sensor 0 is on the balance resistors. */
    private static final int[] BALANCE_SENSOR = {0};

    private final Measurement m = new Measurement(CELLS, 1);
    private long time_ms;

    private static BalancingSettings defaults() {
        return BalancingSettings.defaultsFor(Chemistry.LFP, 100_000);
    }

    private static BalancingSettings with(Mode mode, int maxChannels, boolean nonAdjacent, int current_mA,
            int pause_ms) {
        BalancingSettings d = defaults();
        return new BalancingSettings(true, mode, d.start_mV(), d.startDelta_mV(), d.stopDelta_mV(), d.floor_mV(),
                d.restCurrent_mA(), maxChannels, nonAdjacent, current_mA, d.window_ms(), pause_ms, d.thermal());
    }

    private static Balancer balancer(BalancingSettings settings) {
        return new Balancer(settings, CELLS, RESISTOR_Ohm, BALANCE_SENSOR);
    }

    /** Cells at {@code base_mV}, then the given cells (from 1) at the given voltages, in pairs; charging, 25 °C. */
    private void cells(int base_mV, int... cellAndVoltage) {
        cellsOnly(base_mV, cellAndVoltage);
        m.setCurrent_mA(CHARGING_mA);
        m.setTemperature_dC(0, 250);
    }

    /** As {@link #cells}, without a current or temperature reading. */
    private void cellsOnly(int base_mV, int... cellAndVoltage) {
        m.invalidate(time_ms * 1_000_000);
        for (int i = 0; i < CELLS; i++) {
            m.setCellVoltage_mV(i, base_mV);
        }
        for (int i = 0; i < cellAndVoltage.length; i += 2) {
            m.setCellVoltage_mV(cellAndVoltage[i] - 1, cellAndVoltage[i + 1]);
        }
        m.setCellVoltagesValid(true);
    }

    private long step(Balancer balancer) {
        long mask = balancer.step(time_ms, m, false);
        time_ms += 100;
        return mask;
    }

    /** Steps until the next window starts, so the balancer chooses afresh from the present reading. */
    private long nextWindow(Balancer balancer) {
        long end = time_ms + defaults().window_ms();
        while (time_ms < end) {
            step(balancer);
        }
        return step(balancer);
    }

    @Test
    void aCellStartsAtTheStartDeltaAboveTheLowestOnceTheHighestReachesTheStartVoltage() {
        Balancer b = balancer(defaults());
        cells(3420, 3, 3435);
        assertThat(step(b)).isEqualTo(0b100);
        assertThat(b.activity()).isEqualTo(Activity.BALANCING);

        Balancer shortOfDelta = balancer(defaults());
        cells(3420, 3, 3434);
        assertThat(step(shortOfDelta)).isZero();
        assertThat(shortOfDelta.activity()).isEqualTo(Activity.BALANCED);
    }

    @Test
    void belowTheStartVoltageNothingBleedsHoweverLargeTheDelta() {
        Balancer b = balancer(defaults());
        cells(3300, 3, 3399);
        assertThat(step(b)).isZero();
        assertThat(b.activity()).isEqualTo(Activity.BELOW_START);

        cells(3300, 3, 3400);
        assertThat(nextWindow(b)).isEqualTo(0b100);
    }

    @Test
    void aBleedingCellStopsAtTheStopDeltaNotBefore() {
        Balancer b = balancer(defaults());
        cells(3420, 3, 3440);
        assertThat(step(b)).isEqualTo(0b100);

        cells(3420, 3, 3426);
        assertThat(nextWindow(b)).as("6 mV above the lowest, stop at 5").isEqualTo(0b100);
        cells(3420, 3, 3425);
        assertThat(nextWindow(b)).isZero();
        assertThat(b.activity()).isEqualTo(Activity.BALANCED);
    }

    @Test
    void betweenTheStopAndStartDeltaOnlyACellAlreadyBleedingBleeds() {
        Balancer b = balancer(defaults());
        cells(3420, 3, 3440);
        step(b);

        // cell 3 has come down into the band, cell 5 has risen into it: 3 goes on, 5 does not start
        cells(3420, 3, 3430, 5, 3430);
        assertThat(nextWindow(b)).isEqualTo(0b100);
    }

    @Test
    void theChoiceIsMadeOncePerWindowNotEveryTick() {
        Balancer b = balancer(defaults());
        cells(3420);
        step(b);
        cells(3420, 3, 3440);
        assertThat(step(b)).as("mid-window").isZero();
        assertThat(nextWindow(b)).isEqualTo(0b100);
    }

    @Test
    void chargingModeBleedsOnlyWhileCharging() {
        Balancer b = balancer(with(Mode.CHARGING, 8, false, 100, 0));
        cells(3420, 3, 3440);
        m.setCurrent_mA(defaults().restCurrent_mA());
        assertThat(step(b)).as("at the rest current").isZero();
        assertThat(b.activity()).isEqualTo(Activity.NOT_CHARGING);

        cells(3420, 3, 3440);
        m.setCurrent_mA(defaults().restCurrent_mA() + 1);
        assertThat(nextWindow(b)).isEqualTo(0b100);
    }

    @Test
    void chargingOrRestingModeBleedsAtRestButNotWhileDischarging() {
        Balancer b = balancer(with(Mode.CHARGING_OR_RESTING, 8, false, 100, 0));
        cells(3420, 3, 3440);
        m.setCurrent_mA(-defaults().restCurrent_mA());
        assertThat(step(b)).as("resting").isEqualTo(0b100);

        cells(3420, 3, 3440);
        m.setCurrent_mA(-defaults().restCurrent_mA() - 1);
        assertThat(nextWindow(b)).isZero();
        assertThat(b.activity()).isEqualTo(Activity.DISCHARGING);
    }

    @Test
    void alwaysModeBleedsWhileDischargingAndWithoutACurrentReading() {
        Balancer b = balancer(with(Mode.ALWAYS, 8, false, 100, 0));
        cells(3420, 3, 3440);
        m.setCurrent_mA(-50_000);
        assertThat(step(b)).isEqualTo(0b100);

        Balancer noCurrent = balancer(with(Mode.ALWAYS, 8, false, 100, 0));
        cellsOnly(3420, 3, 3440);
        m.setTemperature_dC(0, 250);
        assertThat(step(noCurrent)).isEqualTo(0b100);
    }

    @Test
    void noCurrentReadingStopsTheModesThatNeedOne() {
        Balancer b = balancer(defaults());
        cellsOnly(3420, 3, 3440);
        m.setTemperature_dC(0, 250);
        assertThat(step(b)).isZero();
        assertThat(b.activity()).isEqualTo(Activity.NO_CURRENT);
    }

    @Test
    void aCellBelowTheFloorNeverBleeds() {
        Balancer b = balancer(defaults());
        b.setCommand(Command.ON);
        int floor = defaults().floor_mV();
        cells(floor - 40, 3, floor - 1, 5, floor);
        assertThat(step(b)).as("cell 3 is a mV under the floor, cell 5 on it").isEqualTo(0b10000);
    }

    @Test
    void atMostMaxChannelsBleedTheHighestFirst() {
        Balancer b = balancer(with(Mode.CHARGING_OR_RESTING, 2, false, 100, 0));
        cells(3420, 2, 3450, 4, 3470, 6, 3460, 8, 3440);
        assertThat(step(b)).isEqualTo(0b101000);
    }

    @Test
    void aCellLeftOutByTheChannelLimitKeepsItsPlaceInTheStopBand() {
        Balancer b = balancer(with(Mode.CHARGING_OR_RESTING, 1, false, 100, 0));
        cells(3420, 3, 3440, 5, 3450);
        assertThat(step(b)).isEqualTo(0b10000);
        // cell 5 is done; cell 3 is in the band between the deltas but wanted since the start
        cells(3420, 3, 3430, 5, 3420);
        assertThat(nextWindow(b)).isEqualTo(0b100);
    }

    @Test
    void theOpenWirePauseKeepsTheCellsInTheStopBandBleeding() {
        Balancer b = balancer(defaults());
        cells(3420, 3, 3440);
        step(b);
        b.holdOff(true);
        step(b);
        b.holdOff(false);
        cells(3420, 3, 3430);
        assertThat(step(b)).isEqualTo(0b100);
    }

    @Test
    void theNonAdjacentPatternNeverBleedsNeighboursTogether() {
        Balancer b = balancer(with(Mode.CHARGING_OR_RESTING, 8, true, 100, 0));
        cells(3420, 3, 3470, 4, 3460, 5, 3450, 7, 3440, 8, 3440);
        // 3 first; 4 is its neighbour; 5 is free; 7 then; 8 is 7's neighbour
        assertThat(step(b)).isEqualTo(0b1010100);

        Balancer adjacent = balancer(with(Mode.CHARGING_OR_RESTING, 8, false, 100, 0));
        cells(3420, 3, 3470, 4, 3460, 5, 3450, 7, 3440, 8, 3440);
        assertThat(step(adjacent)).isEqualTo(0b11011100);
    }

    @Test
    void aLowerCurrentIsMadeByClosingTheSwitchForPartOfTheWindow() {
        Balancer b = balancer(with(Mode.CHARGING_OR_RESTING, 8, false, 50, 0));
        cells(3420, 3, 3465);
        int on = 0;
        int window = defaults().window_ms() / 100;
        for (int tick = 0; tick < window; tick++) {
            if ((step(b) & 0b100) != 0) {
                on++;
            }
        }
        // 3465 mV over 33 Ω is 105 mA: 50 mA needs the switch closed 48 % of the time
        assertThat(on).isEqualTo(48);
        assertThat(b.current_mA(2)).isEqualTo(50);
        assertThat(b.current_mA(0)).isZero();
    }

    @Test
    void theFullResistorCurrentIsReportedWhenTheWantedOneIsHigher() {
        Balancer b = balancer(with(Mode.CHARGING_OR_RESTING, 8, false, 200, 0));
        cells(3420, 3, 3465);
        step(b);
        assertThat(b.current_mA(2)).isEqualTo(105);
    }

    @Test
    void everySwitchIsOpenForTheMeasurementPauseAtTheEndOfTheWindow() {
        Balancer b = balancer(with(Mode.CHARGING_OR_RESTING, 8, false, 100, 1000));
        cells(3420, 3, 3400 + 65);
        int window = defaults().window_ms() / 100;
        int lastOn = -1;
        for (int tick = 0; tick < window; tick++) {
            if ((step(b) & 0b100) != 0) {
                lastOn = tick;
            }
        }
        // 100 of 105 mA over the 9 s before the pause: 8.57 s, ticks 0..85
        assertThat(lastOn).isEqualTo(85);
        assertThat(b.current_mA(2)).isEqualTo(90);
    }

    @Test
    void warmResistorsDerateTheDutyLinearlyAndHotOnesStopBalancingUntilTheyCool() {
        BalancingSettings.Thermal t = defaults().thermal();
        Balancer b = balancer(with(Mode.CHARGING_OR_RESTING, 8, false, 105, 0));
        cells(3420, 3, 3465);
        m.setTemperature_dC(0, (t.derateFrom_dC() + t.stop_dC()) / 2);
        step(b);
        assertThat(b.current_mA(2)).as("half way to the stop").isEqualTo(53);

        cells(3420, 3, 3465);
        m.setTemperature_dC(0, t.stop_dC());
        assertThat(step(b)).as("at once, mid-window").isZero();
        assertThat(b.activity()).isEqualTo(Activity.TOO_HOT);

        cells(3420, 3, 3465);
        m.setTemperature_dC(0, t.derateFrom_dC() + 1);
        assertThat(step(b)).as("still cooling").isZero();
        cells(3420, 3, 3465);
        m.setTemperature_dC(0, t.derateFrom_dC());
        assertThat(step(b)).isEqualTo(0b100);
        assertThat(b.current_mA(2)).isEqualTo(105);
    }

    @Test
    void anUnreadableBalanceTemperatureStopsBalancingButNoSensorAtAllDoesNot() {
        Balancer b = balancer(defaults());
        cellsOnly(3420, 3, 3440);
        m.setCurrent_mA(CHARGING_mA);
        assertThat(step(b)).isZero();
        assertThat(b.activity()).isEqualTo(Activity.NO_TEMPERATURE);

        Balancer noSensor = new Balancer(defaults(), CELLS, RESISTOR_Ohm, new int[0]);
        assertThat(step(noSensor)).isEqualTo(0b100);
    }

    @Test
    void aBlockingFaultStopsEveryBleedAtOnceAndTheChoiceStartsAfreshAfterIt() {
        Balancer b = balancer(defaults());
        cells(3420, 3, 3440);
        step(b);
        assertThat(b.step(time_ms, m, true)).isZero();
        assertThat(b.activity()).isEqualTo(Activity.BLOCKED);
        time_ms += 100;
        assertThat(step(b)).as("the next tick, not the next window").isEqualTo(0b100);
    }

    @Test
    void noValidCellReadingStopsEveryBleed() {
        Balancer b = balancer(defaults());
        cells(3420, 3, 3440);
        step(b);
        m.setCellVoltagesValid(false);
        assertThat(step(b)).isZero();
        assertThat(b.activity()).isEqualTo(Activity.NO_READING);
    }

    @Test
    void onIgnoresTheModeAndStartVoltageOffStopsEverythingAutoHandsBackToTheRules() {
        Balancer b = balancer(with(Mode.CHARGING, 8, false, 100, 0));
        cells(3300, 3, 3340);
        m.setCurrent_mA(-20_000);
        assertThat(step(b)).isZero();

        b.setCommand(Command.ON);
        assertThat(step(b)).isEqualTo(0b100);
        b.setCommand(Command.OFF);
        assertThat(step(b)).isZero();
        assertThat(b.activity()).isEqualTo(Activity.OFF);
        b.setCommand(Command.AUTO);
        assertThat(step(b)).isZero();
        assertThat(b.activity()).isEqualTo(Activity.NOT_CHARGING);
    }

    @Test
    void disabledRulesBleedNothingButOnStillDoes() {
        BalancingSettings d = defaults();
        Balancer b = balancer(new BalancingSettings(false, d.mode(), d.start_mV(), d.startDelta_mV(), d.stopDelta_mV(),
                d.floor_mV(), d.restCurrent_mA(), d.maxChannels(), d.nonAdjacent(), d.current_mA(), d.window_ms(),
                d.measurePause_ms(), d.thermal()));
        cells(3420, 3, 3440);
        assertThat(step(b)).isZero();
        assertThat(b.activity()).isEqualTo(Activity.DISABLED);
        b.setCommand(Command.ON);
        assertThat(step(b)).isEqualTo(0b100);
    }

    @Test
    void holdingOffOpensEverySwitchAndSaysWhenTheChipHasThemOpenToo() {
        Balancer b = balancer(defaults());
        cells(3420, 3, 3440);
        step(b);
        step(b);
        b.holdOff(true);
        assertThat(b.switchesOpen()).isFalse();
        assertThat(step(b)).isZero();
        assertThat(b.activity()).isEqualTo(Activity.OPEN_WIRE_CHECK);
        assertThat(b.switchesOpen()).as("the chip still has the previous tick's switches").isFalse();
        step(b);
        assertThat(b.switchesOpen()).isTrue();
        b.holdOff(false);
        assertThat(step(b)).isEqualTo(0b100);
    }

    @Test
    void theBledChargeIsCountedWithTheSwitchesInEffectDuringEachInterval() {
        Balancer b = balancer(defaults());
        cells(3300, 3, 3465);
        b.setCommand(Command.ON);
        b.restoreBalanced(new double[] {0, 0, 1.0, 0, 0, 0, 0, 0});
        step(b);
        // decided at 0; on in the chip from the read at 100 ms; counted from the step at 200 ms
        step(b);
        assertThat(b.balanced_mAh(2)).isEqualTo(1.0);
        for (int i = 0; i < 36_000; i++) {
            cells(3300, 3, 3465);
            step(b);
        }
        // one hour at 3465 mV / 33 Ω with the duty of 100 mA: 100 mAh; the 100 ms ticks round
        // the 9.52 s a window wants to 9.6 s, so 100.8 mAh
        assertThat(b.balanced_mAh(2)).isCloseTo(1.0 + 100.8, within(0.1));
        assertThat(b.balanced_mAh(0)).isZero();
    }

    @Test
    void aSavedRecordOfAnotherCellCountIsRefused() {
        Balancer b = balancer(defaults());
        assertThat(b.restoreBalanced(new double[CELLS + 1])).isFalse();
        assertThat(b.restoreBalanced(new double[CELLS])).isTrue();
    }
}
