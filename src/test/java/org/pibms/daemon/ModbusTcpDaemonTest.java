package org.pibms.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.settings.Settings;
import org.pibms.protocol.modbus.SunSpecMap;
import org.pibms.store.EventLogFiles;

/** The Modbus TCP server of a running simulated daemon, from a plain socket client. */
class ModbusTcpDaemonTest {

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    /** Sends one MBAP request and returns the response PDU. */
    private static byte[] ask(Socket socket, int transaction, byte... pdu) throws IOException {
        OutputStream out = socket.getOutputStream();
        byte[] request = new byte[7 + pdu.length];
        request[0] = (byte) (transaction >> 8);
        request[1] = (byte) transaction;
        request[5] = (byte) (pdu.length + 1);
        request[6] = 1;
        System.arraycopy(pdu, 0, request, 7, pdu.length);
        out.write(request);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] header = new byte[7];
        in.readFully(header);
        assertThat((header[0] & 0xFF) << 8 | header[1] & 0xFF).isEqualTo(transaction);
        byte[] response = new byte[((header[4] & 0xFF) << 8 | header[5] & 0xFF) - 1];
        in.readFully(response);
        return response;
    }

    private static int addressOf(String point) {
        SunSpecMap map = new SunSpecMap(new SunSpecMap.Device("", "", "", 1, 16, 51_200, List.of(), true));
        return SunSpecMap.BASE + map.points().stream().filter(p -> p.point().name().equals(point)).findFirst()
                .orElseThrow().offset();
    }

    private static int register(byte[] response, int index) {
        return (response[2 + 2 * index] & 0xFF) << 8 | response[3 + 2 * index] & 0xFF;
    }

    @Test
    void aClientReadsTheMapAndItsWritesTakeTheCommandPath() throws Exception {
        int port = freePort();
        Settings settings = TestConfigs.simulatedWith(16, dir, "modbus_tcp:\n  enabled: true\n  port: " + port
                + "\n  writes: true\n");
        try (Daemon daemon = Daemon.start(settings); Socket socket = connect(port)) {
            // the map shows SOC as not implemented until the first valid measurement
            await(() -> daemon.snapshots().latest().socValid());
            byte[] marker = ask(socket, 1, (byte) 0x03, (byte) 0x9C, (byte) 0x40, (byte) 0, (byte) 2);
            assertThat(register(marker, 0)).isEqualTo(0x5375);
            assertThat(register(marker, 1)).isEqualTo(0x6E53);

            // model 802 starts after the marker and model 1 (2 + 66 registers); docs/protocols/modbus.md
            int model802 = 40_002 + 68;
            int soc = model802 + 11;
            PackSnapshot snapshot = daemon.snapshots().latest();
            byte[] socReply = ask(socket, 2, (byte) 0x03, (byte) (soc >> 8), (byte) soc, (byte) 0, (byte) 1);
            assertThat(register(socReply, 0) / 10.0).isCloseTo(snapshot.soc_pct(), org.assertj.core.data.Offset
                    .offset(0.2));

            int setOp = model802 + 50;
            byte[] written = ask(socket, 3, (byte) 0x06, (byte) (setOp >> 8), (byte) setOp, (byte) 0, (byte) 2);
            assertThat(written).containsExactly(0x06, setOp >> 8 & 0xFF, setOp & 0xFF, 0, 2);
            // the loop answers as it acts; the snapshot that shows it is published at the tick's end
            await(() -> daemon.snapshots().latest().chargeManualOff() && daemon.snapshots().latest()
                    .dischargeManualOff());

            // a protection level: taken when safe, refused with the loop's reason when not
            int trip = addressOf("CellOvervoltageTrip");
            byte[] safe = ask(socket, 4, (byte) 0x10, (byte) (trip >> 8), (byte) trip, (byte) 0, (byte) 2, (byte) 4,
                    (byte) 0, (byte) 0, (byte) 0x0E, (byte) 0x10);
            assertThat(safe[0]).isEqualTo((byte) 0x10);
            await(() -> daemon.snapshots().latest().protection().limit(FaultId.CELL_OVERVOLTAGE).trip() == 3600);
            byte[] unsafe = ask(socket, 5, (byte) 0x10, (byte) (trip >> 8), (byte) trip, (byte) 0, (byte) 2, (byte) 4,
                    (byte) 0, (byte) 0, (byte) 0x13, (byte) 0x88);
            assertThat(unsafe).containsExactly(0x90, 0x03);
            assertThat(daemon.snapshots().latest().protection().limit(FaultId.CELL_OVERVOLTAGE).trip()).isEqualTo(3600);
        }
        // the event log is written as the daemon stops: both commands are there with the client
        assertThat(EventLogFiles.read(settings.daemon().stateDirectory()).records())
                .extracting(r -> r.event().text())
                .anySatisfy(text -> assertThat(text).contains("mos charge off from modbus-tcp 127.0.0.1:"))
                .anySatisfy(text -> assertThat(text).contains("mos discharge off from modbus-tcp 127.0.0.1:"));
    }

    @Test
    void aFifthClientIsTurnedAwayAndTheOthersAreServed() throws Exception {
        int port = freePort();
        Settings settings = TestConfigs.simulatedWith(16, dir, "modbus_tcp:\n  enabled: true\n  port: " + port + "\n");
        try (Daemon daemon = Daemon.start(settings)) {
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < TcpService.MAX_CLIENTS; i++) {
                    Socket s = connect(port);
                    clients.add(s);
                    ask(s, i, (byte) 0x03, (byte) 0x9C, (byte) 0x40, (byte) 0, (byte) 1);
                }
                try (Socket extra = connect(port)) {
                    extra.setSoTimeout(2000);
                    assertThat(extra.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
                }
                byte[] again = ask(clients.get(0), 9, (byte) 0x04, (byte) 0x9C, (byte) 0x40, (byte) 0, (byte) 1);
                assertThat(register(again, 0)).isEqualTo(0x5375);
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 2 s for the snapshot to show it").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static Socket connect(int port) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(5000);
                return socket;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(20);
            }
        }
    }
}
