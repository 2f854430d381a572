package org.pibms.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Who may write: the logins made with the configured password, each a session cookie plus a
 * token the page sends back in a header on every write. A page on another site can make the
 * browser send the cookie (it is SameSite=Strict, so modern browsers do not even do that), but
 * it cannot read the token, so it cannot forge a write. Scripts may give the password itself as
 * a bearer token instead; no browser adds that header on its own.
 *
 * <p>Wrong passwords are throttled for everyone at once: after {@link #FAILURES_ALLOWED} in a
 * minute, logins are refused until the minute has passed, so guessing stays slow however many
 * clients guess.
 */
final class Sessions {

    static final long IDLE_ms = 30 * 60_000L;
    static final long LONGEST_ms = 12 * 3600_000L;
    static final int MAX_SESSIONS = 16;
    static final int FAILURES_ALLOWED = 5;
    static final long FAILURE_WINDOW_ms = 60_000;

    /** One login. */
    record Session(String id, String csrfToken, long created_ms, long lastUsed_ms) {
    }

    /** The answer to a login or a bearer password. */
    enum Verdict { ACCEPTED, WRONG, THROTTLED, NO_PASSWORD }

    private final Optional<byte[]> password;
    private final LongSupplier clock_ms;
    private final SecureRandom random = new SecureRandom();
    /** Oldest first, so the oldest is dropped when there are too many. */
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private long failureWindowStart_ms;
    private int failures;

    Sessions(Optional<String> password, LongSupplier clock_ms) {
        this.password = password.map(p -> p.getBytes(StandardCharsets.UTF_8));
        this.clock_ms = clock_ms;
    }

    boolean writesEnabled() {
        return password.isPresent();
    }

    /** Checks a password; a session is made by {@link #login}. */
    synchronized Verdict check(String candidate) {
        if (password.isEmpty()) {
            return Verdict.NO_PASSWORD;
        }
        long now = clock_ms.getAsLong();
        if (now - failureWindowStart_ms >= FAILURE_WINDOW_ms) {
            failureWindowStart_ms = now;
            failures = 0;
        }
        if (failures >= FAILURES_ALLOWED) {
            return Verdict.THROTTLED;
        }
        // compares every byte whatever the first difference, so the time taken tells nothing
        if (MessageDigest.isEqual(password.get(), candidate.getBytes(StandardCharsets.UTF_8))) {
            return Verdict.ACCEPTED;
        }
        failures++;
        return Verdict.WRONG;
    }

    /** A new session after a good password. */
    synchronized Session login() {
        long now = clock_ms.getAsLong();
        expire(now);
        while (sessions.size() >= MAX_SESSIONS) {
            Iterator<String> oldest = sessions.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        Session session = new Session(token(), token(), now, now);
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session with this cookie value, its idle time restarted; empty if unknown or expired. */
    synchronized Optional<Session> find(String id) {
        long now = clock_ms.getAsLong();
        expire(now);
        Session session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        Session touched = new Session(session.id(), session.csrfToken(), session.created_ms(), now);
        sessions.put(id, touched);
        return Optional.of(touched);
    }

    synchronized void logout(String id) {
        sessions.remove(id);
    }

    static boolean sameToken(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    private void expire(long now) {
        sessions.values().removeIf(s -> now - s.lastUsed_ms() >= IDLE_ms || now - s.created_ms() >= LONGEST_ms);
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
