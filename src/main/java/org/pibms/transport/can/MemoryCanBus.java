package org.pibms.transport.can;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.pibms.core.CanFrame;

/**
 * A CAN bus in memory, for tests: every frame one member sends reaches every other member, as on
 * a real bus. A member's queue is bounded; a member that does not read loses the oldest frames.
 */
public final class MemoryCanBus {

    private static final int QUEUE = 10_000;

    private final List<Member> members = new CopyOnWriteArrayList<>();

    /** A new node on this bus; its receive waits up to {@code timeout_ms}. */
    public Member join(long timeout_ms) {
        Member member = new Member(timeout_ms);
        members.add(member);
        return member;
    }

    /** An opener that joins this bus, for the CAN service. */
    public CanLink.Opener opener(String name, long timeout_ms) {
        return new CanLink.Opener() {
            @Override
            public CanLink open(int bitrate) {
                return join(timeout_ms);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    /** One node on the bus. */
    public final class Member implements CanLink {

        private final LinkedBlockingQueue<CanFrame> queue = new LinkedBlockingQueue<>(QUEUE);
        private final long timeout_ms;
        private volatile boolean closed;

        private Member(long timeout_ms) {
            this.timeout_ms = timeout_ms;
        }

        @Override
        public void send(CanFrame frame) throws IOException {
            if (closed) {
                throw new IOException("closed");
            }
            for (Member m : members) {
                if (m != this && !m.closed) {
                    while (!m.queue.offer(frame)) {
                        m.queue.poll();
                    }
                }
            }
        }

        @Override
        public CanFrame receive() throws IOException {
            if (closed) {
                throw new IOException("closed");
            }
            try {
                return queue.poll(timeout_ms, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }

        @Override
        public void close() {
            closed = true;
            members.remove(this);
        }
    }
}
