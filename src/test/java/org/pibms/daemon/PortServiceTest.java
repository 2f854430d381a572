package org.pibms.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.pibms.LogCapture;
import org.pibms.core.Chemistry;
import org.pibms.core.CommandResult;
import org.pibms.core.Origin;
import org.pibms.core.PackSnapshot;
import org.pibms.core.settings.SensorLocation;
import org.pibms.protocol.ant.AntServer;
import org.pibms.protocol.ant.AntSession;
import org.pibms.transport.ByteLink;

/** One port's thread: answers, survives a vanishing device and says so once. */
class PortServiceTest {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();
    @RegisterExtension
    final LogCapture log = new LogCapture(PortService.class);

    /** A device whose bytes the test types and reads, and which the test can unplug. */
    static final class Pipe implements ByteLink {
        final BlockingQueue<Byte> in = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> out = new LinkedBlockingQueue<>();
        volatile boolean unplugged;

        @Override
        public int read(byte[] buffer) throws IOException {
            try {
                Byte first = in.poll(20, TimeUnit.MILLISECONDS);
                if (unplugged) {
                    throw new IOException("the device is gone");
                }
                if (first == null) {
                    return 0;
                }
                buffer[0] = first;
                int count = 1;
                Byte next;
                while (count < buffer.length && (next = in.poll()) != null) {
                    buffer[count++] = next;
                }
                return count;
            } catch (InterruptedException e) {
                throw new IOException("interrupted");
            }
        }

        @Override
        public void write(byte[] bytes) {
            out.add(bytes);
        }

        @Override
        public void close() {
            unplugged = true;
        }

        void type(String hex) {
            for (byte b : HEX.parseHex(hex)) {
                in.add(b);
            }
        }
    }

    /** Fails to open while {@code missing} says so; hands out fresh pipes otherwise. */
    static final class Socket implements ByteLink.Opener {
        volatile boolean missing;
        volatile Pipe current;
        final AtomicInteger attempts = new AtomicInteger();

        @Override
        public ByteLink open() throws IOException {
            attempts.incrementAndGet();
            if (missing) {
                throw new IOException("cannot open /dev/ttyTEST: no such device");
            }
            current = new Pipe();
            return current;
        }

        @Override
        public String name() {
            return "/dev/ttyTEST";
        }
    }

    private static AntSession server() {
        PackSnapshot snapshot = PackSnapshot.builder().cellVoltages_mV(new int[] {3300, 3301}, true)
                .capacity_mAh(100_000).build();
        return new AntSession(new AntServer(new AntServer.Options(Optional.of("s3cret12"), true, true, Chemistry.LFP, List.of(),
                "PIBMS2S", "test"), () -> snapshot,
                (command, origin) -> CompletableFuture.completedFuture(CommandResult.accepted("ok")),
                new Origin("ant", "/dev/ttyTEST"), 0));
    }

    @Test
    void answersEachRequestAndComesBackAfterTheDeviceWentAwayLoggingTheOutageOnce() throws Exception {
        Socket socket = new Socket();
        socket.missing = true;
        try (PortService service = new PortService(socket, server(), System::nanoTime, 10)) {
            service.start();
            await(() -> socket.attempts.get() >= 3);
            socket.missing = false;
            await(() -> socket.current != null);
            Pipe first = socket.current;
            first.type("DB");
            first.type("DB 00 00 00 00 7E A1 01 00 00 BE 18 55 AA 55");
            byte[] old = first.out.poll(2, TimeUnit.SECONDS);
            byte[] fresh = first.out.poll(2, TimeUnit.SECONDS);
            assertThat(old).hasSize(140);
            assertThat(HEX.formatHex(fresh)).startsWith("7E A1 11 00 00");

            socket.missing = true;
            first.unplugged = true;
            first.type("00");
            int before = socket.attempts.get();
            await(() -> socket.attempts.get() >= before + 3);
            socket.missing = false;
            await(() -> socket.current != first);
            socket.current.type("5A 5A 00 00 01 01");
            assertThat(socket.current.out.poll(2, TimeUnit.SECONDS)).hasSize(140);
            await(() -> service.sent() == 3);
        }
        List<String> warnings = log.list.stream().filter(e -> e.getLevel().toString().equals("WARN"))
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains("no such device").contains("logged once");
        assertThat(log.list.stream().map(ILoggingEvent::getFormattedMessage))
                .anyMatch(m -> m.contains("open again after"));
    }

    @Test
    void refusalsAreLoggedOnceAMinuteWithACount() throws Exception {
        Socket socket = new Socket();
        try (PortService service = new PortService(socket, server(), () -> 1_000_000_000L, 10)) {
            service.start();
            await(() -> socket.current != null);
            for (int i = 0; i < 5; i++) {
                socket.current.type("7E A1 51 04 00 00 C8 E4 AA 55");
            }
            for (int i = 0; i < 5; i++) {
                assertThat(HEX.formatHex(socket.current.out.poll(2, TimeUnit.SECONDS))).contains("61 04 00 02 00 00");
            }
        }
        assertThat(log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("refused"))
                .toList()).hasSize(1);
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 5 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
