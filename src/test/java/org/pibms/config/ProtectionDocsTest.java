package org.pibms.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.pibms.core.Chemistry;
import org.pibms.core.FaultId;
import org.pibms.core.Recovery;
import org.pibms.core.Unit;
import org.pibms.core.settings.ProtectionRules;
import org.pibms.core.settings.ProtectionSettings;
import org.pibms.core.settings.ProtectionSettings.Limit;

/**
 * docs/protection.md shows the protection table and its keys exactly as the code has them: the
 * sections between the {@code generated} markers are rendered from {@link FaultId} and the
 * defaults. When the code changes, the test fails and writes the new text to
 * {@code target/protection-generated.md} to paste in.
 */
class ProtectionDocsTest {

    static final ProtectionSettings.Pack LFP = new ProtectionSettings.Pack(Chemistry.LFP, 16, 100_000, 300_000);
    static final ProtectionSettings.Pack NMC = new ProtectionSettings.Pack(Chemistry.NMC, 16, 100_000, 300_000);

    @Test
    void theTableInTheDocsIsTheTableInTheCode() throws IOException {
        String docs = Files.readString(Path.of("docs/protection.md"));
        String table = section(docs, "table");
        String keys = section(docs, "keys");
        String expectedTable = renderTable();
        String expectedKeys = renderKeys();
        if (!table.equals(expectedTable) || !keys.equals(expectedKeys)) {
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/protection-generated.md"), "<!-- generated: table -->\n" + expectedTable
                    + "<!-- end: table -->\n\n<!-- generated: keys -->\n" + expectedKeys + "<!-- end: keys -->\n");
        }
        assertThat(table).as("docs/protection.md table (new text in target/protection-generated.md)")
                .isEqualTo(expectedTable);
        assertThat(keys).as("docs/protection.md keys (new text in target/protection-generated.md)")
                .isEqualTo(expectedKeys);
    }

    private static String section(String docs, String name) {
        String start = "<!-- generated: " + name + " -->\n";
        String end = "<!-- end: " + name + " -->";
        int from = docs.indexOf(start);
        int to = docs.indexOf(end);
        assertThat(from).as("marker " + start.trim()).isNotNegative();
        assertThat(to).as("marker " + end).isGreaterThan(from);
        return docs.substring(from + start.length(), to);
    }

    static String renderTable() {
        ProtectionSettings lfp = ProtectionSettings.defaultsFor(LFP);
        ProtectionSettings nmc = ProtectionSettings.defaultsFor(NMC);
        StringBuilder md = new StringBuilder();
        md.append("| fault | watches | trip LFP / NMC | recover LFP / NMC | delay | severity | reaction | recovery |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (FaultId id : FaultId.values()) {
            Limit l = lfp.limit(id);
            Limit n = nmc.limit(id);
            md.append("| `").append(id.id()).append("` | ")
                    .append(id.quantity().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .append(direction(id)).append(" | ")
                    .append(level(id, l.trip(), n.trip(), true)).append(" | ")
                    .append(recover(id, l, n)).append(" | ")
                    .append(delay(id, l)).append(" | ")
                    .append(id.severity().id()).append(" | ")
                    .append(id.reaction().id()).append(" | ")
                    .append(recovery(l)).append(l.enabled() ? "" : " (off by default)").append(" |\n");
        }
        return md.toString();
    }

    private static String direction(FaultId id) {
        return switch (id.trip()) {
            case ABOVE -> " ≥ trip";
            case BELOW -> " ≤ trip";
            case WHEN_SET -> "";
        };
    }

    private static String level(FaultId id, int lfp, int nmc, boolean trip) {
        Unit unit = id.quantity().unit();
        if (unit == Unit.FLAG) {
            return "set";
        }
        if (id == FaultId.MOS_PULSE_OVERLOAD && trip) {
            return "budget used up";
        }
        return lfp == nmc ? unit.format(lfp) : unit.format(lfp) + " / " + unit.format(nmc);
    }

    private static String recover(FaultId id, Limit l, Limit n) {
        if (l.recovery() != Recovery.AUTO) {
            return "—";
        }
        if (id.quantity().unit() == Unit.FLAG) {
            return "clear";
        }
        return level(id, l.recover(), n.recover(), false);
    }

    private static String delay(FaultId id, Limit l) {
        String trip = l.delay_ms() + " ms";
        return l.recovery() == Recovery.AUTO ? trip + ", recover " + l.recoverDelay_ms() + " ms" : trip;
    }

    private static String recovery(Limit l) {
        if (l.recovery() == Recovery.RETRY) {
            ProtectionSettings.Retry r = l.retry();
            return "retry after " + r.retry_ms() / 1000 + " s; locked out on trip " + (r.maxRetries() + 1) + " within "
                    + r.window_ms() / 1000 + " s";
        }
        return l.recovery().id();
    }

    static String renderKeys() {
        ProtectionSettings lfp = ProtectionSettings.defaultsFor(LFP);
        ProtectionSettings nmc = ProtectionSettings.defaultsFor(NMC);
        StringBuilder md = new StringBuilder();
        md.append("| key | default LFP / NMC |\n");
        md.append("|---|---|\n");
        for (FaultId id : FaultId.values()) {
            for (String key : ProtectionRules.keys(id)) {
                Object l = ProtectionRules.value(lfp, id, key);
                Object n = ProtectionRules.value(nmc, id, key);
                md.append("| `protection.").append(id.id()).append('.').append(key).append("` | ")
                        .append(l.equals(n) ? String.valueOf(l) : l + " / " + n).append(" |\n");
            }
        }
        return md.toString();
    }
}
