package org.pibms.core;

import java.util.concurrent.CompletableFuture;

/** Where clients send {@link Command}s; the control loop completes the future when it has acted. */
public interface CommandSink {

    /**
     * Queues a command for the next tick. The future completes with a rejection, never
     * exceptionally, when the queue is full or the loop has stopped.
     *
     * @param origin who sent it; the event log records it with the command and its answer
     */
    CompletableFuture<CommandResult> submit(Command command, Origin origin);
}
