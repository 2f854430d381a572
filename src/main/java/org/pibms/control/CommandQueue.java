package org.pibms.control;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import org.pibms.core.Command;
import org.pibms.core.CommandResult;
import org.pibms.core.CommandSink;
import org.pibms.core.Origin;

/**
 * The bounded mailbox between clients and the control loop. Clients {@link #submit}; the loop
 * polls at the start of each tick and completes each reply. Polling an empty queue allocates
 * nothing.
 */
public final class CommandQueue implements CommandSink {

    static final int CAPACITY = 64;

    record Pending(Command command, Origin origin, CompletableFuture<CommandResult> reply) {
    }

    private final ArrayBlockingQueue<Pending> queue = new ArrayBlockingQueue<>(CAPACITY);
    private volatile boolean closed;

    @Override
    public CompletableFuture<CommandResult> submit(Command command, Origin origin) {
        CompletableFuture<CommandResult> reply = new CompletableFuture<>();
        if (closed) {
            reply.complete(CommandResult.rejected("the control loop has stopped"));
        } else if (!queue.offer(new Pending(command, origin, reply))) {
            reply.complete(CommandResult.rejected("the command queue is full; try again"));
        } else if (closed) {
            rejectAll();
        }
        return reply;
    }

    /** Next waiting command, or null. Control thread only. */
    Pending poll() {
        return queue.poll();
    }

    /** Refuses every waiting and every later command. */
    void close() {
        closed = true;
        rejectAll();
    }

    private void rejectAll() {
        Pending pending;
        while ((pending = queue.poll()) != null) {
            pending.reply().complete(CommandResult.rejected("the control loop has stopped"));
        }
    }
}
