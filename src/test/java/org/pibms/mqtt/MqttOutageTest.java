package org.pibms.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.daemon.Daemon;

/**
 * The broker away for a long time of pack time: a simulated daemon runs as fast as it can with
 * its broker stopped, its heap stays where it was, and it connects again when the broker is back;
 * stopped, it says offline.
 */
class MqttOutageTest {

    @TempDir
    Path dir;

    @BeforeEach
    void needsMosquitto() {
        Mosquitto.assumeAvailable();
    }

    @Test
    void aLongOutageCostsNoMemoryAndEndsWithAReconnect() throws Exception {
        Files.createDirectories(dir.resolve("broker"));
        try (Mosquitto broker = Mosquitto.in(dir.resolve("broker")).start();
                Mosquitto.Subscriber before = broker.subscriber()) {
            String yaml = TestConfigs.simulatedYaml(16, dir, "max", "", "mqtt:\n  host: 127.0.0.1\n  port: "
                    + broker.port() + "\n  interval_s: 10\n");
            try (Daemon daemon = Daemon.start(TestConfigs.load(dir, yaml))) {
                String online = before.awaitMessage(line -> line.matches("pibms/[a-z0-9_-]+/status online"),
                        Duration.ofSeconds(15));
                String base = online.substring(0, online.indexOf("/status"));
                broker.stop();

                MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
                Thread.sleep(2000);
                long packTimeAtStart_ms = daemon.snapshots().latest().time_ms();
                long heapAtStart = heapAfterGc(memory);
                Thread.sleep(15_000);
                long packHours = (daemon.snapshots().latest().time_ms() - packTimeAtStart_ms) / 3_600_000;
                long heapAtEnd = heapAfterGc(memory);
                System.out.printf("MqttOutageTest: %d h of pack time without the broker; heap after GC %.1f MiB"
                        + " -> %.1f MiB%n", packHours, heapAtStart / 1048576.0, heapAtEnd / 1048576.0);
                assertThat(packHours).as("hours of pack time with the broker away").isGreaterThanOrEqualTo(24);
                assertThat(heapAtEnd - heapAtStart).as("heap growth, bytes").isLessThan(2 * 1024 * 1024);

                broker.start();
                try (Mosquitto.Subscriber after = broker.subscriber()) {
                    after.awaitMessage(line -> line.equals(base + "/status online"), Duration.ofSeconds(40));
                    after.awaitMessage(line -> line.startsWith(base + "/state "), Duration.ofSeconds(10));

                    // a clean stop sends no will: pibms says offline itself before it disconnects
                    daemon.close();
                    after.awaitMessage(line -> line.equals(base + "/status offline"), Duration.ofSeconds(10));
                }
            }
        }
    }

    private static long heapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
