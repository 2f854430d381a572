package org.pibms.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.pibms.bench.BenchReport;
import org.pibms.core.settings.PortSettings;
import org.pibms.core.settings.Settings;
import org.pibms.protocol.Crc16Modbus;
import org.pibms.protocol.StreamServer;
import org.pibms.protocol.modbus.SunSpecMap;
import org.pibms.transport.ByteLink;

/**
 * {@code pibms bench protocol}: how long a serial port takes to answer, from the moment a request
 * is complete to the moment the first byte of the answer is written (target: p99 at most 2 ms).
 * The wire is left out: a real line adds the bytes' transmission time on both sides, which
 * depends on the baud rate and not on pibms.
 *
 * <p>The serving path is the daemon's own: a {@link PortService} thread with the server
 * {@link Daemon#portServer} builds for a configured port (the ANT session, or Modbus RTU over the
 * SunSpec map), reading the snapshots of a running daemon on a simulated pack at real-time speed.
 * Only the serial device is replaced, by {@link BenchLink}: its read hands over a whole request
 * and notes the time; its write notes the time the answer arrived.
 *
 * <p>Both sessions know when a request is complete from its bytes alone, so neither waits for a
 * silence: an ANT request ends with its length (new protocol: CRC and {@code AA 55}; old: the
 * checksum of six bytes), and Modbus RTU function 03 is always eight bytes, ended by its CRC
 * ({@code ModbusRtuSession} waits for t3.5 only for function codes of unknown length). The
 * turnaround measured is therefore all a client waits beyond the wire.
 */
public final class ProtocolBench {

    /** The new protocol's status request, as captured from ANT's own clients. */
    static final byte[] ANT_NEW_STATUS = HexFormat.of().parseHex("7ea1010000be1855aa55");
    /** The old protocol's status request, as the ANT's BLE app and some serial clients send it. */
    static final byte[] ANT_OLD_STATUS = HexFormat.of().parseHex("dbdb00000000");
    /** 125 registers, the most one function 03 may read: model 802 (battery) and the start of model 64900. */
    static final int MODBUS_FIRST = SunSpecMap.BASE + 70;
    static final int MODBUS_COUNT = 125;
    static final int UNIT_ID = 1;

    /** Two ports as a user would list them; their devices are never opened, the bench serves them itself. */
    private static final String PORTS_YAML = """
            ports:
              - device: /dev/bench-ant
                protocol: ant
              - device: /dev/bench-modbus
                protocol: modbus
                unit_id: %d
            """.formatted(UNIT_ID);

    private static final long REPLY_TIMEOUT_ms = 2000;

    private ProtocolBench() {
    }

    /** One kind of request: what is sent and how a right answer begins and how long it is. */
    record Request(String name, byte[] bytes, byte[] replyStart, int replyLength) {
    }

    public static BenchReport run(boolean quick) {
        int warmUp = quick ? 1_000 : 20_000;
        int measured = quick ? 300 : 10_000;
        Path scratch = BenchRig.scratchDirectory();
        try {
            Settings withPorts = BenchRig.settings(PORTS_YAML, scratch);
            // the daemon itself runs without the ports: the bench serves them over its own links
            Settings settings = BenchRig.settings("", scratch);
            try (Daemon daemon = BenchRig.start(settings)) {
                PortSettings ant = withPorts.ports().get(0);
                PortSettings modbus = withPorts.ports().get(1);
                Request antNew = new Request("ANT status, new protocol", ANT_NEW_STATUS,
                        HexFormat.of().parseHex("7ea111"), -1);
                Request antOld = new Request("ANT status, old protocol", ANT_OLD_STATUS,
                        HexFormat.of().parseHex("aa55aaff"), 140);
                Request modbusRead = new Request("Modbus RTU, 03 for " + MODBUS_COUNT + " registers",
                        modbusRead(UNIT_ID, MODBUS_FIRST, MODBUS_COUNT),
                        new byte[] {UNIT_ID, 0x03, (byte) (2 * MODBUS_COUNT)}, 3 + 2 * MODBUS_COUNT + 2);
                long[] antNew_ns = measure(daemon, ant, antNew, warmUp, measured);
                long[] antOld_ns = measure(daemon, ant, antOld, warmUp, measured);
                long[] modbus_ns = measure(daemon, modbus, modbusRead, warmUp, measured);

                BenchReport report = new BenchReport("protocol", String.format(Locale.ROOT,
                        "request complete -> first answer byte written, wire time excluded; the daemon's port thread"
                                + " and sessions on a running simulated 16S daemon, over an in-memory link; %d"
                                + " requests each after %d warm-up; Modbus: unit %d, 03 at %d..%d (ends by length"
                                + " and CRC, no t3.5 wait)", measured, warmUp, UNIT_ID, MODBUS_FIRST,
                        MODBUS_FIRST + MODBUS_COUNT - 1), quick);
                add(report, "ANT new status", antNew_ns);
                add(report, "ANT old status", antOld_ns);
                add(report, "Modbus RTU 125 registers", modbus_ns);
                return report;
            }
        } finally {
            BenchRig.delete(scratch);
        }
    }

    private static void add(BenchReport report, String what, long[] samples_ns) {
        Arrays.sort(samples_ns);
        report.add(what + ": p50", BenchRig.quantile_ms(samples_ns, 0.50), "ms");
        report.add(what + ": p99", BenchRig.quantile_ms(samples_ns, 0.99), "ms", 2.0);
        report.add(what + ": p99.9", BenchRig.quantile_ms(samples_ns, 0.999), "ms");
        report.add(what + ": max", samples_ns[samples_ns.length - 1] / 1e6, "ms");
    }

    /**
     * Sends the request {@code warmUp + measured} times, one after the answer to the last, and
     * returns the turnarounds of the last {@code measured}. Every answer is checked: a bench that
     * timed refusals would time the wrong thing.
     */
    private static long[] measure(Daemon daemon, PortSettings port, Request request, int warmUp, int measured) {
        StreamServer server = daemon.portServer(port, DeviceIdentity.serialNumber(), System.nanoTime() / 1_000_000);
        BenchLink link = new BenchLink(Daemon.quiet_ms(port));
        long[] turnaround_ns = new long[measured];
        try (PortService service = new PortService(link.opener(port.device().toString()), server, System::nanoTime)) {
            service.start();
            for (int i = 0; i < warmUp + measured; i++) {
                byte[] reply = link.exchange(request.bytes());
                check(request, reply);
                if (i >= warmUp) {
                    turnaround_ns[i - warmUp] = link.firstByteWritten_ns - link.lastByteHandedOver_ns;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return turnaround_ns;
    }

    private static void check(Request request, byte[] reply) {
        boolean right = reply != null && reply.length >= request.replyStart().length
                && Arrays.equals(reply, 0, request.replyStart().length, request.replyStart(), 0,
                        request.replyStart().length)
                && (request.replyLength() < 0 || reply.length == request.replyLength());
        if (!right) {
            throw new IllegalStateException(request.name() + ": unexpected answer "
                    + (reply == null ? "(none within " + REPLY_TIMEOUT_ms + " ms)" : HexFormat.of().formatHex(reply)));
        }
    }

    /** An RTU request for function 03, CRC low byte first. */
    static byte[] modbusRead(int unit, int first, int count) {
        byte[] frame = {(byte) unit, 0x03, (byte) (first >> 8), (byte) first, (byte) (count >> 8), (byte) count, 0, 0};
        int crc = Crc16Modbus.of(frame, 0, 6);
        frame[6] = (byte) crc;
        frame[7] = (byte) (crc >>> 8);
        return frame;
    }

    /**
     * A serial device in memory. A read waits for the bench's next request and hands it over whole,
     * noting the time just before it returns: the request's last byte has then reached the port's
     * thread. A write notes the time it was called with the answer, whose first byte a UART would
     * start sending now. Between requests a read returns 0 after the port's quiet time, as a
     * serial device does.
     */
    static final class BenchLink implements ByteLink {

        private final int quiet_ms;
        private final BlockingQueue<byte[]> requests = new ArrayBlockingQueue<>(1);
        private final BlockingQueue<byte[]> answers = new ArrayBlockingQueue<>(1);
        private volatile boolean closed;
        volatile long lastByteHandedOver_ns;
        volatile long firstByteWritten_ns;

        BenchLink(int quiet_ms) {
            this.quiet_ms = quiet_ms;
        }

        ByteLink.Opener opener(String name) {
            return new ByteLink.Opener() {
                @Override
                public ByteLink open() throws IOException {
                    if (closed) {
                        throw new IOException("the bench is over");
                    }
                    return BenchLink.this;
                }

                @Override
                public String name() {
                    return name;
                }
            };
        }

        /** Sends a request and waits for its answer; null if none came in time. */
        byte[] exchange(byte[] request) throws InterruptedException {
            requests.put(request);
            return answers.poll(REPLY_TIMEOUT_ms, TimeUnit.MILLISECONDS);
        }

        @Override
        public int read(byte[] buffer) throws IOException {
            byte[] request;
            try {
                request = requests.poll(quiet_ms, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new IOException("interrupted", e);
            }
            if (closed) {
                throw new IOException("closed");
            }
            if (request == null) {
                return 0;
            }
            System.arraycopy(request, 0, buffer, 0, request.length);
            lastByteHandedOver_ns = System.nanoTime();
            return request.length;
        }

        @Override
        public void write(byte[] bytes) {
            firstByteWritten_ns = System.nanoTime();
            answers.add(bytes);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
