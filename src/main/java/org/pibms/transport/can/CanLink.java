package org.pibms.transport.can;

import java.io.IOException;
import org.pibms.core.CanFrame;

/**
 * One CAN bus as pibms reaches it: SocketCAN, a USB SLCAN adapter, or a test bus. Moves frames
 * only; the CAN service decides what to send.
 */
public interface CanLink extends AutoCloseable {

    void send(CanFrame frame) throws IOException;

    /**
     * Waits up to the link's read timeout for a frame.
     *
     * @return the frame, or null when none arrived
     * @throws IOException when the link is gone (an unplugged adapter, an interface taken down, bus-off)
     */
    CanFrame receive() throws IOException;

    /** Idempotent; a blocked receive returns or fails. */
    @Override
    void close();

    /** Opens a link at a bit rate, for a service that reopens it after a loss. */
    interface Opener {

        /** @throws IOException naming the interface or device and why it cannot be opened */
        CanLink open(int bitrate) throws IOException;

        /** The interface or device, for log lines. */
        String name();
    }
}
