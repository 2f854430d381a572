package org.pibms.core.settings;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The measurement recorder (CSV, as {@code pibms replay} reads it).
 *
 * @param path          the file; empty = no recording
 * @param interval_ms   the least time between two rows; 0 = every tick
 * @param maxFileBytes  a file is rotated before it grows beyond this
 * @param keepFiles     rotated files kept beside the current one
 */
public record RecorderSettings(Optional<Path> path, int interval_ms, long maxFileBytes, int keepFiles) {
}
