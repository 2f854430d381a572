package org.pibms.transport.can;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * SocketCAN where this machine has it, and the one-sentence error where it does not: no kernel
 * CAN (a build machine), no such interface. The real bus is exercised in the VM test.
 */
class SocketCanLinkTest {

    @Test
    void aMissingInterfaceIsOneSentenceNamingIt() {
        try (CanLink link = SocketCanLink.opener("pibmsnone0", 10).open(500_000)) {
            throw new AssertionError("opened an interface that does not exist: " + link);
        } catch (IOException e) {
            assertThat(e.getMessage()).startsWith("cannot open pibmsnone0: ")
                    .containsAnyOf("this kernel has no SocketCAN", "no such CAN interface");
            assertThat(e.getMessage()).doesNotContain("Exception");
        }
    }
}
