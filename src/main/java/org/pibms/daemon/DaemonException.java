package org.pibms.daemon;

/** The daemon cannot start or a client cannot reach it; the message says why, for the user. */
public final class DaemonException extends Exception {

    public DaemonException(String message) {
        super(message);
    }

    public DaemonException(String message, Throwable cause) {
        super(message, cause);
    }
}
