package org.pibms.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;

/** The human table of {@code pibms status}. */
final class StatusTable {

    private static final int CELLS_PER_ROW = 4;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private StatusTable() {
    }

    static String format(PackSnapshot s) {
        StringBuilder out = new StringBuilder(1024);
        out.append(String.format(Locale.ROOT, "pibms  %s%s  %s  tick %d%n", s.state().id().toUpperCase(Locale.ROOT),
                s.simulated() ? " (simulated)" : "", TIME.format(Instant.ofEpochMilli(s.time_ms())), s.sequence()));
        out.append(System.lineSeparator());
        cells(s, out);
        out.append(String.format(Locale.ROOT, "%-9s %s   current %s%s%n", "Pack",
                s.packVoltageValid() ? String.format(Locale.ROOT, "%.2f V", s.packVoltage_mV() / 1000.0) : "? V",
                s.currentValid() ? String.format(Locale.ROOT, "%+.2f A", s.current_mA() / 1000.0) : "? A",
                s.currentValid() ? direction(s.current_mA()) : ""));
        out.append(String.format(Locale.ROOT, "%-9s %s of %.1f Ah%n", "SOC",
                s.socValid() ? String.format(Locale.ROOT, "%.1f %%", s.soc_pct()) : "unknown",
                s.capacity_mAh() / 1000.0));
        out.append(String.format(Locale.ROOT, "%-9s %s%n", "Temps", temperatures(s)));
        out.append(String.format(Locale.ROOT, "%-9s charge %s   discharge %s%n", "MOS",
                s.chargeMos() ? "ON" : "off", s.dischargeMos() ? "ON" : "off"));
        out.append(String.format(Locale.ROOT, "%-9s %s%n", "Balancing", balancing(s)));
        out.append(String.format(Locale.ROOT, "%-9s %s%n", "Faults", faults(s)));
        return out.toString();
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

    private static String balancing(PackSnapshot s) {
        if (s.balancingMask() == 0) {
            return "none";
        }
        StringBuilder text = new StringBuilder("cells");
        for (int i = 0; i < s.cellCount(); i++) {
            if ((s.balancingMask() & (1L << i)) != 0) {
                text.append(' ').append(i + 1);
            }
        }
        return text.toString();
    }

    private static String faults(PackSnapshot s) {
        if (s.faults().isEmpty()) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        for (FaultId fault : s.faults()) {
            text.append(text.length() == 0 ? "" : ", ").append(fault.id());
        }
        return text.toString();
    }
}
