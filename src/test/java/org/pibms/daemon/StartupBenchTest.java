package org.pibms.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StartupBenchTest {

    @Test
    void theSerialCollectorsHeapIsBothGenerationsWithoutMetaspace() {
        // jcmd <pid> GC.heap_info of the daemon under scripts/pibms's flags (JDK 17, -XX:+UseSerialGC)
        StartupBench.Heap heap = StartupBench.parseHeapInfo("""
                19972:
                 def new generation   total 5504K, used 22K [0x00000000fc000000, 0x00000000fc5f0000, 0x00000000fd550000)
                  eden space 4928K,   0% used [0x00000000fc000000, 0x00000000fc005b58, 0x00000000fc4d0000)
                  from space 576K,   0% used [0x00000000fc4d0000, 0x00000000fc4d0000, 0x00000000fc560000)
                  to   space 576K,   0% used [0x00000000fc560000, 0x00000000fc560000, 0x00000000fc5f0000)
                 tenured generation   total 12012K, used 7206K [0x00000000fd550000, 0x00000000fe10b000, 0x0000000100000000)
                   the space 12012K,  59% used [0x00000000fd550000, 0x00000000fdc59808, 0x00000000fdc59a00, 0x00000000fe10b000)
                 Metaspace       used 16203K, committed 16512K, reserved 131072K
                  class space    used 1951K, committed 2112K, reserved 65536K
                """);

        assertThat(heap.used_MiB()).isEqualTo((22 + 7206) / 1024.0);
        assertThat(heap.committed_MiB()).isEqualTo((5504 + 12012) / 1024.0);
        assertThat(heap.notMeasured()).isNull();
    }

    @Test
    void g1PrintsOneLineForTheWholeHeap() {
        StartupBench.Heap heap = StartupBench.parseHeapInfo("""
                4242:
                 garbage-first heap   total 262144K, used 9216K [0x00000000f0000000, 0x0000000100000000)
                  region size 1024K, 2 young (2048K), 0 survivors (0K)
                 Metaspace       used 16203K, committed 16512K, reserved 1114112K
                  class space    used 1951K, committed 2112K, reserved 1048576K
                """);

        assertThat(heap.used_MiB()).isEqualTo(9.0);
        assertThat(heap.committed_MiB()).isEqualTo(256.0);
    }

    @Test
    void outputWithoutAHeapIsNotMeasured() {
        StartupBench.Heap heap = StartupBench.parseHeapInfo("4242:\nCommand executed successfully\n");

        assertThat(heap.used_MiB()).isNull();
        assertThat(heap.notMeasured()).isNotNull();
    }

    @Test
    void inACloneTheLauncherIsScriptsPibmsBesideTarget() {
        // the tests run from target/classes, as the jar runs from target/pibms.jar
        assertThat(StartupBench.defaultLauncher()).isEqualTo(Path.of("scripts/pibms").toAbsolutePath());
    }
}
