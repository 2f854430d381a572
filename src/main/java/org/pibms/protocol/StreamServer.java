package org.pibms.protocol;

/**
 * A protocol served on one byte stream (a serial port, a TCP connection): it finds requests in
 * the bytes that arrive and sends its answers. One instance per link, used from that link's thread.
 */
public interface StreamServer {

    /** What the link serves, for log lines, e.g. {@code the ANT protocol}. */
    String protocol();

    /**
     * Takes bytes just read from the link.
     *
     * @param now_ns monotonic time the read returned ({@link System#nanoTime()}), for silence framing
     */
    void received(byte[] data, int length, long now_ns, Replies replies);

    /** The line stayed quiet for the link's whole read timeout: an unfinished frame has ended. */
    void quiet(long now_ns, Replies replies);

    /**
     * Where answers go, and what the link's owner must hear. The protocol code stays pure: sending is
     * the owner's I/O, and a failed send is the owner's to handle.
     */
    interface Replies {

        void send(byte[] frame);

        /** A write refused (wrong password, writes disabled, an unsafe value): one sentence. */
        void refused(String why);

        /**
         * The peer broke the protocol beyond recovery (a TCP stream that is not Modbus cannot be
         * resynchronised): the owner should drop the link. The session has discarded what it held.
         */
        void hangUp(String why);
    }
}
