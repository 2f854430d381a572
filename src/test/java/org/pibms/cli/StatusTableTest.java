package org.pibms.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pibms.core.ActiveFault;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;

class StatusTableTest {

    private static PackSnapshot.Builder pack() {
        return PackSnapshot.builder()
                .sequence(42)
                .state(PackState.NORMAL)
                .cellVoltages_mV(new int[] {3301, 3299, 3350, 3280, 3300, 3300, 3300, 3300}, true)
                .packVoltage_mV(26_430, true)
                .current_mA(-12_345, true)
                .soc_pct(57.3, true)
                .capacity_mAh(100_000)
                .temperatures(List.of("cells_top", "mos"), new int[] {251, 302}, new boolean[] {true, true})
                .mos(true, true);
    }

    private static List<String> lines(PackSnapshot s) {
        return StatusTable.format(s).lines().toList();
    }

    @Test
    void aQuietPackHasNoFaultsAndNoIoLineWithoutInputsOrOutputs() {
        List<String> lines = lines(pack().build());

        assertThat(lines).contains("MOS       charge ON   discharge ON", "Balancing auto, idle: the highest cell is below the start voltage", "Faults    none");
        assertThat(lines).noneMatch(line -> line.startsWith("I/O"));
        assertThat(lines.get(0)).startsWith("pibms  NORMAL  ");
    }

    @Test
    void theInverterLimitsHaveTheirOwnLine() {
        assertThat(lines(pack().chargeLimits(55_200, 50_000, 42_500, false).build()))
                .contains("Limits    CVL 55.2 V (bulk)   CCL 50 A   DCL 42.5 A");
        assertThat(lines(pack().chargeLimits(54_000, 0, 90_000, true).build()))
                .contains("Limits    CVL 54.0 V (float)   CCL 0 A   DCL 90 A");
    }

    @Test
    void showsPrechargeManualOffOutputsAccAndLowPower() {
        PackSnapshot s = pack()
                .simulated(true)
                .mos(false, false)
                .precharging(true)
                .manualOff(true, false)
                .outputs(List.of("alarm", "heater"), new boolean[] {false, true})
                .acc(true, true)
                .lowPower(true)
                .build();

        List<String> lines = lines(s);

        assertThat(lines.get(0)).startsWith("pibms  NORMAL (simulated, low power)  ");
        assertThat(lines).contains("MOS       charge off (manual off)   discharge off (pre-charging)",
                "I/O       ACC on   alarm=off   heater=on");
    }

    @Test
    void anUnreadableAccIsLeftOut() {
        PackSnapshot s = pack().outputs(List.of("alarm"), new boolean[] {true}).acc(true, false).build();

        assertThat(lines(s)).contains("I/O       alarm=on");
    }

    @Test
    void faultsOnePerLineWithWhereWhatAndTheLevel() {
        PackSnapshot s = pack()
                .state(PackState.FAULT)
                .faults(List.of(
                        new ActiveFault(FaultId.CELL_OVERVOLTAGE_WARNING, ActiveFault.State.ACTIVE, "cell 3", 3701, 3550),
                        new ActiveFault(FaultId.CELL_OVERVOLTAGE, ActiveFault.State.ACTIVE, "cell 3", 3701, 3650),
                        new ActiveFault(FaultId.CHARGE_OVERCURRENT, ActiveFault.State.LOCKED_OUT, "", 105_500, 100_000),
                        new ActiveFault(FaultId.BALANCE_OVERTEMPERATURE, ActiveFault.State.ACTIVE, "sensor mos", 612,
                                600),
                        new ActiveFault(FaultId.OPEN_WIRE, ActiveFault.State.ACTIVE, "wire above cell 4", 1, 1),
                        new ActiveFault(FaultId.SHORT_CIRCUIT, ActiveFault.State.ACTIVE, "", 1, 1)))
                .build();

        List<String> lines = lines(s);

        assertThat(lines).doesNotContain("Faults    none");
        assertThat(lines.subList(lines.size() - 7, lines.size())).containsExactly(
                "WARNING  cell_overvoltage_warning: cell 3 at 3701 mV, trip 3550 mV",
                "FAULT    cell_overvoltage (charge off): cell 3 at 3701 mV, trip 3650 mV",
                "FAULT    charge_overcurrent (charge off, locked out): 105.5 A, trip 100 A",
                "ALARM    balance_overtemperature (balancing off):",
                "         sensor mos at 61.2 °C, trip 60.0 °C",
                "FAULT    open_wire (charge and discharge off): wire above cell 4",
                "FAULT    short_circuit (charge and discharge off)");
        assertThat(lines).allMatch(line -> line.length() <= 80, "fits an 80-column terminal");
    }

    @Test
    void aLatchFromBeforeTheRestartShowsItsLevelButNoReading() {
        PackSnapshot s = pack()
                .state(PackState.FAULT)
                .faults(List.of(new ActiveFault(FaultId.CELL_DEEP_DISCHARGE, ActiveFault.State.ACTIVE,
                        ActiveFault.LATCHED_BEFORE_RESTART, 0, 2000)))
                .build();

        List<String> lines = lines(s);
        assertThat(lines.subList(lines.size() - 2, lines.size())).containsExactly(
                "FAULT    cell_deep_discharge (charge and discharge off):",
                "         latched before the restart, trip 2000 mV");
    }
}
