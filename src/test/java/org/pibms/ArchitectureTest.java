package org.pibms;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency rules of ARCHITECTURE.md. Rules about packages that later issues add
 * (afe, hw, protocol, transport, store, web) hold already, vacuously, so they bind the moment
 * the first class lands there.
 */
@AnalyzeClasses(packages = "org.pibms", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String[] JDK = {"java.lang..", "java.util..", "java.math.."};

    @ArchTest
    static final ArchRule coreDependsOnNothingOfOurs = classes().that().resideInAPackage("org.pibms.core..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(concat(JDK, "org.pibms.core..", "java.nio.file"))
            .because("core holds values and ports only");

    @ArchTest
    static final ArchRule controlDependsOnCoreOnly = classes().that().resideInAPackage("org.pibms.control..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(concat(JDK, "org.pibms.core..",
                    "org.pibms.control..", "org.slf4j"))
            .because("the control loop and its pure parts know nothing of hardware, files or the network");

    @ArchTest
    static final ArchRule protocolDependsOnCoreOnly = classes().that().resideInAPackage("org.pibms.protocol..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(concat(JDK, "org.pibms.core..",
                    "org.pibms.protocol..", "java.nio", "java.nio.charset"))
            .allowEmptyShould(true)
            .because("codecs are pure: bytes in, records out, no I/O, no clock, no logging");

    @ArchTest
    static final ArchRule afeUsesCoreAndBusPortsOnly = classes().that().resideInAPackage("org.pibms.afe..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(concat(JDK, "org.pibms.core..",
                    "org.pibms.afe..", "org.pibms.hw", "org.slf4j"))
            .allowEmptyShould(true)
            .because("chip drivers talk to bus ports, never to Pi4J");

    @ArchTest
    static final ArchRule simUsesCoreAndBusPortsOnly = classes().that().resideInAPackage("org.pibms.sim..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(concat(JDK, "org.pibms.core..",
                    "org.pibms.sim..", "org.pibms.hw", "org.slf4j"))
            .because("the simulator stands in for the battery and its chips, behind the same ports");

    @ArchTest
    static final ArchRule hardwareLibrariesStayInTheirAdapters = noClasses()
            .that().resideOutsideOfPackages("org.pibms.hw.pi4j..", "org.pibms.transport..", "org.pibms.daemon..")
            .should().dependOnClassesThat().resideInAnyPackage("com.pi4j..", "com.fazecast..", "tel.schich..",
                    "org.newsclub..", "com.hivemq..", "io.netty..", "io.reactivex..", "com.sun.jna..")
            .because("Pi4J, jSerialComm, JavaCAN, junixsocket, JNA and the HiveMQ client (Netty, RxJava) never leak"
                    + " out of their adapters");

    @ArchTest
    static final ArchRule configReadsFilesIntoCoreSettings = classes().that().resideInAPackage("org.pibms.config..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(concat(JDK, "org.pibms.core..",
                    "org.pibms.config..", "java.nio..", "java.io..", "com.fasterxml.jackson..", "org.yaml.snakeyaml.."));

    @ArchTest
    static final ArchRule jsonFormsAreCoreAsJson = classes().that().resideInAPackage("org.pibms.json..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(concat(JDK, "org.pibms.core..",
                    "org.pibms.json..", "com.fasterxml.jackson.."))
            .because("the status and command JSON is shared by the control socket and the web API");

    @ArchTest
    static final ArchRule theWebAppReadsSnapshotsAndSendsCommands = classes().that().resideInAPackage("org.pibms.web..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(concat(JDK, "java.io..", "java.net..",
                    "java.nio..", "java.security..", "org.pibms.core..", "org.pibms.json..", "org.pibms.store..",
                    "org.pibms.web..", "com.sun.net.httpserver..", "io.prometheus.metrics..",
                    "com.fasterxml.jackson..", "org.slf4j"))
            .because("the web app is one more client: it never touches the hardware or the control loop's state");

    @ArchTest
    static final ArchRule theMqttBridgeSeesOnlyItsPort = classes().that().resideInAPackage("org.pibms.mqtt..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(concat(JDK, "java.io", "java.nio.charset",
                    "org.pibms.core..", "org.pibms.mqtt..", "com.fasterxml.jackson..", "org.slf4j"))
            .because("what pibms publishes and accepts is worked out against the MqttLink port; the client"
                    + " library stays in transport.mqtt");

    @ArchTest
    static final ArchRule onlyTheCommandLineUsesTheDaemon = noClasses()
            .that().resideOutsideOfPackages("org.pibms.daemon..", "org.pibms.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("org.pibms.daemon..", "org.pibms.cli..")
            .because("daemon wires everything; nothing below it may reach back up");

    @ArchTest
    static final ArchRule nothingUsesTheCommandLine = noClasses()
            .that().resideOutsideOfPackage("org.pibms.cli..")
            .should().dependOnClassesThat().resideInAPackage("org.pibms.cli..");

    @ArchTest
    static final ArchRule pureLayersDoNoIo = noClasses()
            .that().resideInAnyPackage("org.pibms.core..", "org.pibms.control..", "org.pibms.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.net..", "java.nio.channels..")
            .because("I/O happens in transports, hw adapters, store and daemon");

    private static String[] concat(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
