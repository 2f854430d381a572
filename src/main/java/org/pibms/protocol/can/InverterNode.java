package org.pibms.protocol.can;

import java.util.List;
import org.pibms.core.CanFrame;
import org.pibms.core.PackSnapshot;

/**
 * pibms as the battery of a Pylon, SMA or Victron inverter: its profile's frames every period,
 * all of one cycle back to back. The inverter's keep-alives (0x305, and Victron's 0x307) only
 * tell whether an inverter is there: sending never waits for them, and losing them is reported,
 * never a reason to stop.
 */
public final class InverterNode implements CanNode {

    public static final int BITRATE = 500_000;
    static final int KEEPALIVE = 0x305;
    static final int VICTRON_HELLO = 0x307;

    private final InverterFrames frames;
    private final long period_ms;
    private final long inverterTimeout_ms;
    private long next_ms = Long.MIN_VALUE;
    private long lastKeepAlive_ms = Long.MIN_VALUE;
    private boolean inverterSeen;
    private String news;

    /**
     * @param period_ms          the cycle: 1000 ms is what every family's batteries send; SMA takes
     *                           them no faster than every 200 ms
     * @param inverterTimeout_ms keep-alives missing this long mean the inverter is gone
     */
    public InverterNode(InverterFrames frames, long period_ms, long inverterTimeout_ms) {
        this.frames = frames;
        this.period_ms = period_ms;
        this.inverterTimeout_ms = inverterTimeout_ms;
    }

    @Override
    public int bitrate() {
        return BITRATE;
    }

    @Override
    public List<CanFrame> due(long now_ms, PackSnapshot snapshot) {
        if (inverterSeen && now_ms - lastKeepAlive_ms >= inverterTimeout_ms) {
            inverterSeen = false;
            news = "the inverter has sent no keep-alive for " + inverterTimeout_ms / 1000 + " s; still sending";
        }
        if (next_ms != Long.MIN_VALUE && now_ms < next_ms) {
            return List.of();
        }
        // a late cycle does not make the next one early: the schedule restarts from now
        next_ms = next_ms == Long.MIN_VALUE || now_ms - next_ms >= period_ms ? now_ms + period_ms : next_ms + period_ms;
        return frames.frames(snapshot);
    }

    @Override
    public List<CanFrame> received(CanFrame frame, long now_ms, PackSnapshot snapshot) {
        // every other frame is other devices' traffic, and ignored
        if (!frame.extended() && (frame.id() == KEEPALIVE || frame.id() == VICTRON_HELLO)) {
            lastKeepAlive_ms = now_ms;
            if (!inverterSeen) {
                inverterSeen = true;
                news = String.format("inverter seen (0x%03X)", frame.id());
            }
        }
        return List.of();
    }

    @Override
    public String news() {
        String n = news;
        news = null;
        return n;
    }
}
