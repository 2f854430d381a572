package org.pibms.store;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.pibms.core.Counters;
import org.pibms.core.Event;
import org.pibms.core.FaultId;
import org.pibms.core.SavedState;
import org.pibms.core.SocCalibration;
import org.pibms.core.SocState;
import org.pibms.core.StateStore;

/**
 * The child process of {@link StoreCrashIT}: opens the state file and the event log in a
 * directory as the daemon does, counts this start, says "ready", then saves states and appends
 * events as fast as it can until it is killed.
 */
public final class StoreTortureChild {

    private StoreTortureChild() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        StateFile states = StateFile.open(directory);
        Optional<SavedState> loaded;
        try {
            loaded = states.load();
        } catch (StateStore.Untrusted e) {
            System.out.println("untrusted: " + e.getMessage());
            System.exit(3);
            return;
        }
        SavedState state = loaded.orElse(SavedState.NONE);
        long starts = state.counters().starts() + 1;
        long saves = state.counters().trips(FaultId.CELL_OVERVOLTAGE);
        state = state.withCounters(new Counters(starts, Map.of(FaultId.CELL_OVERVOLTAGE, saves)));
        if (!states.save(state)) {
            System.exit(4);
        }
        EventLog events = EventLog.open(directory, 32 * 1024, 2);
        System.out.println("ready");
        System.out.flush();
        for (long i = 0; ; i++) {
            events.append(Event.of(System.currentTimeMillis(), Event.Kind.FAULT, "torture " + starts + "/" + i,
                    "start", starts, "i", i));
            if (i % 4 == 0) {
                saves++;
                SocState soc = new SocState(System.currentTimeMillis(), i * 1000.0, 50, 49, 51, 100_000, 0, 2, 0, i,
                        SocCalibration.NONE, 0, null);
                state = state.withSoc(soc).withCounters(new Counters(starts, Map.of(FaultId.CELL_OVERVOLTAGE, saves)));
                states.save(state);
            }
        }
    }
}
