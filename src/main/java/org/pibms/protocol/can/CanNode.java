package org.pibms.protocol.can;

import java.util.List;
import org.pibms.core.CanFrame;
import org.pibms.core.PackSnapshot;

/**
 * What pibms is on one CAN bus: the frames it sends on its own schedule, and how it answers what
 * it hears. Pure: the CAN service gives it the time and the latest snapshot and sends what it
 * returns. One node per bus, used from one thread.
 */
public interface CanNode {

    /** The bit rate the profile runs at, for the adapter. */
    int bitrate();

    /**
     * The frames due at {@code now_ms} (monotonic), given the latest snapshot; empty when nothing is
     * due. The service calls it at least every {@link #TICK_ms}.
     */
    List<CanFrame> due(long now_ms, PackSnapshot snapshot);

    /** A frame heard on the bus; returns what to send in reply (often nothing). */
    List<CanFrame> received(CanFrame frame, long now_ms, PackSnapshot snapshot);

    /** Something worth a log line since the last call (an inverter seen or lost, an address lost), or null. */
    String news();

    /** How often the service asks what is due. */
    long TICK_ms = 10;
}
