package org.pibms.transport.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfigBuilder;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.auth.Mqtt3SimpleAuth;
import com.hivemq.client.mqtt.mqtt3.message.auth.Mqtt3SimpleAuthBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.pibms.core.settings.MqttSettings;
import org.pibms.mqtt.MqttLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link MqttLink} on the HiveMQ MQTT client: MQTT 3.1.1, async API, QoS 1 both ways.
 *
 * <p>Each {@code open} builds a new client, with HiveMQ's automatic reconnect off and a clean
 * session, and the link dies with its connection. The bridge reconnects with its own back-off and
 * republishes what matters: a broker that is away never collects a queue of stale pack states, and
 * every connection starts from the same settings and will, whatever the last one went through.
 */
public final class HiveMqLink implements MqttLink {

    private static final Logger log = LoggerFactory.getLogger(HiveMqLink.class);
    private static final int CONNECT_TIMEOUT_S = 10;
    private static final int SUBACK_TIMEOUT_S = 10;
    private static final int DISCONNECT_TIMEOUT_MS = 2000;
    private static final int KEEP_ALIVE_S = 30;

    private final String name;
    private final Mqtt3AsyncClient client;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<String> endReason = new AtomicReference<>();

    /** Opens links to the broker of {@code settings}, named {@code mqtt://host:port} or {@code mqtts://…}. */
    public static MqttLink.Opener opener(MqttSettings settings) {
        String name = (settings.tls() ? "mqtts://" : "mqtt://") + settings.host() + ":" + settings.port();
        return new MqttLink.Opener() {
            @Override
            public MqttLink open(Will will) throws IOException {
                HiveMqLink link = new HiveMqLink(settings, name, will);
                link.connect();
                return link;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    private HiveMqLink(MqttSettings settings, String name, Will will) throws IOException {
        this.name = name;
        Mqtt3ClientBuilder builder = MqttClient.builder().useMqttVersion3()
                .identifier(settings.clientId())
                .transportConfig(transport(settings))
                .addDisconnectedListener(this::disconnected)
                .willPublish(Mqtt3Publish.builder().topic(will.topic()).payload(will.payload())
                        .qos(MqttQos.AT_LEAST_ONCE).retain(will.retain()).build());
        if (settings.username().isPresent()) {
            Mqtt3SimpleAuthBuilder.Complete auth = Mqtt3SimpleAuth.builder().username(settings.username().get());
            if (settings.password().isPresent()) {
                auth = auth.password(settings.password().get().getBytes(StandardCharsets.UTF_8));
            }
            builder = builder.simpleAuth(auth.build());
        }
        this.client = builder.buildAsync();
    }

    private MqttClientTransportConfig transport(MqttSettings settings) throws IOException {
        MqttClientTransportConfigBuilder transport = MqttClientTransportConfig.builder()
                .serverHost(settings.host()).serverPort(settings.port())
                .socketConnectTimeout(CONNECT_TIMEOUT_S, TimeUnit.SECONDS)
                .mqttConnectTimeout(CONNECT_TIMEOUT_S, TimeUnit.SECONDS);
        if (settings.tls()) {
            // Without a HostnameVerifier of ours, HiveMQ checks the host name against the certificate.
            transport = settings.caFile().isEmpty() ? transport.sslWithDefaultConfig()
                    : transport.sslConfig(MqttClientSslConfig.builder()
                            .trustManagerFactory(trustOnly(settings.caFile().get())).build());
        }
        return transport.build();
    }

    /** Trusts the CA certificates of one PEM file, and nothing else. */
    private TrustManagerFactory trustOnly(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + store.size(), ca);
            }
            if (store.size() == 0) {
                throw new CertificateException("it holds no certificate");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            return trust;
        } catch (NoSuchFileException e) {
            throw new IOException("MQTT broker " + name + ": the CA file " + caFile + " does not exist", e);
        } catch (IOException | GeneralSecurityException e) {
            throw new IOException("MQTT broker " + name + ": cannot use the CA file " + caFile + ": "
                    + e.getMessage(), e);
        }
    }

    private void connect() throws IOException {
        CompletableFuture<?> connected = client.connectWith().cleanSession(true).keepAlive(KEEP_ALIVE_S).send();
        try {
            await(connected, CONNECT_TIMEOUT_S, "cannot connect");
        } catch (IOException e) {
            connected.thenRun(client::disconnect); // a late success must not linger unowned
            throw e;
        }
    }

    @Override
    public boolean publish(String topic, byte[] payload, boolean retain) {
        // HiveMQ tells the disconnected listener before it leaves the CONNECTED state: ask both.
        if (ended.getCount() == 0 || !client.getState().isConnected()) {
            return false;
        }
        client.publishWith().topic(topic).payload(payload).qos(MqttQos.AT_LEAST_ONCE).retain(retain).send()
                .whenComplete((sent, failure) -> {
                    if (failure != null) {
                        log.debug("MQTT publish to {} on {} failed: {}", topic, name, reason(failure));
                    }
                });
        return true;
    }

    @Override
    public void subscribe(String topicFilter, Handler handler) throws IOException {
        String what = "cannot subscribe to " + topicFilter;
        Mqtt3SubAck ack = await(client.subscribeWith().topicFilter(topicFilter).qos(MqttQos.AT_LEAST_ONCE)
                .callback(message -> deliver(handler, message)).send(), SUBACK_TIMEOUT_S, what);
        if (ack.getReturnCodes().stream().anyMatch(Mqtt3SubAckReturnCode::isError)) {
            throw new IOException("MQTT broker " + name + ": " + what + ": the broker refused");
        }
    }

    private void deliver(Handler handler, Mqtt3Publish message) {
        String topic = message.getTopic().toString();
        try {
            handler.message(topic, message.getPayloadAsBytes());
        } catch (RuntimeException e) {
            log.warn("MQTT message on {} from {}: the handler failed", topic, name, e);
        }
    }

    @Override
    public Optional<String> awaitLoss(long timeout_ms) throws InterruptedException {
        return ended.await(timeout_ms, TimeUnit.MILLISECONDS) ? Optional.of(endReason.get()) : Optional.empty();
    }

    @Override
    public void close() {
        if (end("closed") && client.getState().isConnected()) {
            try {
                client.disconnect().get(DISCONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.debug("MQTT disconnect from {}: {}", name, reason(e)); // given up either way
            }
        }
    }

    private void disconnected(MqttClientDisconnectedContext context) {
        end(context.getSource() == MqttDisconnectSource.USER ? "closed"
                : "connection lost: " + reason(context.getCause()));
    }

    /** Records why the connection ended; true for the first reason, which is the one kept. */
    private boolean end(String why) {
        if (endReason.compareAndSet(null, why)) {
            ended.countDown();
            return true;
        }
        return false;
    }

    private <T> T await(CompletableFuture<T> future, int timeout_s, String what) throws IOException {
        try {
            return future.get(timeout_s, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IOException("MQTT broker " + name + ": " + what + ": no answer within " + timeout_s + " s");
        } catch (ExecutionException e) {
            throw new IOException("MQTT broker " + name + ": " + what + ": " + reason(e), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("MQTT broker " + name + ": " + what + ": interrupted", e);
        }
    }

    /** Why a connection failed or ended, in words for the log. */
    private static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Mqtt3ConnAckException refused) {
                return switch (refused.getMqttMessage().getReturnCode()) {
                    case BAD_USER_NAME_OR_PASSWORD -> "the broker refused: bad user name or password";
                    case NOT_AUTHORIZED -> "the broker refused: not authorised (check the user name and password)";
                    case IDENTIFIER_REJECTED -> "the broker refused the client identifier";
                    case SERVER_UNAVAILABLE -> "the broker refused: server unavailable";
                    case UNSUPPORTED_PROTOCOL_VERSION -> "the broker refused MQTT 3.1.1";
                    case SUCCESS -> "the broker refused";
                };
            } else if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage();
            } else if (t instanceof ConnectException) {
                return String.valueOf(t.getMessage()).contains("refused") ? "connection refused" : t.getMessage();
            } else if (t instanceof SSLException || t instanceof CertificateException) {
                for (Throwable cause = t; cause != null; cause = cause.getCause()) {
                    if (cause instanceof CertificateException) {
                        return "TLS handshake failed, certificate rejected: " + rootMessage(t);
                    }
                }
                return "TLS handshake failed: " + rootMessage(t);
            }
        }
        return rootMessage(failure);
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
