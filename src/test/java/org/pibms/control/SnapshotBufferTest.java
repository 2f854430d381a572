package org.pibms.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.pibms.core.ActiveFault;
import org.pibms.core.Balancing;
import org.pibms.core.Chemistry;
import org.pibms.core.FaultId;
import org.pibms.core.Measurement;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;
import org.pibms.core.SocCalibration;
import org.pibms.core.SocState;
import org.pibms.core.settings.BalancingSettings;
import org.pibms.core.settings.ChargeLimitSettings;
import org.pibms.core.settings.ProtectionSettings;
import org.pibms.core.settings.SocSettings;

class SnapshotBufferTest {

    private static final ChargeLimits NO_LIMITS = new ChargeLimits(8,
            ChargeLimitSettings.defaultsFor(Chemistry.LFP, 50_000, 100_000));

    /** Limits that have ramped up on a healthy pack: CCL 50 A, DCL 100 A. */
    private static ChargeLimits limits() {
        ChargeLimits limits = new ChargeLimits(8, ChargeLimitSettings.defaultsFor(Chemistry.LFP, 50_000, 100_000));
        ChargeLimits.Inputs in = new ChargeLimits.Inputs();
        in.cellsKnown = true;
        in.highestCell_mV = 3300;
        in.lowestCell_mV = 3300;
        in.cellTemperaturesKnown = true;
        in.highestCellTemperature_dC = 250;
        in.lowestCellTemperature_dC = 250;
        in.chargeMos = true;
        in.dischargeMos = true;
        ProtectionSettings protection = ProtectionSettings.defaultsFor(new ProtectionSettings.Pack(Chemistry.LFP, 8,
                100_000, 300_000));
        for (long t = 0; t <= 120_000; t += 1000) {
            limits.update(t, in, protection);
        }
        return limits;
    }

    private static final Protection QUIET = new ProtectionBench().protection;
    private static final SocEstimator NO_SOC = new SocEstimator(
            SocSettings.defaultsFor(Chemistry.LFP, 100_000, 300_000), 100_000, new int[0]);

    /** An estimator that shows {@code displayed_pct}, restored from a saved state. */
    private static SocEstimator showing(double displayed_pct) {
        SocEstimator soc = new SocEstimator(SocSettings.defaultsFor(Chemistry.LFP, 100_000, 300_000), 100_000,
                new int[0]);
        soc.restore(new SocState(0, 36_000_000, displayed_pct, 9, 11, 100_000, 1, 2, 15, 250_000,
                SocCalibration.FULL_CHARGE, 7, null), 0);
        Measurement cells = new Measurement(8, 0);
        cells.invalidate(0);
        cells.setCellVoltagesValid(true);
        soc.update(cells, 0, false);
        return soc;
    }

    private static final Balancer IDLE = new Balancer(BalancingSettings.defaultsFor(Chemistry.LFP, 100_000), 8, 33,
            new int[0]);

    /** A balancer told to balance, with the given cells (from 1) 50 mV above the others. */
    private static Balancer bleeding(int... cells) {
        Balancer balancer = new Balancer(BalancingSettings.defaultsFor(Chemistry.LFP, 100_000), 8, 33, new int[0]);
        balancer.setCommand(Balancing.Command.ON);
        Measurement m = new Measurement(8, 0);
        m.invalidate(0);
        for (int i = 0; i < 8; i++) {
            m.setCellVoltage_mV(i, 3300);
        }
        for (int cell : cells) {
            m.setCellVoltage_mV(cell - 1, 3350);
        }
        m.setCellVoltagesValid(true);
        balancer.step(0, m, false);
        return balancer;
    }

    @Test
    void theSnapshotOfATickIsBuiltOnceAndShared() {
        SnapshotBuffer buffer = new SnapshotBuffer(8, List.of("t"), List.of(), 100_000, false);
        Measurement m = new Measurement(8, 1);
        m.invalidate(0);
        buffer.publish(1, 1000, PackState.NORMAL, m, NO_SOC, 0, true, true, false, 0, false, false, false, IDLE, QUIET, NO_LIMITS, 1);

        PackSnapshot first = buffer.latest();
        assertThat(buffer.latest()).isSameAs(first);

        buffer.publish(2, 1100, PackState.NORMAL, m, NO_SOC, 0, true, true, false, 0, false, false, false, IDLE, QUIET, NO_LIMITS, 1);
        assertThat(buffer.latest()).isNotSameAs(first);
        assertThat(buffer.latest().sequence()).isEqualTo(2);
    }

    @Test
    void everyFieldArrives() {
        SnapshotBuffer buffer = new SnapshotBuffer(8, List.of("a", "b"), List.of("do1", "do2"), 100_000, true);
        Measurement m = new Measurement(8, 2);
        m.invalidate(0);
        for (int i = 0; i < 8; i++) {
            m.setCellVoltage_mV(i, 3000 + i);
        }
        m.setCellVoltagesValid(true);
        m.setCurrent_mA(-1234);
        m.setPackVoltage_mV(24_028);
        m.setTemperature_dC(1, 312);

        m.setAcc(true);
        ProtectionBench tripped = new ProtectionBench();
        while (!tripped.tick(FaultId.CELL_OVERVOLTAGE, 3700)) {
            // until the delay has passed
        }

        buffer.publish(7, 42, PackState.FAULT, m, showing(12.5), 99, false, true, true, 0b10, true, false, true,
                bleeding(1, 3), tripped.protection, limits(), 5);

        PackSnapshot s = buffer.latest();
        assertThat(s.sequence()).isEqualTo(7);
        assertThat(s.time_ms()).isEqualTo(42);
        assertThat(s.state()).isEqualTo(PackState.FAULT);
        assertThat(s.simulated()).isTrue();
        assertThat(s.cellVoltages_mV()).containsExactly(3000, 3001, 3002, 3003, 3004, 3005, 3006, 3007);
        assertThat(s.current_mA()).isEqualTo(-1234);
        assertThat(s.packVoltage_mV()).isEqualTo(24_028);
        assertThat(s.packVoltageValid()).isTrue();
        assertThat(s.loadVoltageValid()).isFalse();
        assertThat(s.temperatureValid(0)).isFalse();
        assertThat(s.temperature_dC(1)).isEqualTo(312);
        assertThat(s.soc_pct()).isEqualTo(12.5);
        assertThat(s.soc().charge_mAs()).isEqualTo(36_000_000);
        assertThat(s.soc().lastCalibration()).isEqualTo(SocCalibration.FULL_CHARGE);
        assertThat(s.soc().lastCalibrationAt_ms()).isEqualTo(99);
        assertThat(s.soc().offset_mA()).isEqualTo(15);
        assertThat(s.soh_pct()).isEqualTo(100);
        assertThat(s.cycles()).isEqualTo(2.5);
        assertThat(s.chargeMos()).isFalse();
        assertThat(s.dischargeMos()).isTrue();
        assertThat(s.cvl_mV()).isEqualTo(8 * 3450);
        assertThat(s.ccl_mA()).isEqualTo(50_000);
        assertThat(s.dcl_mA()).isEqualTo(100_000);
        assertThat(s.floatCharging()).isFalse();
        assertThat(s.balancingMask()).isEqualTo(0b101);
        assertThat(s.balancing().command()).isEqualTo(Balancing.Command.ON);
        assertThat(s.balancing().activity()).isEqualTo(Balancing.Activity.BALANCING);
        assertThat(s.balancing().current_mA()).containsExactly(100, 0, 100, 0, 0, 0, 0, 0);
        assertThat(s.faults()).contains(new ActiveFault(FaultId.CELL_OVERVOLTAGE, ActiveFault.State.ACTIVE, "cell 4",
                3700, 3650));
        assertThat(s.precharging()).isTrue();
        assertThat(s.outputNames()).containsExactly("do1", "do2");
        assertThat(s.outputOn(0)).isFalse();
        assertThat(s.outputOn(1)).isTrue();
        assertThat(s.chargeManualOff()).isTrue();
        assertThat(s.dischargeManualOff()).isFalse();
        assertThat(s.lowPower()).isTrue();
        assertThat(s.acc()).isTrue();
        assertThat(s.accValid()).isTrue();
        assertThat(s.capacity_mAh()).isEqualTo(100_000);
    }

    /**
     * A writer publishes ticks in which every value equals the tick number; readers on other
     * threads must never see two ticks mixed in one snapshot.
     */
    @Test
    void readersNeverSeeATornTick() throws Exception {
        SnapshotBuffer buffer = new SnapshotBuffer(20, List.of("t"), List.of(), 100_000, false);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        Thread[] readers = new Thread[3];
        for (int r = 0; r < readers.length; r++) {
            readers[r] = new Thread(() -> {
                while (!done.get() && torn.get() == null) {
                    PackSnapshot s = buffer.latest();
                    long expected = s.sequence();
                    for (int i = 0; i < s.cellCount(); i++) {
                        if (s.cellVoltage_mV(i) != expected) {
                            torn.set("tick " + expected + " has cell " + (i + 1) + " = " + s.cellVoltage_mV(i));
                        }
                    }
                    if (s.current_mA() != expected || s.time_ms() != expected) {
                        torn.set("tick " + expected + " has current " + s.current_mA() + ", time " + s.time_ms());
                    }
                    reads.incrementAndGet();
                }
            });
            readers[r].start();
        }

        Measurement m = new Measurement(20, 1);
        Balancer idle = new Balancer(BalancingSettings.defaultsFor(Chemistry.LFP, 100_000), 20, 33, new int[0]);
        for (int tick = 1; tick <= 300_000 && torn.get() == null; tick++) {
            m.invalidate(tick);
            for (int i = 0; i < 20; i++) {
                m.setCellVoltage_mV(i, tick);
            }
            m.setCurrent_mA(tick);
            buffer.publish(tick, tick, PackState.NORMAL, m, NO_SOC, 0, false, false, false, 0, false, false, false, idle,
                    QUIET, NO_LIMITS, 1);
        }
        done.set(true);
        for (Thread reader : readers) {
            reader.join();
        }

        assertThat(torn.get()).isNull();
        assertThat(reads.get()).isPositive();
    }
}
