package org.pibms.daemon;

import java.io.IOException;
import java.util.Optional;
import org.pibms.core.CommandResult;
import org.pibms.core.SimulationCommand;
import org.pibms.core.SimulationControl;
import org.pibms.core.settings.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the control thread is scheduled: SCHED_FIFO at {@code control.realtime_priority} where the
 * system allows it ({@link RealtimeScheduling}), normal scheduling otherwise, with one log line
 * either way. A simulation at maximum speed never sleeps between ticks, and a real-time thread
 * that never sleeps holds a core to itself: such a daemon keeps normal scheduling, and while the
 * loop is real-time the simulator refuses to switch to maximum speed.
 */
final class LoopScheduling {

    private static final Logger log = LoggerFactory.getLogger(LoopScheduling.class);

    private final int priority;
    private final boolean freeRunningAtStart;
    private volatile boolean realtime;

    LoopScheduling(Settings settings) {
        this.priority = settings.control().realtimePriority();
        this.freeRunningAtStart = settings.simulation().map(s -> s.timeScale() == Double.POSITIVE_INFINITY)
                .orElse(false);
    }

    /**
     * Runs on the control thread before its first tick. It only learns the thread's id: another
     * thread makes the system call, as loading JNA for it takes longer than a tick and must not
     * hold up the first measurement.
     */
    void onLoopThreadStart() {
        if (priority == 0) {
            log.info("control loop: normal scheduling (control.realtime_priority is 0)");
            return;
        }
        if (freeRunningAtStart) {
            log.info("control loop: normal scheduling, as the simulation runs at maximum speed");
            return;
        }
        int loopThread;
        try {
            loopThread = RealtimeScheduling.currentThreadId();
        } catch (IOException | RuntimeException e) {
            log.warn("control loop: normal scheduling, its thread id is unknown ({})", e.toString());
            return;
        }
        Thread scheduler = new Thread(() -> apply(loopThread), "pibms-scheduling");
        scheduler.setDaemon(true);
        scheduler.start();
    }

    private void apply(int loopThread) {
        Optional<String> refused = RealtimeScheduling.apply(loopThread, priority);
        if (refused.isPresent()) {
            log.warn("control loop: normal scheduling, real-time priority {} {}; under load its ticks may start"
                    + " late", priority, refused.get());
            return;
        }
        realtime = true;
        log.info("control loop: real-time scheduling (SCHED_FIFO, priority {})", priority);
    }

    boolean realtime() {
        return realtime;
    }

    /** The simulator behind a guard that keeps a real-time loop from running without a pause. */
    SimulationControl guard(SimulationControl simulator) {
        return command -> {
            if (realtime && command instanceof SimulationCommand.SetTimeScale speed
                    && speed.timeScale() == Double.POSITIVE_INFINITY) {
                return CommandResult.rejected("maximum speed would keep the real-time control thread busy without a"
                        + " pause; choose a finite speed, or start the daemon with control.realtime_priority: 0");
            }
            return simulator.apply(command);
        };
    }
}
