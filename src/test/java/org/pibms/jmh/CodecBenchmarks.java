package org.pibms.jmh;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.pibms.core.Balancing;
import org.pibms.core.Chemistry;
import org.pibms.core.CommandResult;
import org.pibms.core.CommandSink;
import org.pibms.core.Origin;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;
import org.pibms.core.SocCalibration;
import org.pibms.core.SocState;
import org.pibms.core.settings.ProtectionSettings;
import org.pibms.core.settings.SensorLocation;
import org.pibms.core.settings.TemperatureSensorSettings;
import org.pibms.protocol.ant.AntRequest;
import org.pibms.protocol.ant.AntRequestParser;
import org.pibms.protocol.ant.AntServer;
import org.pibms.protocol.can.InverterFrames;
import org.pibms.protocol.can.InverterProfile;
import org.pibms.protocol.modbus.ModbusServer;
import org.pibms.protocol.modbus.SunSpecMap;

/**
 * The codecs that answer clients from every snapshot: an ANT status reply, a Modbus read of the
 * SunSpec map, an inverter's CAN cycle. Each runs through the same public entry point the daemon's
 * links call, on the demo's pack (16S LFP 100 Ah, the five temperature sensors of
 * config/simulated.yaml) in the middle of a discharge with two cells bleeding. Run them with
 * {@code scripts/jmh}; its {@code -prof gc} adds the bytes each call allocates.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmarks {

    /** The demo's sensors in config order: two on cells, the MOSFETs, the balance resistors, the INA228 die. */
    static final List<TemperatureSensorSettings> SENSORS = List.of(
            new TemperatureSensorSettings("cells_top", SensorLocation.CELL, new TemperatureSensorSettings.LtcGpio(1, 1),
                    16),
            new TemperatureSensorSettings("cells_bottom", SensorLocation.CELL,
                    new TemperatureSensorSettings.LtcGpio(1, 2), 1),
            new TemperatureSensorSettings("mos", SensorLocation.MOS, new TemperatureSensorSettings.LtcGpio(1, 3), 0),
            new TemperatureSensorSettings("balance", SensorLocation.BALANCE,
                    new TemperatureSensorSettings.LtcGpio(1, 4), 0),
            new TemperatureSensorSettings("shunt", SensorLocation.MOS, new TemperatureSensorSettings.Ina228Die(), 0));

    static final int CELLS = 16;
    static final int CAPACITY_mAh = 100_000;

    /** Reads never reach the control loop; a write would be refused, as with writes off. */
    static final CommandSink NO_COMMANDS = (command, origin) -> CompletableFuture.completedFuture(
            CommandResult.rejected("the benchmark takes no commands"));

    /**
     * A 16S LFP pack discharging at 20.4 A at 64 %: cells 3270 to 3350 mV (cells 3 and 16 high
     * and bleeding), every sensor valid, both MOSFETs closed, the LFP protection defaults, a SOC
     * state with a learnt capacity, charge limits as the inverter is told them.
     */
    static PackSnapshot snapshot() {
        int[] cells = {3301, 3298, 3350, 3302, 3297, 3305, 3300, 3299, 3303, 3270, 3301, 3304, 3296, 3300, 3302,
                3341};
        int pack_mV = 0;
        for (int mV : cells) {
            pack_mV += mV;
        }
        List<Integer> bleeding = new ArrayList<>(Collections.nCopies(CELLS, 0));
        bleeding.set(2, 98);
        bleeding.set(15, 97);
        List<Double> balanced = new ArrayList<>(Collections.nCopies(CELLS, 0.0));
        balanced.set(2, 41.5);
        balanced.set(15, 12.25);
        SocState soc = new SocState(1_790_000_000_000L, 0.6425 * 98_700 * 3600, 64.25, 63.9, 64.8, 98_700, 2, 1.5,
                3.2, 2_512_340, SocCalibration.NONE, 1_789_990_000_000L, null);
        return PackSnapshot.builder()
                .sequence(123_456)
                .time_ms(1_790_000_123_456L)
                .state(PackState.NORMAL)
                .simulated(true)
                .cellVoltages_mV(cells, true)
                .packVoltage_mV(pack_mV - 12, true)
                .loadVoltage_mV(pack_mV - 40, true)
                .current_mA(-20_360, true)
                .soc_pct(64.25, true)
                .capacity_mAh(CAPACITY_mAh)
                .soc(soc)
                .temperatures(SENSORS.stream().map(TemperatureSensorSettings::name).toList(),
                        new int[] {251, 243, 318, 362, 297}, new boolean[] {true, true, true, true, true})
                .mos(true, true)
                .chargeLimits(55_200, 50_000, 90_000, false)
                .outputs(List.of("precharge", "alarm"), new boolean[] {false, false})
                .acc(true, true)
                .balancing(new Balancing.State(Balancing.Command.AUTO, Balancing.Activity.BALANCING, bleeding,
                        balanced))
                .protection(ProtectionSettings.defaultsFor(new ProtectionSettings.Pack(Chemistry.LFP, CELLS,
                        CAPACITY_mAh, 300_000)))
                .build();
    }

    /** An ANT link as the serial port service holds it, and the two generations' status requests. */
    @State(Scope.Thread)
    public static class Ant {

        AntServer server;
        AntRequest newStatus;
        AntRequest oldStatus;
        /** Runtime field: the BMS has been up a day. */
        long now_ms = 86_400_000L;

        @Setup
        public void setUp() {
            PackSnapshot snapshot = snapshot();
            AntServer.Options options = new AntServer.Options(Optional.empty(), true, true, Chemistry.LFP,
                    SENSORS.stream().map(TemperatureSensorSettings::location).toList(), "PIBMS16S", "pibms bench");
            server = new AntServer(options, () -> snapshot, NO_COMMANDS, new Origin("ant", "/dev/ttyBENCH"), 0);
            // the requests as the parser makes them from what a client sends
            newStatus = parse(new byte[] {0x7E, (byte) 0xA1, 0x01, 0x00, 0x00, (byte) 0xBE, 0x18, 0x55, (byte) 0xAA,
                    0x55});
            oldStatus = parse(new byte[] {(byte) 0xDB, (byte) 0xDB, 0x00, 0x00, 0x00, 0x00});
        }

        private static AntRequest parse(byte[] bytes) {
            List<AntRequest> requests = new ArrayList<>();
            new AntRequestParser(requests::add).accept(bytes);
            if (requests.size() != 1) {
                throw new IllegalStateException("the parser found " + requests + " in the status request");
            }
            return requests.get(0);
        }
    }

    /** A Modbus link (TCP: unit id 0, read-only) and a read of 125 registers from the map's start. */
    @State(Scope.Thread)
    public static class Modbus {

        ModbusServer server;
        /** Function 03, address 40000 (0x9C40), 125 registers (0x7D): the longest read Modbus allows. */
        final byte[] read125 = {0x03, (byte) 0x9C, 0x40, 0x00, 0x7D};
        final byte[] response = new byte[ModbusServer.MAX_RESPONSE];

        @Setup
        public void setUp() {
            PackSnapshot snapshot = snapshot();
            SunSpecMap map = new SunSpecMap(new SunSpecMap.Device("pibms 16S LFP", "0.1.0", "0123456789abcdef", 0,
                    CELLS, CELLS * 3200, SENSORS, false));
            server = new ModbusServer(map, () -> snapshot, NO_COMMANDS, new Origin("modbus", "127.0.0.1"), false);
            if (server.answer(read125, 0, read125.length, false, response, 0) != 2 + 2 * 125) {
                throw new IllegalStateException("the map does not answer a read of 125 registers at 40000");
            }
        }
    }

    /** One inverter profile's frame set. */
    @State(Scope.Thread)
    public static class Can {

        @Param({"PYLON", "SMA", "VICTRON"})
        InverterProfile profile;
        InverterFrames frames;
        PackSnapshot snapshot;

        @Setup
        public void setUp() {
            snapshot = snapshot();
            frames = new InverterFrames(profile, new InverterFrames.Battery(CELLS, CAPACITY_mAh, CELLS * 2900,
                    SENSORS.stream().map(TemperatureSensorSettings::location).toList(), "pibms 16S LFP", 0, 1));
        }
    }

    /** New protocol (function 0x11): 106 + 2 × (16 cells + 2 probes) data bytes, CRC-16. */
    @Benchmark
    public void antNewStatus(Ant ant, Blackhole blackhole) {
        blackhole.consume(ant.server.answer(ant.newStatus, ant.now_ms).reply());
    }

    /** Old protocol: the fixed 140-byte frame with its 16-bit sum. */
    @Benchmark
    public void antOldStatus(Ant ant, Blackhole blackhole) {
        blackhole.consume(ant.server.answer(ant.oldStatus, ant.now_ms).reply());
    }

    /** Loads the snapshot into the SunSpec reading, fills the map's image and copies 125 registers out. */
    @Benchmark
    public int modbusRead125(Modbus modbus) {
        return modbus.server.answer(modbus.read125, 0, modbus.read125.length, false, modbus.response, 0);
    }

    /** One cycle of the profile's frames (6 for Pylon, 7 for SMA, 11 for Victron). */
    @Benchmark
    public void canInverterCycle(Can can, Blackhole blackhole) {
        blackhole.consume(can.frames.frames(can.snapshot));
    }
}
