package org.pibms.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pibms.core.ActiveFault;
import org.pibms.core.FaultId;
import org.pibms.core.Balancing;
import org.pibms.core.PackSnapshot;
import org.pibms.core.Unit;

/** The human table of {@code pibms status}. */
final class StatusTable {

    /** 50 A, 42.5 A: the limits as an inverter's display shows them. */
    private static String amps(int mA) {
        return mA % 1000 == 0 ? Integer.toString(mA / 1000) : String.format(Locale.ROOT, "%.1f", mA / 1000.0);
    }

    private static final int CELLS_PER_ROW = 4;
    /** A fault line longer than a terminal is wide puts its reading on a second line. */
    private static final int WIDTH = 80;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private StatusTable() {
    }

    static String format(PackSnapshot s) {
        StringBuilder out = new StringBuilder(1024);
        out.append(String.format(Locale.ROOT, "pibms  %s%s  %s  tick %d%n", s.state().id().toUpperCase(Locale.ROOT),
                mode(s), TIME.format(Instant.ofEpochMilli(s.time_ms())), s.sequence()));
        out.append(System.lineSeparator());
        cells(s, out);
        out.append(String.format(Locale.ROOT, "%-9s %s   current %s%s%n", "Pack",
                s.packVoltageValid() ? String.format(Locale.ROOT, "%.2f V", s.packVoltage_mV() / 1000.0) : "? V",
                s.currentValid() ? String.format(Locale.ROOT, "%+.2f A", s.current_mA() / 1000.0) : "? A",
                s.currentValid() ? direction(s.current_mA()) : ""));
        out.append(String.format(Locale.ROOT, "%-9s %s of %.1f Ah%s%n", "SOC",
                s.socValid() ? String.format(Locale.ROOT, "%.1f %%", s.soc_pct()) : "unknown",
                s.capacity_mAh() / 1000.0, s.soc() == null ? "" : String.format(Locale.ROOT,
                        "   ±%.1f %%, cells %.0f-%.0f %%, SOH %.0f %%, last calibration %s",
                        s.soc().uncertainty_pct(), s.soc().minCellSoc_pct(), s.soc().maxCellSoc_pct(), s.soh_pct(),
                        s.soc().lastCalibration().id())));
        out.append(String.format(Locale.ROOT, "%-9s %s%n", "Temps", temperatures(s)));
        out.append(String.format(Locale.ROOT, "%-9s charge %s   discharge %s%n", "MOS",
                mos(s.chargeMos(), s.chargeManualOff(), false),
                mos(s.dischargeMos(), s.dischargeManualOff(), s.precharging())));
        out.append(String.format(Locale.ROOT, "%-9s CVL %.1f V (%s)   CCL %s A   DCL %s A%n", "Limits",
                s.cvl_mV() / 1000.0, s.floatCharging() ? "float" : "bulk", amps(s.ccl_mA()), amps(s.dcl_mA())));
        String io = inputsAndOutputs(s);
        if (!io.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%-9s %s%n", "I/O", io));
        }
        out.append(String.format(Locale.ROOT, "%-9s %s%n", "Balancing", balancing(s)));
        if (s.faults().isEmpty()) {
            out.append(String.format(Locale.ROOT, "%-9s none%n", "Faults"));
        }
        for (ActiveFault fault : s.faults()) {
            out.append(fault(fault)).append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String mode(PackSnapshot s) {
        if (s.simulated() && s.lowPower()) {
            return " (simulated, low power)";
        }
        return s.simulated() ? " (simulated)" : s.lowPower() ? " (low power)" : "";
    }

    private static String mos(boolean on, boolean manualOff, boolean precharging) {
        return (on ? "ON" : "off") + (manualOff ? " (manual off)" : "") + (precharging ? " (pre-charging)" : "");
    }

    /** ACC only when it can be read: an unwired input would otherwise show on every status. */
    private static String inputsAndOutputs(PackSnapshot s) {
        StringBuilder text = new StringBuilder();
        if (s.accValid()) {
            text.append("ACC ").append(s.acc() ? "on" : "off");
        }
        for (int i = 0; i < s.outputNames().size(); i++) {
            text.append(text.length() == 0 ? "" : "   ").append(s.outputNames().get(i)).append('=')
                    .append(s.outputOn(i) ? "on" : "off");
        }
        return text.toString();
    }

    private static void cells(PackSnapshot s, StringBuilder out) {
        if (!s.cellVoltagesValid()) {
            out.append(String.format(Locale.ROOT, "Cells     %d, no valid reading%n%n", s.cellCount()));
            return;
        }
        int min = s.minCell();
        int max = s.maxCell();
        out.append(String.format(Locale.ROOT, "Cells (mV)%n"));
        for (int i = 0; i < s.cellCount(); i++) {
            String mark = i == min ? " min" : i == max ? " max" : "";
            if ((s.balancingMask() & (1L << i)) != 0) {
                mark += " bal";
            }
            out.append(String.format(Locale.ROOT, "  %2d %5d%-8s", i + 1, s.cellVoltage_mV(i), mark));
            if ((i + 1) % CELLS_PER_ROW == 0 || i + 1 == s.cellCount()) {
                out.append(System.lineSeparator());
            }
        }
        out.append(String.format(Locale.ROOT, "  min %d mV (#%d)   max %d mV (#%d)   delta %d mV%n%n",
                s.cellVoltage_mV(min), min + 1, s.cellVoltage_mV(max), max + 1, s.cellDelta_mV()));
    }

    /** Below this the current is sensor noise or the BMS's own drain, not charging or discharging. */
    private static final int IDLE_mA = 100;

    private static String direction(int current_mA) {
        return current_mA >= IDLE_mA ? " (charging)" : current_mA <= -IDLE_mA ? " (discharging)" : " (idle)";
    }

    private static String temperatures(PackSnapshot s) {
        if (s.temperatureNames().isEmpty()) {
            return "no sensors configured";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < s.temperatureNames().size(); i++) {
            text.append(i == 0 ? "" : "   ").append(s.temperatureNames().get(i)).append(' ')
                    .append(s.temperatureValid(i)
                            ? String.format(Locale.ROOT, "%.1f °C", s.temperature_dC(i) / 10.0)
                            : "?");
        }
        return text.toString();
    }

    /** E.g. {@code auto, bleeding cells 3 (98 mA) 7 (98 mA)}, or {@code auto, idle: the highest cell is below ...}. */
    private static String balancing(PackSnapshot s) {
        Balancing.State b = s.balancing();
        StringBuilder text = new StringBuilder(b.command().id()).append(", ");
        if (b.mask() == 0) {
            return text.append("idle: ").append(b.activity().description()).toString();
        }
        text.append("bleeding cell");
        for (int i = 0; i < b.current_mA().size(); i++) {
            if (b.current_mA().get(i) > 0) {
                text.append(' ').append(i + 1).append(" (").append(b.current_mA().get(i)).append(" mA)");
            }
        }
        return text.toString();
    }

    /** E.g. {@code FAULT    cell_overvoltage (charge off): cell 3 at 3701 mV, trip 3650 mV}; the label is the severity. */
    private static String fault(ActiveFault fault) {
        FaultId id = fault.id();
        String label = switch (id.severity()) {
            case PROTECTION -> "FAULT";
            case ALARM -> "ALARM";
            case WARNING -> "WARNING";
        };
        StringBuilder head = new StringBuilder(String.format("%-9s", label)).append(id.id());
        List<String> notes = new ArrayList<>();
        String reaction = switch (id.reaction()) {
            case NONE -> "";
            case CHARGE -> "charge off";
            case DISCHARGE -> "discharge off";
            case BOTH -> "charge and discharge off";
            case BALANCING -> "balancing off";
        };
        if (!reaction.isEmpty()) {
            notes.add(reaction);
        }
        if (fault.state() == ActiveFault.State.LOCKED_OUT) {
            notes.add("locked out");
        }
        if (!notes.isEmpty()) {
            head.append(" (").append(String.join(", ", notes)).append(')');
        }
        String reading = reading(fault);
        if (reading.isEmpty()) {
            return head.toString();
        }
        if (head.length() + 2 + reading.length() > WIDTH) {
            return head + ":" + System.lineSeparator() + " ".repeat(9) + reading;
        }
        return head + ": " + reading;
    }

    /** Where and how far: a yes/no fault has no levels, only perhaps a place. */
    private static String reading(ActiveFault fault) {
        Unit unit = fault.id().quantity().unit();
        if (unit == Unit.FLAG) {
            return fault.source();
        }
        if (fault.latchedBeforeRestart()) {
            return fault.source() + ", trip " + unit.format(fault.threshold());
        }
        String levels = unit.format(fault.value()) + ", trip " + unit.format(fault.threshold());
        return fault.source().isEmpty() ? levels : fault.source() + " at " + levels;
    }
}
