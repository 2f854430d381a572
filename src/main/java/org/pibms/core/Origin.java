package org.pibms.core;

/**
 * Who sent a command, for the event log: the channel it came in on and, where the channel can
 * tell, the sender (the caller's uid on the control socket, an address on a network).
 */
public record Origin(String channel, String sender) {

    /** Commands pibms gives itself, and tests. */
    public static final Origin INTERNAL = new Origin("internal", "");

    public Origin {
        if (channel.isBlank()) {
            throw new IllegalArgumentException("an origin needs a channel");
        }
    }

    @Override
    public String toString() {
        return sender.isEmpty() ? channel : channel + " " + sender;
    }
}
