package org.pibms.config;

/**
 * One thing wrong with a config file, printed as {@code FILE:LINE:COLUMN: key: what is wrong}.
 *
 * @param line   1-based, or 0 when the problem concerns the whole file
 * @param column 1-based, or 0 when the problem concerns the whole file
 * @param key    dotted path of the setting ({@code pack.cells}, {@code temperature_sensors[2].name}),
 *               or empty when the problem is not about one key
 */
public record ConfigProblem(String file, int line, int column, String key, String message) {

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line).append(':').append(column);
        }
        text.append(": ");
        if (!key.isEmpty()) {
            text.append(key).append(": ");
        }
        return text.append(message).toString();
    }
}
