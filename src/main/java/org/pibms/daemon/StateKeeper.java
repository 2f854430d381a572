package org.pibms.daemon;

import java.util.Set;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.SavedState;
import org.pibms.core.StateStore;

/**
 * Decides when the state file is written, off the control thread: every {@code interval_ms},
 * at once when the latched faults change (a deep discharge must survive a power cut that
 * follows it), and at shutdown. What the latest snapshot does not know yet (no SOC estimate
 * before the first good measurement) is carried over from what was loaded, never erased.
 */
final class StateKeeper {

    private final StateStore store;
    private final long interval_ms;
    private SavedState last;
    private Set<FaultId> savedLatches;
    private long lastSave_ms;
    private boolean lastSaveFailed;

    StateKeeper(StateStore store, SavedState atStart, long interval_ms) {
        this.store = store;
        this.last = atStart;
        this.savedLatches = atStart.latched();
        this.interval_ms = interval_ms;
    }

    /** Called about once a second: saves when the interval has passed or the latched faults changed. */
    synchronized void maybeSave(PackSnapshot snapshot, long now_ms) {
        boolean latchesChanged = !snapshot.latched().equals(savedLatches);
        boolean due = now_ms - lastSave_ms >= interval_ms;
        // after a failure, wait for the next interval rather than hammer a full disk every second
        if (due || latchesChanged && !lastSaveFailed) {
            save(snapshot, now_ms);
        }
    }

    /** Saves what the snapshot holds now. */
    synchronized boolean save(PackSnapshot snapshot, long now_ms) {
        SavedState next = merge(snapshot);
        lastSave_ms = now_ms;
        lastSaveFailed = !store.save(next);
        if (!lastSaveFailed) {
            last = next;
            savedLatches = next.latched();
        }
        return !lastSaveFailed;
    }

    /** Saves the state as loaded, with this start counted, before the first tick has run. */
    synchronized boolean saveAtStart(long now_ms) {
        lastSave_ms = now_ms;
        lastSaveFailed = !store.save(last);
        return !lastSaveFailed;
    }

    private SavedState merge(PackSnapshot snapshot) {
        if (snapshot.sequence() == 0) {
            return last;
        }
        SavedState next = last.withLatched(snapshot.latched()).withCounters(snapshot.counters());
        if (snapshot.soc() != null) {
            next = next.withSoc(snapshot.soc()).withBalanced(snapshot.balanced_mAh());
        }
        return next;
    }
}
