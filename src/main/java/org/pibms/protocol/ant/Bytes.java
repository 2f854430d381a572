package org.pibms.protocol.ant;

import java.nio.ByteBuffer;

/** Unsigned reads for the frame decoders. */
final class Bytes {

    private Bytes() {
    }

    static int u8(ByteBuffer b) {
        return b.get() & 0xFF;
    }

    static int u16(ByteBuffer b) {
        return b.getShort() & 0xFFFF;
    }

    static long u32(ByteBuffer b) {
        return b.getInt() & 0xFFFF_FFFFL;
    }
}
