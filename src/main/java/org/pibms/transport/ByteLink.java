package org.pibms.transport;

import java.io.IOException;

/**
 * A byte stream to one peer: a serial port, a test pipe, later a BLE characteristic. Transports
 * only move bytes; the protocol services find frames in them.
 */
public interface ByteLink extends AutoCloseable {

    /**
     * Reads what has arrived, waiting up to the link's read timeout for the first byte.
     *
     * @return the number of bytes read; 0 when the line stayed quiet for the whole timeout
     * @throws IOException when the link is gone (an unplugged USB adapter) and must be reopened
     */
    int read(byte[] buffer) throws IOException;

    /** Sends all the bytes in one burst. */
    void write(byte[] bytes) throws IOException;

    /** Idempotent; a blocked read returns or fails. */
    @Override
    void close();

    /** Opens a link, for a service that reopens it after a loss. */
    interface Opener {

        /** @throws IOException naming the device and why it cannot be opened */
        ByteLink open() throws IOException;

        /** The device, for log lines. */
        String name();
    }
}
