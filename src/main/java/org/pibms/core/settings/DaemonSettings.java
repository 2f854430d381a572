package org.pibms.core.settings;

import java.nio.file.Path;

/**
 * @param socket              the control socket's path
 * @param statusLogInterval_s how often a one-line status goes to the log; 0 = never
 * @param stateDirectory      where pibms keeps what must outlive a restart: the state file and the event log
 * @param eventLog            the event log's size limits
 */
public record DaemonSettings(Path socket, int statusLogInterval_s, Path stateDirectory, EventLog eventLog) {

    /**
     * @param maxFileBytes the log is rotated before a file grows beyond this
     * @param keepFiles    rotated files kept; the log never takes more than (keepFiles + 1) × maxFileBytes
     */
    public record EventLog(long maxFileBytes, int keepFiles) {
    }
}
