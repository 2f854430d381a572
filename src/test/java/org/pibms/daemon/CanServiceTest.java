package org.pibms.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.LogCapture;
import org.pibms.TestConfigs;
import org.pibms.core.CanFrame;
import org.pibms.core.settings.SensorLocation;
import org.pibms.core.settings.Settings;
import org.pibms.protocol.can.InverterFrames;
import org.pibms.protocol.can.InverterNode;
import org.pibms.protocol.can.InverterProfile;
import org.pibms.transport.can.CanLink;
import org.pibms.transport.can.MemoryCanBus;

/** The CAN service of a running daemon on an in-memory bus: the cycle, keep-alives, losses and floods. */
class CanServiceTest {

    @RegisterExtension
    final LogCapture log = new LogCapture(CanService.class);

    @TempDir
    java.nio.file.Path dir;

    private static InverterNode victron(long period_ms, long timeout_ms) {
        return new InverterNode(new InverterFrames(InverterProfile.VICTRON, new InverterFrames.Battery(16, 100_000,
                46_400, List.of(SensorLocation.CELL), "pibms 16S LFP", 0, 1)), period_ms, timeout_ms);
    }

    private static void await(BooleanSupplier condition, long ms) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %d ms", ms).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private List<String> messages() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void theCycleArrivesEveryPeriodAndTheInverterIsSeenAndLostButNeverWaitedFor() throws Exception {
        Settings settings = TestConfigs.simulated(16, dir, "1");
        MemoryCanBus bus = new MemoryCanBus();
        MemoryCanBus.Member inverter = bus.join(20);
        try (Daemon daemon = Daemon.start(settings);
                CanService service = new CanService(bus.opener("mem0", 5), victron(200, 600), daemon.snapshots(),
                        () -> System.nanoTime() / 1_000_000, 10)) {
            service.start();
            List<CanFrame> heard = new ArrayList<>();
            long start = System.nanoTime();
            while (System.nanoTime() - start < 1_100_000_000L) {
                CanFrame f = inverter.receive();
                if (f != null) {
                    heard.add(f);
                }
            }
            long cycles = heard.stream().filter(f -> f.id() == 0x351).count();
            assertThat(cycles).as("0x351 in 1.1 s at a 200 ms period").isBetween(5L, 7L);
            assertThat(heard.stream().filter(f -> f.id() == 0x356).count()).isEqualTo(cycles);
            assertThat(messages()).noneMatch(m -> m.contains("inverter seen"));

            inverter.send(CanFrame.standard(0x305, new byte[8]));
            await(() -> messages().stream().anyMatch(m -> m.contains("inverter seen (0x305)")), 2000);
            await(() -> messages().stream().anyMatch(m -> m.contains("no keep-alive for")), 3000);
            long before = service.sent();
            await(() -> service.sent() > before + 10, 2000);
        }
    }

    @Test
    void aFloodOfFramesNeitherStopsTheCycleNorDisturbsTheControlLoop() throws Exception {
        Settings settings = TestConfigs.simulated(16, dir, "1");
        MemoryCanBus bus = new MemoryCanBus();
        MemoryCanBus.Member flooder = bus.join(1);
        MemoryCanBus.Member listener = bus.join(1);
        try (Daemon daemon = Daemon.start(settings);
                CanService service = new CanService(bus.opener("mem0", 5), victron(100, 30_000), daemon.snapshots(),
                        () -> System.nanoTime() / 1_000_000, 10)) {
            service.start();
            // the listener reads as the flood goes on: its queue would otherwise keep only the flood's tail
            java.util.concurrent.atomic.AtomicInteger listened = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread counter = new Thread(() -> {
                try {
                    while (flooding.get()) {
                        CanFrame f = listener.receive();
                        if (f != null && f.id() == 0x351 && !f.extended()) {
                            listened.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    // the bus closed: the count is what it is
                }
            });
            counter.start();
            long overrunsBefore = daemon.overruns();
            long ticksBefore = daemon.snapshots().latest().sequence();
            long start = System.nanoTime();
            int flooded = 0;
            // bursts of 500 every 10 ms: 50 000 frames/s, about ten times what a saturated 500 kbit/s bus carries
            while (System.nanoTime() - start < 2_000_000_000L) {
                for (int i = 0; i < 500; i++) {
                    flooder.send(new CanFrame(0x1FFF_0000 | flooded & 0xFFFF, true, new byte[] {(byte) flooded}));
                    flooded++;
                }
                Thread.sleep(10);
            }
            long elapsed_ms = (System.nanoTime() - start) / 1_000_000;
            flooding.set(false);
            counter.join();
            int cycles = listened.get();
            assertThat(flooded).as("frames flooded").isGreaterThan(50_000);
            assertThat(service.heard()).isPositive();
            assertThat(cycles).as("0x351 at 100 ms through %d ms of flood", elapsed_ms).isGreaterThanOrEqualTo(15);
            assertThat(daemon.overruns() - overrunsBefore).as("deadlines the loop missed").isZero();
            assertThat(daemon.snapshots().latest().sequence() - ticksBefore)
                    .isGreaterThanOrEqualTo(elapsed_ms / settings.control().period_ms() - 2);
            System.out.printf("can flood: %d frames in %d ms, %d heard, %d cycles sent meanwhile%n", flooded,
                    elapsed_ms, service.heard(), cycles);
        }
    }

    @Test
    void aBusThatCannotBeOpenedIsRetriedAndLoggedOnce() throws Exception {
        MemoryCanBus bus = new MemoryCanBus();
        int[] attempts = {0};
        CanLink.Opener flaky = new CanLink.Opener() {
            @Override
            public CanLink open(int bitrate) throws IOException {
                if (++attempts[0] < 4) {
                    throw new IOException("cannot open can9: no such CAN interface (ip link show can9)");
                }
                return bus.join(5);
            }

            @Override
            public String name() {
                return "can9";
            }
        };
        MemoryCanBus.Member inverter = bus.join(50);
        try (CanService service = new CanService(flaky, victron(100, 30_000),
                () -> org.pibms.protocol.can.InverterFramesTestSupport.snapshot(), () -> System.nanoTime() / 1_000_000,
                5)) {
            service.start();
            await(() -> {
                try {
                    return inverter.receive() != null;
                } catch (IOException e) {
                    return false;
                }
            }, 3000);
        }
        assertThat(messages()).filteredOn(m -> m.contains("no such CAN interface")).hasSize(1);
        assertThat(messages()).anyMatch(m -> m.contains("open again after 3 failed attempts"));
    }
}
