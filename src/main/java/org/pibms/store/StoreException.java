package org.pibms.store;

/** Persisted state that cannot be read, written or trusted; the message names the file. */
public final class StoreException extends Exception {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
