package org.pibms.mqtt;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A mosquitto broker of its own for a test: a child process on a free loopback port, configured
 * in a directory the test gives it, logging everything to {@code mosquitto.log} there. It can be
 * stopped and started again on the same port, or killed. {@link Subscriber} watches it with
 * {@code mosquitto_sub}; {@link #publish} sends with {@code mosquitto_pub}.
 *
 * <pre>{@code
 * try (Mosquitto broker = Mosquitto.in(dir).user("pibms", "secret").tls().start()) { ... }
 * }</pre>
 */
public final class Mosquitto implements AutoCloseable {

    private static final Path BROKER = Path.of("/usr/sbin/mosquitto");
    private static final Path SUB = Path.of("/usr/bin/mosquitto_sub");
    private static final Path PUB = Path.of("/usr/bin/mosquitto_pub");
    private static final Path PASSWD = Path.of("/usr/bin/mosquitto_passwd");
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(5);

    /** Every child process still running, killed when the test JVM exits whatever happened. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger SUBSCRIBERS = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
    }

    private final Path dir;
    private final Path log;
    private final Path conf;
    private final int port;
    private final Optional<String> user;
    private final Optional<String> password;
    private final Optional<Path> caFile;
    private final List<Subscriber> subscribers = new ArrayList<>();
    private Process process;

    private Mosquitto(Path dir, int port, Optional<String> user, Optional<String> password, Optional<Path> caFile) {
        this.dir = dir;
        this.log = dir.resolve("mosquitto.log");
        this.conf = dir.resolve("mosquitto.conf");
        this.port = port;
        this.user = user;
        this.password = password;
        this.caFile = caFile;
    }

    /** Whether mosquitto and its command-line clients are installed. */
    public static boolean available() {
        return Stream.of(BROKER, SUB, PUB, PASSWD).allMatch(Files::isExecutable);
    }

    /** Skips the test without mosquitto, or fails it when {@code -Dpibms.require.mosquitto=true}. */
    public static void assumeAvailable() {
        if (available()) {
            return;
        }
        if (Boolean.getBoolean("pibms.require.mosquitto")) {
            fail("mosquitto is not installed (" + BROKER + ", " + SUB + ", " + PUB + ", " + PASSWD
                    + "), and -Dpibms.require.mosquitto=true requires it");
        }
        Assumptions.abort("mosquitto is not installed; -Dpibms.require.mosquitto=true makes this a failure");
    }

    /** A broker whose configuration, certificates and log go to {@code dir}. */
    public static Builder in(Path dir) {
        return new Builder(dir);
    }

    /** How the broker accepts clients; anonymous and plain unless told otherwise. */
    public static final class Builder {
        private final Path dir;
        private Optional<String> user = Optional.empty();
        private Optional<String> password = Optional.empty();
        private boolean tls;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Only this user, with this password, may connect ({@code allow_anonymous false}). */
        public Builder user(String name, String secret) {
            this.user = Optional.of(name);
            this.password = Optional.of(secret);
            return this;
        }

        /** The listener speaks TLS, with a certificate for 127.0.0.1 and localhost from a new CA. */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        public Mosquitto start() throws IOException, InterruptedException {
            Optional<Path> caFile = tls ? Optional.of(makeCertificates(dir)) : Optional.empty();
            Mosquitto broker = new Mosquitto(dir, freePort(), user, password, caFile);
            List<String> lines = new ArrayList<>(List.of(
                    "per_listener_settings false",
                    "persistence false",
                    "log_dest file " + broker.log,
                    "log_type all",
                    // as root, mosquitto would switch to the user "mosquitto", who cannot read the test's files
                    "user " + System.getProperty("user.name"),
                    "allow_anonymous " + user.isEmpty()));
            if (user.isPresent()) {
                run(dir, PASSWD.toString(), "-b", "-c", dir.resolve("passwd").toString(), user.get(), password.get());
                lines.add("password_file " + dir.resolve("passwd"));
            }
            lines.add("listener " + broker.port + " 127.0.0.1");
            if (tls) {
                lines.add("cafile " + dir.resolve("ca.crt"));
                lines.add("certfile " + dir.resolve("server.crt"));
                lines.add("keyfile " + dir.resolve("server.key"));
            }
            Files.write(broker.conf, lines);
            broker.start();
            return broker;
        }
    }

    public int port() {
        return port;
    }

    /** The CA certificate (PEM) that signed the broker's certificate. */
    public Path caFile() {
        return caFile.orElseThrow(() -> new IllegalStateException("this broker has no TLS listener"));
    }

    /** Starts the broker (again, on the same port) and returns once it accepts TCP connections. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("mosquitto is running already");
        }
        process = new ProcessBuilder(BROKER.toString(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(dir.resolve("mosquitto.out").toFile())).start();
        LIVE.add(process);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                kill();
                throw new IOException("mosquitto did not open port " + port + " within " + START_TIMEOUT + "\n"
                        + logTail());
            }
            Thread.sleep(20);
        }
    }

    private boolean accepts() {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the broker as an administrator would (SIGTERM) and waits until it is gone. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            LIVE.remove(process);
        }
    }

    /** Kills the broker (SIGKILL): no goodbyes, no wills. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            LIVE.remove(process);
        }
    }

    /** Publishes one message with {@code mosquitto_pub}, as this broker's user if it has one. */
    public void publish(String topic, String payload, boolean retain) throws IOException, InterruptedException {
        List<String> command = clientCommand(PUB);
        command.addAll(List.of("-q", "1", "-t", topic, "-m", payload));
        if (retain) {
            command.add("-r");
        }
        run(dir, command.toArray(String[]::new));
    }

    /** Starts a {@code mosquitto_sub} on {@code #} as this broker's user (if any) and waits for its SUBACK. */
    public Subscriber subscriber() throws IOException, InterruptedException {
        return new Subscriber(this, clientCommand(SUB));
    }

    /** Starts a {@code mosquitto_sub} on {@code #} as another user and waits for its SUBACK. */
    public Subscriber subscriber(String name, String secret) throws IOException, InterruptedException {
        return new Subscriber(this, clientCommand(SUB, Optional.of(name), Optional.of(secret)));
    }

    private List<String> clientCommand(Path binary) {
        return clientCommand(binary, user, password);
    }

    private List<String> clientCommand(Path binary, Optional<String> name, Optional<String> secret) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-h", "127.0.0.1", "-p",
                String.valueOf(port)));
        name.ifPresent(it -> command.addAll(List.of("-u", it)));
        secret.ifPresent(it -> command.addAll(List.of("-P", it)));
        caFile.ifPresent(ca -> command.addAll(List.of("--cafile", ca.toString())));
        return command;
    }

    /** The last lines of the broker's log (and of its stdout/stderr), for failure messages. */
    public String logTail() {
        StringBuilder tail = new StringBuilder();
        for (Path file : List.of(dir.resolve("mosquitto.out"), log)) {
            try {
                List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
                tail.append("--- ").append(file.getFileName()).append(" (last 40 lines)\n");
                lines.subList(Math.max(0, lines.size() - 40), lines.size())
                        .forEach(line -> tail.append(line).append('\n'));
            } catch (IOException e) {
                tail.append("--- ").append(file).append(": ").append(e.getMessage()).append('\n');
            }
        }
        return tail.toString();
    }

    private String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops every subscriber, then the broker. */
    @Override
    public void close() {
        synchronized (subscribers) {
            subscribers.forEach(Subscriber::close);
        }
        try {
            stop();
        } catch (InterruptedException e) {
            if (process != null) {
                process.destroyForcibly();
            }
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A CA and a server certificate it signed (RSA 2048, one day), made with openssl; returns the CA's file. */
    private static Path makeCertificates(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(OPENSSL)) {
            fail(OPENSSL + " is not installed; the TLS broker needs it to make its certificates");
        }
        Files.write(dir.resolve("openssl.cnf"), List.of(
                "[req]", "distinguished_name = dn", "prompt = no", "[dn]", "CN = pibms test",
                "[ca]", "basicConstraints = critical, CA:TRUE", "keyUsage = critical, keyCertSign, cRLSign",
                "subjectKeyIdentifier = hash",
                "[server]", "basicConstraints = critical, CA:FALSE",
                "keyUsage = critical, digitalSignature, keyEncipherment", "extendedKeyUsage = serverAuth",
                "subjectAltName = IP:127.0.0.1, DNS:localhost", "authorityKeyIdentifier = keyid"));
        String openssl = OPENSSL.toString();
        run(dir, openssl, "req", "-x509", "-config", "openssl.cnf", "-extensions", "ca", "-newkey", "rsa:2048",
                "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=pibms test CA");
        run(dir, openssl, "req", "-new", "-config", "openssl.cnf", "-newkey", "rsa:2048", "-nodes",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
        run(dir, openssl, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-set_serial", "2", "-days", "1", "-extfile", "openssl.cnf", "-extensions", "server",
                "-out", "server.crt");
        return dir.resolve("ca.crt");
    }

    /** Runs a command to its end in {@code dir}; fails with its output unless it exits with 0. */
    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        LIVE.add(child);
        try {
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!child.waitFor(10, TimeUnit.SECONDS) || child.exitValue() != 0) {
                fail(String.join(" ", command) + " failed:\n" + output);
            }
        } finally {
            child.destroyForcibly();
            LIVE.remove(child);
        }
    }

    /**
     * A {@code mosquitto_sub -v -t '#'}: collects each message as a line {@code "topic payload"}
     * (payloads here are single-line JSON or words).
     */
    public static final class Subscriber implements AutoCloseable {
        private final Mosquitto broker;
        private final Process process;
        private final List<String> lines = new ArrayList<>();

        private Subscriber(Mosquitto broker, List<String> command) throws IOException, InterruptedException {
            this.broker = broker;
            String id = "test-sub-" + SUBSCRIBERS.incrementAndGet();
            command.addAll(List.of("-i", id, "-q", "1", "-v", "-t", "#"));
            process = new ProcessBuilder(command)
                    .redirectError(Redirect.appendTo(broker.dir.resolve(id + ".err").toFile())).start();
            LIVE.add(process);
            synchronized (broker.subscribers) {
                broker.subscribers.add(this);
            }
            Thread reader = new Thread(this::read, id);
            reader.setDaemon(true);
            reader.start();
            // Subscribed once the broker has acknowledged; messages published from now on arrive.
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!broker.log().contains("Sending SUBACK to " + id + "\n")) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    String what = process.isAlive() ? "did not subscribe within " + START_TIMEOUT : "exited";
                    close();
                    fail("mosquitto_sub " + id + " " + what + "; its stderr:\n"
                            + Files.readString(broker.dir.resolve(id + ".err")) + broker.logTail());
                }
                Thread.sleep(10);
            }
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process was stopped
            }
        }

        /** Every line so far. */
        public List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        /** The first line, received so far or within {@code timeout}, that {@code wanted} accepts. */
        public String awaitMessage(Predicate<String> wanted, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lines) {
                while (true) {
                    Optional<String> match = lines.stream().filter(wanted).findFirst();
                    if (match.isPresent()) {
                        return match.get();
                    }
                    long left_ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left_ms <= 0) {
                        return fail("no wanted message within " + timeout + "; mosquitto_sub received:\n  "
                                + String.join("\n  ", lines) + "\n" + broker.logTail());
                    }
                    lines.wait(left_ms);
                }
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            LIVE.remove(process);
        }
    }
}
