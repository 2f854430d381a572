package org.pibms.daemon;

import org.pibms.json.StatusJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.Event;
import org.pibms.core.FaultId;
import org.pibms.core.Origin;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;
import org.pibms.core.SimulationCommand;
import org.pibms.core.settings.Settings;
import org.pibms.store.EventLogFiles;
import org.slf4j.LoggerFactory;

/** The daemon in this JVM, reached the way the CLI reaches it: through its control socket. */
@SuppressWarnings("try") // a daemon runs for its try block, whether or not the block names it
class DaemonTest {

    @TempDir
    Path dir;

    @Test
    void statusComesBackThroughTheSocketWithEveryDocumentedField() throws Exception {
        Settings settings = TestConfigs.simulated(16, dir, "1");
        try (Daemon daemon = Daemon.start(settings)) {
            ControlClient client = new ControlClient(settings.daemon().socket());
            awaitFirstTick(client);
            JsonNode json = StatusJson.write(awaitNextTick(client, awaitNextTick(client, client.status())));

            assertThat(json.get("time_ms").isIntegralNumber()).isTrue();
            assertThat(json.get("cells_mV")).hasSize(16);
            assertThat(json.get("cells_mV").get(0).asInt()).isEqualTo(3265);
            assertThat(json.get("pack_mV").asInt()).isCloseTo(16 * 3265, within(4)); // ADS1115 and divider
            assertThat(json.get("shunt_bus_mV").asInt()).isCloseTo(16 * 3265, within(1));
            assertThat(json.get("current_mA").asInt()).isZero();
            assertThat(json.get("soc_pct").asDouble()).isCloseTo(50, within(0.01));
            assertThat(json.get("temps_C").get("cells_top").isNumber()).isTrue();
            assertThat(json.get("temps_C").get("mos").isNumber()).isTrue();
            assertThat(json.get("charge_mos").asBoolean()).isTrue();
            assertThat(json.get("discharge_mos").asBoolean()).isTrue();
            assertThat(json.get("balancing").get("command").asText()).isEqualTo("auto");
            assertThat(json.get("balancing").get("activity").asText()).isEqualTo("below_start");
            assertThat(json.get("balancing").get("cells")).isEmpty();
            assertThat(json.get("balancing").get("balanced_mAh")).hasSize(16);
            assertThat(json.get("faults").isArray()).isTrue();
            assertThat(json.get("state").asText()).isEqualTo("normal");
        }
    }

    @Test
    void socFallsAtTheRateTheCurrentImplies() throws Exception {
        // ten simulated minutes per real second
        Settings settings = TestConfigs.simulated(16, dir, "600");
        try (Daemon daemon = Daemon.start(settings)) {
            ControlClient client = new ControlClient(settings.daemon().socket());
            awaitFirstTick(client);
            client.send(new SimulationCommand.SetExternalCurrent(-50_000));
            PackSnapshot before = awaitNextTick(client, awaitNextTick(client, client.status()));

            PackSnapshot after = before;
            while (after.time_ms() - before.time_ms() < 20 * 60_000) {
                Thread.sleep(100);
                after = client.status();
            }

            assertThat(after.current_mA()).isEqualTo(-50_000);
            double hours = (after.time_ms() - before.time_ms()) / 3_600_000.0;
            double expectedDrop_pct = 50.0 * hours / 100.0 * 100.0; // 50 A for that long, of 100 Ah
            assertThat(before.soc_pct() - after.soc_pct()).isCloseTo(expectedDrop_pct, within(0.01));
            assertThat(expectedDrop_pct).isGreaterThan(16); // at least 20 simulated minutes passed
            assertThat(after.state()).isEqualTo(PackState.NORMAL);
        }
    }

    @Test
    void theSocketIsForItsOwnerAndGroupOnlyAndGoneAfterStop() throws Exception {
        Settings settings = TestConfigs.simulated(16, dir, "1");
        Path socket = settings.daemon().socket();
        try (Daemon daemon = Daemon.start(settings)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void aSecondDaemonOnTheSameSocketIsRefusedAndTheFirstKeepsRunning() throws Exception {
        Settings settings = TestConfigs.simulated(16, dir, "1");
        try (Daemon first = Daemon.start(settings)) {
            assertThatThrownBy(() -> Daemon.start(settings))
                    .isInstanceOf(DaemonException.class)
                    .hasMessage("another pibms daemon is already running on the control socket "
                            + settings.daemon().socket()
                            + "; stop it first (systemctl stop pibms) or give this one another daemon.socket");

            ControlClient client = new ControlClient(settings.daemon().socket());
            PackSnapshot now = awaitNextTick(client, client.status());
            assertThat(now.state()).isEqualTo(PackState.NORMAL);
        }
    }

    @Test
    void aSocketLeftByACrashIsReplaced() throws Exception {
        Settings settings = TestConfigs.simulated(16, dir, "1");
        Path socket = settings.daemon().socket();
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();

        try (Daemon daemon = Daemon.start(settings)) {
            assertThat(awaitFirstTick(new ControlClient(socket)).get("state").asText()).isEqualTo("normal");
        }
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws Exception {
        Settings settings = TestConfigs.simulated(16, dir, "1");
        Path socket = settings.daemon().socket();
        Files.writeString(socket, "precious");

        assertThatThrownBy(() -> Daemon.start(settings))
                .isInstanceOf(DaemonException.class)
                .hasMessageContaining("exists and is not a socket; pibms will not replace it");
        assertThat(socket).hasContent("precious");
    }

    @Test
    void aStateThatCannotBeTrustedStopsTheStartAndLeavesTheSocketAndTheFilesAlone() throws Exception {
        Settings settings = TestConfigs.simulated(16, dir, "1");
        Path state = settings.daemon().stateDirectory().resolve("state");
        Files.createDirectories(state.getParent());
        Files.writeString(state, "format 2\nlatched cell_deep_discharge\ncrc32 00000000\n");

        assertThatThrownBy(() -> Daemon.start(settings))
                .isInstanceOf(DaemonException.class)
                .hasMessageStartingWith("no generation of the saved state in " + state.getParent() + " can be trusted")
                .hasMessageContaining("deep discharge");
        assertThat(settings.daemon().socket()).doesNotExist();
        assertThat(state).hasContent("format 2\nlatched cell_deep_discharge\ncrc32 00000000");
    }

    @Test
    void withAFullDiskTheDaemonKeepsProtectingReportsOnceAndSavesWhenItCanAgain() throws Exception {
        Settings settings = TestConfigs.simulated(16, dir, "1");
        Path state = settings.daemon().stateDirectory();
        Files.createDirectories(state.resolve("state.tmp").resolve("x")); // no state can be written
        Files.createSymbolicLink(state.resolve("events.log"), Path.of("/dev/full")); // "No space left on device"
        ch.qos.logback.classic.Logger stores = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.pibms.store");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        stores.addAppender(log);
        try (Daemon daemon = Daemon.start(settings)) {
            daemon.commands().submit(new SimulationCommand.ForceCellVoltage(4, 2500), Origin.INTERNAL).get();
            Thread.sleep(2500); // the 1 s under-voltage delay, and more saves and event writes that fail
            PackSnapshot now = daemon.snapshots().latest();
            assertThat(now.faultIds()).contains(FaultId.CELL_UNDERVOLTAGE);
            assertThat(now.dischargeMos()).isFalse();
            assertThat(now.state()).isEqualTo(PackState.FAULT);
            assertThat(log.list.stream().filter(e -> e.getLevel() == Level.ERROR)
                    .map(ILoggingEvent::getFormattedMessage).toList()).satisfiesExactlyInAnyOrder(
                            m -> assertThat(m).startsWith("cannot save the state to " + state.resolve("state")),
                            m -> assertThat(m).startsWith("cannot save the event log to " + state.resolve("events.log"))
                                    .contains("No space left on device"));
            assertThat(state.resolve("state")).doesNotExist();

            Files.delete(state.resolve("state.tmp").resolve("x"));
            Files.delete(state.resolve("state.tmp"));
            Files.delete(state.resolve("events.log"));
        } finally {
            stores.detachAppender(log);
        }
        assertThat(Files.readString(state.resolve("state"))).contains("trips cell_undervoltage_warning:1,cell_undervoltage:1");
        assertThat(EventLogFiles.read(state).records()).extracting(r -> r.event().kind()).contains(
                Event.Kind.START, Event.Kind.FAULT, Event.Kind.MOS, Event.Kind.STOP);
    }

    @Test
    void withoutADaemonTheClientSaysSo() {
        Path socket = dir.resolve("pibms.sock");

        assertThatThrownBy(() -> new ControlClient(socket).status())
                .isInstanceOf(DaemonException.class)
                .hasMessageStartingWith("no pibms daemon is running: the control socket " + socket + " does not exist");
    }

    @Test
    void aSocketTheCallerMayNotReachIsAPermissionProblemNotAMissingDaemon() throws Exception {
        // A non-member of group pibms cannot enter /run/pibms (0750), so the socket of a running
        // daemon cannot even be looked at; root can, so the exception is made here, and
        // scripts/vm/guest-checks (access) sees the real one.
        Path socket = Path.of("/run/pibms/pibms.sock");

        assertThat(ControlClient.unreachable(socket, new AccessDeniedException(socket.toString())))
                .hasMessage("permission denied on the control socket /run/pibms/pibms.sock: run as root, as the"
                        + " daemon's user (sudo -u pibms …) or as a member of its group (pibms)");
        assertThat(ControlClient.unreachable(socket, new NoSuchFileException(socket.toString())))
                .hasMessageStartingWith("no pibms daemon is running: the control socket /run/pibms/pibms.sock does not exist");
        Path underAFile = dir.resolve("file");
        Files.writeString(underAFile, "");
        assertThatThrownBy(() -> new ControlClient(underAFile.resolve("pibms.sock")).status())
                .isInstanceOf(DaemonException.class)
                .hasMessageStartingWith("cannot reach the control socket " + underAFile.resolve("pibms.sock") + ": ");
    }

    @Test
    void missingHardwareIsAClearErrorAndLeavesNothingBehind() throws Exception {
        Path file = dir.resolve("pi.yaml");
        Files.writeString(file, "pack: {chemistry: lfp, cells: 16, capacity_Ah: 100}\ndaemon: {socket: x.sock, state_directory: state}\n"
                + "temperature_sensors: [{name: t, location: cell, gpio: 1}]\n");
        Settings settings = org.pibms.config.ConfigLoader.load(file);

        // this build machine is no Raspberry Pi: the GPIO character device is missing
        assertThatThrownBy(() -> Daemon.start(settings))
                .isInstanceOf(DaemonException.class)
                .hasMessage("cannot open the hardware: /dev/gpiochip0 does not exist, so GPIO is not available: run"
                        + " pibms on the Raspberry Pi the MOSFET drivers are wired to, as a user in the gpio group");
        assertThat(dir.resolve("x.sock")).doesNotExist();
    }

    @Test
    void simulationCommandsAreAnsweredAndRejectionsExplained() throws Exception {
        Settings settings = TestConfigs.simulated(16, dir, "1");
        try (Daemon daemon = Daemon.start(settings)) {
            ControlClient client = new ControlClient(settings.daemon().socket());
            awaitFirstTick(client);

            assertThat(client.send(new SimulationCommand.ForceCellVoltage(3, 3500)))
                    .isEqualTo("cell 3 reads 3500 mV until released");
            assertThat(client.send(new SimulationCommand.ForceTemperature("mos", 455)))
                    .isEqualTo("sensor mos reads 45.5 °C until released");
            PackSnapshot forced = client.status();
            for (int i = 0; i < 150 && forced.temperature_dC(1) != 455; i++) { // temperatures convert once a second
                Thread.sleep(20);
                forced = client.status();
            }
            assertThat(forced.cellVoltage_mV(2)).isEqualTo(3500);
            assertThat(forced.temperature_dC(1)).isCloseTo(455, within(1));

            assertThatThrownBy(() -> client.send(new SimulationCommand.ForceCellVoltage(17, 3000)))
                    .isInstanceOf(DaemonException.class)
                    .hasMessage("cell 17 does not exist: the pack has cells 1..16");
            assertThatThrownBy(() -> client.send(new SimulationCommand.ForceTemperature("attic", 200)))
                    .hasMessage("no temperature sensor is called 'attic'; the sensors are cells_top, mos"
                            + " (and 'ambient' sets the air temperature)");
            assertThatThrownBy(() -> client.send(new SimulationCommand.SetTimeScale(0)))
                    .hasMessage("speed 0.0 is outside 0.01..1000000 (or max)");
        }
    }

    private static JsonNode awaitFirstTick(ControlClient client) throws Exception {
        for (int i = 0; i < 200; i++) {
            JsonNode json = client.statusJson();
            if (json.get("sequence").asLong() > 0) {
                return json;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the daemon published no tick within 4 s");
    }

    private static PackSnapshot awaitNextTick(ControlClient client, PackSnapshot after) throws Exception {
        for (int i = 0; i < 200; i++) {
            PackSnapshot s = client.status();
            if (s.sequence() > after.sequence()) {
                return s;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the daemon published no tick within 4 s");
    }
}
