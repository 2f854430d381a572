package org.pibms.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one benchmark suite measured: its figures, each with its unit and, where the project set
 * one, its target, printed as a table or as one JSON object. A quick run (for CI) says so, and
 * its figures are not judged against the targets: they only show the suite still works.
 */
public final class BenchReport {

    /**
     * @param atMost the target: the figure must not exceed it; null when there is none
     */
    public record Figure(String name, double value, String unit, Double atMost) {

        public boolean met() {
            return atMost == null || value <= atMost;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String suite;
    private final String setup;
    private final boolean quick;
    private final List<Figure> figures = new ArrayList<>();

    /**
     * @param suite the name {@code pibms bench} knows it by
     * @param setup one sentence on what ran: the pack, the load, how many samples
     */
    public BenchReport(String suite, String setup, boolean quick) {
        this.suite = suite;
        this.setup = setup;
        this.quick = quick;
    }

    public BenchReport add(String name, double value, String unit) {
        figures.add(new Figure(name, value, unit, null));
        return this;
    }

    public BenchReport add(String name, double value, String unit, double atMost) {
        figures.add(new Figure(name, value, unit, atMost));
        return this;
    }

    public List<Figure> figures() {
        return List.copyOf(figures);
    }

    /** True when every target is met; a quick run's figures are never judged. */
    public boolean targetsMet() {
        return quick || figures.stream().allMatch(Figure::met);
    }

    public void print(PrintWriter out, boolean json) {
        if (json) {
            out.println(json().toString());
        } else {
            table(out);
        }
        out.flush();
    }

    private void table(PrintWriter out) {
        out.printf(Locale.ROOT, "%s: %s%s%n", suite, setup, quick ? " (quick run: targets not judged)" : "");
        out.printf(Locale.ROOT, "  %-48s %14s %-6s %12s  %s%n", "figure", "value", "unit", "target", "");
        for (Figure f : figures) {
            String target = f.atMost() == null ? "" : "<= " + number(f.atMost());
            String verdict = f.atMost() == null || quick ? "" : f.met() ? "met" : "MISSED";
            out.printf(Locale.ROOT, "  %-48s %14s %-6s %12s  %s%n", f.name(), number(f.value()), f.unit(), target,
                    verdict);
        }
    }

    public ObjectNode json() {
        ObjectNode json = JSON.createObjectNode();
        json.put("suite", suite);
        json.put("setup", setup);
        json.put("quick", quick);
        ObjectNode machine = json.putObject("machine");
        machine.put("cpu", cpuModel());
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("arch", System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        ArrayNode list = json.putArray("figures");
        for (Figure f : figures) {
            ObjectNode item = list.addObject().put("name", f.name()).put("value", f.value()).put("unit", f.unit());
            if (f.atMost() != null) {
                item.put("target_at_most", f.atMost()).put("met", f.met());
            }
        }
        json.put("targets_met", targetsMet());
        return json;
    }

    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.valueOf((long) value);
        }
        return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.1f" : "%.3f", value);
    }

    /** The CPU's model name as Linux reports it; "unknown" elsewhere. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") || line.startsWith("Model")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | SecurityException e) {
            // not Linux, or not readable
        }
        return "unknown";
    }

    /** The {@code q}-quantile (0..1) of sorted samples, nearest rank. */
    public static long quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }
}
