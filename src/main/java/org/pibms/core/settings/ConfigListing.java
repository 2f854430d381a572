package org.pibms.core.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting in force, as the config file names it: what {@code GET /api/settings} shows, so
 * that a user sees the defaults the daemon filled in as well as what the file says.
 *
 * @param entries in the order the loader read them, which follows the config's sections
 */
public record ConfigListing(List<Entry> entries) {

    public static final ConfigListing EMPTY = new ConfigListing(List.of());

    public ConfigListing {
        entries = List.copyOf(entries);
    }

    /**
     * @param key      dotted, list items numbered from 1: {@code ports[1].device}
     * @param value    as the file gives it (or the default): Integer, Long, Double, Boolean, String or a List of numbers
     * @param fromFile the file sets it; false when it is the default
     */
    public record Entry(String key, Object value, boolean fromFile) {

        /** A password: shown as set or not, never as its text. */
        public boolean secret() {
            return key.endsWith("password");
        }
    }

    /** Collects entries as the loader reads them; a key read twice keeps its place and its last value. */
    public static final class Builder {

        private final Map<String, Entry> entries = new LinkedHashMap<>();

        public void add(Entry entry) {
            entries.put(entry.key(), entry);
        }

        /** Adds the entry at the end, as its key's last entry. */
        public void move(Entry entry) {
            entries.remove(entry.key());
            entries.put(entry.key(), entry);
        }

        public ConfigListing build() {
            return new ConfigListing(new ArrayList<>(entries.values()));
        }
    }
}
