package org.pibms.daemon;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.pibms.core.Command;
import org.pibms.core.CommandResult;
import org.pibms.core.CommandSink;
import org.pibms.core.Origin;

/**
 * Stands between a protocol server and the control loop in the fuzz tests: counts what would reach
 * the loop and refuses it at once, so a broken write guard fails the test instead of switching the pack.
 */
final class RefusingSink implements CommandSink {

    final AtomicInteger received = new AtomicInteger();

    @Override
    public CompletableFuture<CommandResult> submit(Command command, Origin origin) {
        received.incrementAndGet();
        return CompletableFuture.completedFuture(CommandResult.rejected("the fuzz test lets no write through"));
    }
}
