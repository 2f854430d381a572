package org.pibms.protocol.can;

import java.util.List;
import org.pibms.core.PackSnapshot;

/** The golden snapshot of {@link InverterFramesTest}, for tests in other packages. */
public final class InverterFramesTestSupport {

    private InverterFramesTestSupport() {
    }

    public static PackSnapshot snapshot() {
        return InverterFramesTest.snapshot(List.of());
    }
}
