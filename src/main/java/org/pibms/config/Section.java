package org.pibms.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.pibms.config.ConfigNode.Entry;
import org.pibms.config.ConfigNode.Mapping;
import org.pibms.config.ConfigNode.Position;
import org.pibms.config.ConfigNode.Scalar;
import org.pibms.config.ConfigNode.Sequence;
import org.pibms.core.settings.ConfigListing;

/**
 * Reads the keys of one YAML mapping, checking type and range as it goes.
 *
 * <p>A problem is recorded against the key's position and the read returns a stand-in value,
 * so that one pass finds every problem in the file. Every key asked for is remembered as
 * known; {@link #finish()} then reports the keys nobody asked for. A missing section reads as
 * empty: its optional keys take their defaults and its required keys are reported.
 */
final class Section {

    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]+");

    private final Problems problems;
    private final String path;
    private final Mapping mapping;
    private final Position position;
    private final Set<String> known = new LinkedHashSet<>();
    /** The section itself was reported missing or malformed: its missing keys say nothing more. */
    private boolean alreadyReported;

    Section(Problems problems, String path, Mapping mapping, Position position) {
        this.problems = problems;
        this.path = path;
        this.mapping = mapping;
        this.position = position;
    }

    private void remember(String name) {
        known.add(name);
        problems.keysRead.add(key(name).replaceAll("\\[\\d+]", "[]"));
    }

    /** Notes the value a key was read as, for the listing of every setting in force. */
    private <T> T listed(String name, T value, boolean fromFile) {
        problems.listing.add(new ConfigListing.Entry(key(name), value, fromFile));
        return value;
    }

    /** Lists a key again at the end, with the value its reader settled on. */
    void relist(String name, Object value, boolean fromFile) {
        problems.listing.move(new ConfigListing.Entry(key(name), value, fromFile));
    }

    private Section reported() {
        alreadyReported = true;
        return this;
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    boolean has(String name) {
        remember(name);
        return value(name) != null;
    }

    /** Position of a key's value, or of this section if the key is absent. */
    Position positionOf(String name) {
        ConfigNode value = value(name);
        return value != null ? value.position() : position;
    }

    void problem(String name, String message) {
        problems.add(positionOf(name), key(name), message);
    }

    int requiredInt(String name, int min, int max) {
        return integer(name, null, min, max, false);
    }

    int optionalInt(String name, int defaultValue, int min, int max) {
        return integer(name, defaultValue, min, max, false);
    }

    /** An I2C address, in decimal or hex; a bad one is reported with the range in hex. */
    int optionalAddress(String name, int defaultValue, int min, int max) {
        return integer(name, defaultValue, min, max, true);
    }

    long optionalLong(String name, long defaultValue) {
        Scalar scalar = scalar(name, false);
        if (scalar == null) {
            return listed(name, defaultValue, false);
        }
        BigDecimal number = number(name, scalar, true);
        if (number == null) {
            return defaultValue;
        }
        try {
            return listed(name, number.longValueExact(), true);
        } catch (ArithmeticException e) {
            problem(name, "expected a whole number between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE
                    + ", got " + scalar.text());
            return defaultValue;
        }
    }

    double requiredDecimal(String name, double min, double max) {
        return decimal(name, null, min, max);
    }

    double optionalDecimal(String name, double defaultValue, double min, double max) {
        return decimal(name, defaultValue, min, max);
    }

    /** {@code true} or {@code false}; YAML 1.1's yes/no/on/off are refused as ambiguous. */
    boolean optionalBoolean(String name, boolean defaultValue) {
        Scalar scalar = scalar(name, false);
        if (scalar == null) {
            return listed(name, defaultValue, false);
        }
        String text = scalar.text().toLowerCase(Locale.ROOT);
        if (scalar.kind() != Scalar.Kind.BOOLEAN || !(text.equals("true") || text.equals("false"))) {
            problem(name, "expected true or false, got " + scalar.describe());
            return defaultValue;
        }
        return listed(name, text.equals("true"), true);
    }

    String optionalText(String name, String defaultValue) {
        Scalar scalar = scalar(name, false);
        if (scalar == null) {
            return listed(name, defaultValue, false);
        }
        return listed(name, scalar.text(), true);
    }

    String requiredText(String name) {
        Scalar scalar = scalar(name, true);
        return scalar == null ? "" : listed(name, scalar.text(), true);
    }

    /** One of a fixed set of words; {@code parse} maps a word to its value. */
    <E> E requiredChoice(String name, Function<String, Optional<E>> parse, List<String> words, E standIn) {
        Scalar scalar = scalar(name, true);
        if (scalar == null) {
            return standIn;
        }
        Optional<E> value = parse.apply(scalar.text());
        if (value.isEmpty()) {
            problem(name, "expected one of " + String.join(", ", words) + ", got " + scalar.describe());
            return standIn;
        }
        listed(name, scalar.text(), true);
        return value.get();
    }

    /**
     * A list of whole numbers, each in range ({@code [1, 2, 3]} or {@code - 1} lines); null if
     * absent or malformed (the problem is recorded).
     */
    List<Integer> optionalIntList(String name, int min, int max) {
        List<BigDecimal> numbers = numberList(name, true);
        if (numbers == null) {
            return null;
        }
        List<Integer> values = new ArrayList<>();
        for (BigDecimal number : numbers) {
            if (number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
                problem(name, number.toPlainString() + " is outside the allowed range " + min + ".." + max);
                return null;
            }
            values.add(number.intValueExact());
        }
        return listed(name, values, true);
    }

    /** A list of numbers; null if absent or malformed (the problem is recorded). */
    List<Double> optionalDecimalList(String name) {
        List<BigDecimal> numbers = numberList(name, false);
        return numbers == null ? null : listed(name, numbers.stream().map(BigDecimal::doubleValue).toList(), true);
    }

    private List<BigDecimal> numberList(String name, boolean whole) {
        remember(name);
        ConfigNode value = value(name);
        if (value == null || isEmpty(value)) {
            return null;
        }
        if (!(value instanceof Sequence sequence)) {
            problem(name, "expected a list of numbers such as [1, 2, 3], got " + value.describe());
            return null;
        }
        List<BigDecimal> numbers = new ArrayList<>();
        for (ConfigNode item : sequence.items()) {
            BigDecimal number = item instanceof Scalar scalar ? number(name, scalar, whole) : null;
            if (number == null) {
                if (!(item instanceof Scalar)) {
                    problem(name, "expected a list of numbers, got " + item.describe() + " in it");
                }
                return null;
            }
            numbers.add(number);
        }
        return numbers;
    }

    /** A nested section; absent reads as empty, anything but a mapping is a problem. */
    Section section(String name) {
        remember(name);
        ConfigNode value = value(name);
        if (value == null || isEmpty(value)) {
            return new Section(problems, key(name), null, value != null ? value.position() : position);
        }
        if (value instanceof Mapping nested) {
            return new Section(problems, key(name), nested, nested.position());
        }
        problem(name, "expected a section of 'key: value' lines, got " + value.describe());
        return new Section(problems, key(name), null, value.position()).reported();
    }

    /** A section that must be present. */
    Section requiredSection(String name) {
        if (value(name) == null) {
            problems.add(position, key(name), "missing section");
            remember(name);
            return new Section(problems, key(name), null, position).reported();
        }
        return section(name);
    }

    /** A list of sections ({@code - key: value} items); absent reads as an empty list. */
    List<Section> sectionList(String name) {
        remember(name);
        ConfigNode value = value(name);
        List<Section> sections = new ArrayList<>();
        if (value == null || isEmpty(value)) {
            return sections;
        }
        if (!(value instanceof Sequence sequence)) {
            problem(name, "expected a list of '- key: value' items, got " + value.describe());
            return sections;
        }
        for (int i = 0; i < sequence.items().size(); i++) {
            ConfigNode item = sequence.items().get(i);
            String itemPath = key(name) + "[" + (i + 1) + "]";
            if (item instanceof Mapping mappingItem) {
                sections.add(new Section(problems, itemPath, mappingItem, mappingItem.position()));
            } else {
                problems.add(item.position(), itemPath, "expected a section of 'key: value' lines, got "
                        + item.describe());
            }
        }
        return sections;
    }

    /** Reports every key that no read asked for. Call after reading all keys. */
    void finish() {
        if (mapping == null) {
            return;
        }
        for (Map.Entry<String, Entry> entry : mapping.entries().entrySet()) {
            String name = entry.getKey();
            if (!known.contains(name)) {
                problems.add(entry.getValue().keyPosition(), key(name), "unknown key" + suggestion(name));
            }
        }
    }

    private String suggestion(String name) {
        if (known.isEmpty()) {
            return " (this section takes no keys)";
        }
        for (String candidate : known) {
            if (candidate.equalsIgnoreCase(name) || editDistance(candidate, name) <= 2) {
                return " (did you mean '" + candidate + "'?)";
            }
        }
        return " (known keys: " + String.join(", ", known) + ")";
    }

    private int integer(String name, Integer defaultValue, int min, int max, boolean hexRange) {
        Scalar scalar = scalar(name, defaultValue == null);
        int standIn = defaultValue != null ? defaultValue : min;
        if (scalar == null) {
            return defaultValue != null ? listed(name, standIn, false) : standIn;
        }
        BigDecimal number = number(name, scalar, true);
        if (number == null) {
            return standIn;
        }
        if (number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
            problem(name, scalar.text() + " is outside the allowed range " + (hexRange
                    ? String.format("0x%02X..0x%02X", min, max)
                    : min + ".." + max));
            return standIn;
        }
        return listed(name, number.intValueExact(), true);
    }

    private double decimal(String name, Double defaultValue, double min, double max) {
        Scalar scalar = scalar(name, defaultValue == null);
        double standIn = defaultValue != null ? defaultValue : min;
        if (scalar == null) {
            return defaultValue != null ? listed(name, standIn, false) : standIn;
        }
        BigDecimal number = number(name, scalar, false);
        if (number == null) {
            return standIn;
        }
        double value = number.doubleValue();
        if (value < min || value > max) {
            problem(name, scalar.text() + " is outside the allowed range " + plain(min) + ".." + plain(max));
            return standIn;
        }
        return listed(name, value, true);
    }

    private BigDecimal number(String name, Scalar scalar, boolean whole) {
        String wanted = whole ? "a whole number" : "a number";
        if (scalar.kind() != Scalar.Kind.INTEGER && scalar.kind() != Scalar.Kind.DECIMAL) {
            problem(name, "expected " + wanted + ", got " + scalar.describe());
            return null;
        }
        BigDecimal number;
        String text = scalar.text().replace("_", "");
        try {
            number = HEX.matcher(text).matches()
                    ? new BigDecimal(new BigInteger(text.substring(2), 16))
                    : new BigDecimal(text);
        } catch (NumberFormatException e) {
            problem(name, "expected " + wanted + " written in decimal digits, got " + scalar.text());
            return null;
        }
        if (whole && number.stripTrailingZeros().scale() > 0) {
            problem(name, "expected " + wanted + ", got " + scalar.text());
            return null;
        }
        return number;
    }

    private Scalar scalar(String name, boolean required) {
        remember(name);
        ConfigNode value = value(name);
        if (value == null) {
            if (required && !alreadyReported) {
                problems.add(position, key(name), "missing required key");
            }
            return null;
        }
        if (!(value instanceof Scalar scalar)) {
            problem(name, "expected a single value, got " + value.describe());
            return null;
        }
        if (scalar.kind() == Scalar.Kind.EMPTY) {
            if (required) {
                problem(name, "no value given");
            }
            return null;
        }
        return scalar;
    }

    private ConfigNode value(String name) {
        if (mapping == null) {
            return null;
        }
        Entry entry = mapping.entries().get(name);
        return entry == null ? null : entry.value();
    }

    private static boolean isEmpty(ConfigNode node) {
        return node instanceof Scalar scalar && scalar.kind() == Scalar.Kind.EMPTY;
    }

    private static String plain(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? String.valueOf((long) value)
                : String.format(Locale.ROOT, "%s", value);
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The problems found in one file. */
    static final class Problems {
        private final String file;
        private final List<ConfigProblem> list = new ArrayList<>();
        /** Every key the binder asked for, list indices written as []: the file format's vocabulary. */
        final Set<String> keysRead = new LinkedHashSet<>();
        /** Every value read, in reading order; a key read twice is listed once, with its last value. */
        final ConfigListing.Builder listing = new ConfigListing.Builder();

        Problems(String file) {
            this.file = file;
        }

        void add(Position position, String key, String message) {
            list.add(new ConfigProblem(file, position.line(), position.column(), key, message));
        }

        List<ConfigProblem> sorted() {
            List<ConfigProblem> sorted = new ArrayList<>(list);
            sorted.sort((a, b) -> a.line() != b.line() ? Integer.compare(a.line(), b.line())
                    : Integer.compare(a.column(), b.column()));
            return sorted;
        }

        boolean isEmpty() {
            return list.isEmpty();
        }
    }
}
