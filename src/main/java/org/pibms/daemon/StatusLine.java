package org.pibms.daemon;

import java.util.Locale;
import org.pibms.core.ActiveFault;
import org.pibms.core.PackSnapshot;

/** A one-line summary of a snapshot, for the log. */
public final class StatusLine {

    private StatusLine() {
    }

    public static String format(PackSnapshot s) {
        StringBuilder line = new StringBuilder(160);
        line.append(s.state().id());
        if (s.cellVoltagesValid()) {
            line.append(String.format(Locale.ROOT, " | cells %d..%d mV (delta %d, low #%d, high #%d)",
                    s.cellVoltage_mV(s.minCell()), s.cellVoltage_mV(s.maxCell()), s.cellDelta_mV(),
                    s.minCell() + 1, s.maxCell() + 1));
        } else {
            line.append(" | cells unknown");
        }
        line.append(s.packVoltageValid() ? String.format(Locale.ROOT, " | %.2f V", s.packVoltage_mV() / 1000.0) : " | ? V");
        line.append(s.currentValid() ? String.format(Locale.ROOT, " %+.2f A", s.current_mA() / 1000.0) : " ? A");
        line.append(s.socValid() ? String.format(Locale.ROOT, " | SOC %.1f %%", s.soc_pct()) : " | SOC unknown");
        int low = Integer.MAX_VALUE;
        int high = Integer.MIN_VALUE;
        for (int i = 0; i < s.temperatureNames().size(); i++) {
            if (s.temperatureValid(i)) {
                low = Math.min(low, s.temperature_dC(i));
                high = Math.max(high, s.temperature_dC(i));
            }
        }
        if (low <= high) {
            line.append(String.format(Locale.ROOT, " | %.1f..%.1f °C", low / 10.0, high / 10.0));
        }
        line.append(" | charge ").append(s.chargeMos() ? "on" : "off")
                .append(", discharge ").append(s.dischargeMos() ? "on" : "off");
        if (!s.faults().isEmpty()) {
            line.append(" | faults: ");
            StringBuilder faults = new StringBuilder();
            for (ActiveFault fault : s.faults()) {
                faults.append(faults.length() == 0 ? "" : ", ").append(fault.id().id());
                if (!fault.source().isEmpty()) {
                    faults.append(" (").append(fault.source()).append(')');
                }
            }
            line.append(faults);
        }
        return line.toString();
    }
}
