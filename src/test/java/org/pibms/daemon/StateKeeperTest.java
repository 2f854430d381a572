package org.pibms.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pibms.core.Counters;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.SavedState;
import org.pibms.core.SocCalibration;
import org.pibms.core.SocState;
import org.pibms.core.StateStore;

class StateKeeperTest {

    private static final SocState LOADED = new SocState(1_000, 3.6e8, 50, 49, 51, 100_000, 1, 2, 0, 5_000,
            SocCalibration.OCV_REST, 900, null);

    private final List<SavedState> saved = new ArrayList<>();
    private boolean writable = true;

    private final StateStore store = new StateStore() {
        @Override
        public Optional<SavedState> load() {
            return Optional.empty();
        }

        @Override
        public boolean save(SavedState state) {
            if (writable) {
                saved.add(state);
            }
            return writable;
        }
    };

    private static PackSnapshot snapshot(Set<FaultId> latched, SocState soc) {
        return PackSnapshot.builder().sequence(7).cellVoltages_mV(new int[8], false).soc(soc).latched(latched)
                .counters(new Counters(3, Map.of(FaultId.CELL_DEEP_DISCHARGE, 1L))).build();
    }

    @Test
    void aLatchIsSavedAtOnceAndTheLoadedEstimateIsKeptUntilThereIsANewOne() {
        StateKeeper keeper = new StateKeeper(store, SavedState.of(LOADED), 300_000);
        keeper.saveAtStart(0);

        keeper.maybeSave(snapshot(Set.of(), null), 1_000);
        assertThat(saved).hasSize(1);
        keeper.maybeSave(snapshot(Set.of(FaultId.CELL_DEEP_DISCHARGE), null), 2_000);

        assertThat(saved).hasSize(2);
        SavedState last = saved.get(1);
        assertThat(last.latched()).containsExactly(FaultId.CELL_DEEP_DISCHARGE);
        assertThat(last.soc()).contains(LOADED);
        assertThat(last.counters().starts()).isEqualTo(3);
        keeper.maybeSave(snapshot(Set.of(FaultId.CELL_DEEP_DISCHARGE), null), 3_000);
        assertThat(saved).hasSize(2);
        keeper.maybeSave(snapshot(Set.of(FaultId.CELL_DEEP_DISCHARGE), null), 302_000);
        assertThat(saved).hasSize(3);
    }

    @Test
    void afterAFailedSaveALatchWaitsForTheNextIntervalInsteadOfRetryingEverySecond() {
        StateKeeper keeper = new StateKeeper(store, SavedState.NONE, 10_000);
        keeper.saveAtStart(0);
        writable = false;

        keeper.maybeSave(snapshot(Set.of(FaultId.CELL_DEEP_DISCHARGE), null), 1_000);
        writable = true;
        keeper.maybeSave(snapshot(Set.of(FaultId.CELL_DEEP_DISCHARGE), null), 2_000);
        assertThat(saved).hasSize(1);
        keeper.maybeSave(snapshot(Set.of(FaultId.CELL_DEEP_DISCHARGE), null), 11_000);
        assertThat(saved).hasSize(2);
        assertThat(saved.get(1).latched()).containsExactly(FaultId.CELL_DEEP_DISCHARGE);
    }

    @Test
    void aSnapshotBeforeTheFirstTickSavesWhatWasLoaded() {
        SavedState atStart = SavedState.of(LOADED).withCounters(new Counters(4, Map.of()));
        StateKeeper keeper = new StateKeeper(store, atStart, 10_000);

        keeper.save(PackSnapshot.builder().cellVoltages_mV(new int[8], false).build(), 5);

        assertThat(saved).containsExactly(atStart);
    }
}
