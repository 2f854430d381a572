package org.pibms.core.settings;

import java.nio.file.Path;

/**
 * @param socket              the control socket's path
 * @param statusLogInterval_s how often a one-line status goes to the log; 0 = never
 * @param stateDirectory      where pibms keeps what must outlive a restart (latched faults)
 */
public record DaemonSettings(Path socket, int statusLogInterval_s, Path stateDirectory) {
}
