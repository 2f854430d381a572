package org.pibms.transport.mqtt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.core.settings.MqttSettings;
import org.pibms.mqtt.Mosquitto;
import org.pibms.mqtt.Mosquitto.Subscriber;
import org.pibms.mqtt.MqttLink;
import org.pibms.mqtt.MqttLink.Will;

/**
 * The HiveMQ link against a real mosquitto: publishing, subscribing, passwords, TLS, clear errors,
 * a lost connection and the will. Skipped without mosquitto unless
 * {@code -Dpibms.require.mosquitto=true} makes that a failure.
 */
class HiveMqLinkTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Will WILL = new Will("pibms/test/availability", bytes("offline"), true);
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    @TempDir
    Path dir;
    private Mosquitto broker;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void publishesRetainedAndPlainMessages() throws Exception {
        start(Mosquitto.in(dir));
        Subscriber live = broker.subscriber();
        MqttLink link = open(settings("127.0.0.1", broker.port()));

        assertThat(link.publish("pibms/test/state", bytes("{\"soc\":50}"), false)).isTrue();
        assertThat(link.publish("pibms/test/availability", bytes("online"), true)).isTrue();
        live.awaitMessage("pibms/test/state {\"soc\":50}"::equals, WAIT);
        live.awaitMessage("pibms/test/availability online"::equals, WAIT);

        Subscriber late = broker.subscriber();
        late.awaitMessage("pibms/test/availability online"::equals, WAIT);
        assertThat(late.lines()).as("a later subscriber gets the retained message only")
                .containsExactly("pibms/test/availability online");
    }

    @Test
    void subscriptionDeliversMessagesAndOutlivesAFailingHandler() throws Exception {
        start(Mosquitto.in(dir));
        MqttLink link = open(settings("127.0.0.1", broker.port()));
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        link.subscribe("pibms/test/set/#", (topic, payload) -> {
            received.add(topic + " " + new String(payload, UTF_8));
            if (topic.endsWith("/mos")) {
                throw new IllegalStateException("a failing handler, as the test wants");
            }
        });

        broker.publish("pibms/test/set/mos", "off", false);
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("pibms/test/set/mos off");
        broker.publish("pibms/test/set/balance", "on", false);
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("pibms/test/set/balance on");
        assertThat(link.publish("pibms/test/state", bytes("alive"), false)).isTrue();
    }

    @Test
    void aPasswordIsAcceptedAndAWrongOneRefusedClearly() throws Exception {
        start(Mosquitto.in(dir).user("pibms", "s3cret"));
        Subscriber subscriber = broker.subscriber();
        int port = broker.port();
        MqttLink link = open(settings("127.0.0.1", port, false, Optional.empty(), Optional.of("pibms"),
                Optional.of("s3cret")));
        assertThat(link.publish("pibms/test/state", bytes("authenticated"), false)).isTrue();
        subscriber.awaitMessage("pibms/test/state authenticated"::equals, WAIT);

        assertThatThrownBy(() -> open(settings("127.0.0.1", port, false, Optional.empty(), Optional.of("pibms"),
                Optional.of("wrong")))).isInstanceOf(IOException.class)
                .hasMessageContaining("mqtt://127.0.0.1:" + port)
                .hasMessageMatching(".*(bad user name or password|not authorised).*");
        assertThatThrownBy(() -> open(settings("127.0.0.1", port))).as("anonymous")
                .isInstanceOf(IOException.class).hasMessageContaining("mqtt://127.0.0.1:" + port)
                .hasMessageMatching(".*(bad user name or password|not authorised).*");
    }

    @Test
    void tlsTrustsTheGivenCaOnlyAndChecksTheHostName() throws Exception {
        start(Mosquitto.in(dir).tls());
        Subscriber subscriber = broker.subscriber();
        int port = broker.port();
        Optional<Path> ca = Optional.of(broker.caFile());
        MqttLink link = open(settings("127.0.0.1", port, true, ca, Optional.empty(), Optional.empty()));
        assertThat(link.publish("pibms/test/state", bytes("encrypted"), false)).isTrue();
        subscriber.awaitMessage("pibms/test/state encrypted"::equals, WAIT);

        assertThatThrownBy(() -> open(settings("127.0.0.1", port, true, Optional.empty(), Optional.empty(),
                Optional.empty()))).as("the JDK's trust store does not know the test CA")
                .isInstanceOf(IOException.class).hasMessageContaining("mqtts://127.0.0.1:" + port)
                .hasMessageContaining("certificate");
        // 127.0.0.2 reaches the same broker through a relay, but the certificate names 127.0.0.1.
        Relay relay = relay("127.0.0.2", port);
        assertThatThrownBy(() -> open(settings("127.0.0.2", relay.port(), true, ca, Optional.empty(),
                Optional.empty()))).isInstanceOf(IOException.class)
                .hasMessageContaining("mqtts://127.0.0.2:" + relay.port())
                .hasMessageContaining("certificate").hasMessageContaining("127.0.0.2");
    }

    @Test
    void anUnreachableBrokerFailsQuicklyNamingIt() throws Exception {
        int port;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = unused.getLocalPort();
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> open(settings("127.0.0.1", port))).isInstanceOf(IOException.class)
                .hasMessageContaining("mqtt://127.0.0.1:" + port).hasMessageContaining("connection refused");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(12));

        assertThatThrownBy(() -> open(settings("no-such-host.invalid", 1883))).isInstanceOf(IOException.class)
                .hasMessageContaining("mqtt://no-such-host.invalid:1883").hasMessageContaining("unknown host");
    }

    @Test
    void aStoppedBrokerEndsTheLinkAndANewLinkConnectsAfterItsRestart() throws Exception {
        start(Mosquitto.in(dir));
        MqttSettings settings = settings("127.0.0.1", broker.port());
        MqttLink link = open(settings);
        assertThat(link.awaitLoss(50)).as("still connected").isEmpty();

        broker.stop();
        assertThat(link.awaitLoss(WAIT.toMillis())).get(STRING).startsWith("connection lost: ");
        assertThat(link.publish("pibms/test/state", bytes("lost"), false)).as("dropped, not queued").isFalse();

        broker.start();
        Subscriber subscriber = broker.subscriber();
        MqttLink again = open(settings);
        assertThat(again.publish("pibms/test/state", bytes("back"), false)).isTrue();
        subscriber.awaitMessage("pibms/test/state back"::equals, WAIT);
        assertThat(subscriber.lines()).as("nothing was queued while the broker was away")
                .doesNotContain("pibms/test/state lost");
    }

    @Test
    void aCutConnectionEndsTheLinkAndTheBrokerPublishesTheWill() throws Exception {
        start(Mosquitto.in(dir));
        Subscriber subscriber = broker.subscriber();
        Relay relay = relay("127.0.0.1", broker.port());
        MqttLink link = open(settings("127.0.0.1", relay.port()));

        relay.cut();
        assertThat(link.awaitLoss(WAIT.toMillis())).get(STRING).startsWith("connection lost: ");
        subscriber.awaitMessage("pibms/test/availability offline"::equals, WAIT);
        broker.subscriber().awaitMessage("pibms/test/availability offline"::equals, WAIT);
    }

    @Test
    void aCleanCloseSendsNoWill() throws Exception {
        start(Mosquitto.in(dir));
        Subscriber subscriber = broker.subscriber();
        MqttLink link = open(settings("127.0.0.1", broker.port()));

        link.close();
        link.close();
        assertThat(link.awaitLoss(WAIT.toMillis())).hasValue("closed");
        assertThat(link.publish("pibms/test/state", bytes("closed"), false)).isFalse();
        // The broker handles the DISCONNECT before a connection that starts later.
        broker.publish("pibms/test/marker", "after-close", false);
        subscriber.awaitMessage("pibms/test/marker after-close"::equals, WAIT);
        assertThat(subscriber.lines()).noneMatch(line -> line.startsWith(WILL.topic()));
    }

    private void start(Mosquitto.Builder builder) throws Exception {
        Mosquitto.assumeAvailable();
        broker = builder.start();
    }

    private MqttLink open(MqttSettings settings) throws IOException {
        MqttLink link = HiveMqLink.opener(settings).open(WILL);
        opened.add(link);
        return link;
    }

    private Relay relay(String address, int target) throws IOException {
        Relay relay = new Relay(address, target);
        opened.add(relay);
        return relay;
    }

    private static MqttSettings settings(String host, int port) {
        return settings(host, port, false, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static MqttSettings settings(String host, int port, boolean tls, Optional<Path> ca,
            Optional<String> user, Optional<String> password) {
        return new MqttSettings(host, port, tls, ca, user, password, "pibms-test-" + CLIENTS.incrementAndGet(),
                "pibms", "homeassistant", 5, false);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    /** A TCP relay in front of the broker whose connections can be cut like a pulled cable. */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket server;
        private final int target;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Relay(String address, int target) throws IOException {
            this.server = new ServerSocket(0, 5, InetAddress.getByName(address));
            this.target = target;
            daemon(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            try {
                while (true) {
                    Socket client = server.accept();
                    Socket broker = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.addAll(List.of(client, broker));
                    daemon(() -> pump(client, broker));
                    daemon(() -> pump(broker, client));
                }
            } catch (IOException e) {
                // the relay was closed
            }
        }

        private static void pump(Socket from, Socket to) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (IOException e) {
                // cut
            }
            closeQuietly(to);
        }

        /** Drops every connection without a word to either side. */
        void cut() {
            sockets.forEach(Relay::closeQuietly);
        }

        @Override
        public void close() {
            closeQuietly(server);
            cut();
        }

        private static void daemon(Runnable task) {
            Thread thread = new Thread(task, "relay");
            thread.setDaemon(true);
            thread.start();
        }

        private static void closeQuietly(Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
