package org.pibms.protocol.modbus;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.pibms.protocol.StreamServer;

/** Keeps what a session sends (as upper-case hex), refuses and hangs up on, for the session tests. */
final class RecordingReplies implements StreamServer.Replies {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

    final List<String> sent = new ArrayList<>();
    final List<String> refused = new ArrayList<>();
    final List<String> hungUp = new ArrayList<>();

    @Override
    public void send(byte[] frame) {
        sent.add(HEX.formatHex(frame));
    }

    @Override
    public void refused(String why) {
        refused.add(why);
    }

    @Override
    public void hangUp(String why) {
        hungUp.add(why);
    }
}
