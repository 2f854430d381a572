package org.pibms.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A YAML document as a tree that remembers where each part stands in the file. */
sealed interface ConfigNode {

    /** 1-based line and column in the file. */
    record Position(int line, int column) {
        static final Position START = new Position(1, 1);
    }

    Position position();

    /** What the node is, for messages: "a number", "a section", … */
    String describe();

    /** A key in a mapping: where the key stands, and its value. */
    record Entry(Position keyPosition, ConfigNode value) {
    }

    /** {@code key: value} lines, in file order. */
    record Mapping(Position position, Map<String, Entry> entries) implements ConfigNode {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String describe() {
            return "a section";
        }
    }

    /** {@code - item} lines or {@code [a, b]}. */
    record Sequence(Position position, List<ConfigNode> items) implements ConfigNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A single value, with the kind YAML resolved it to and its text as written. */
    record Scalar(Position position, Kind kind, String text) implements ConfigNode {

        enum Kind { TEXT, INTEGER, DECIMAL, BOOLEAN, EMPTY }

        @Override
        public String describe() {
            return switch (kind) {
                case TEXT -> "the text '" + text + "'";
                case INTEGER, DECIMAL -> "the number " + text;
                case BOOLEAN -> "the value " + text;
                case EMPTY -> "nothing";
            };
        }
    }
}
