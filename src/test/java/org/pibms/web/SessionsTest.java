package org.pibms.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionsTest {

    private long now_ms = 1_000_000;
    private final Sessions sessions = new Sessions(Optional.of("right-password"), () -> now_ms);

    @Test
    void wrongPasswordsAreThrottledForEveryoneUntilTheMinuteHasPassed() {
        for (int i = 0; i < Sessions.FAILURES_ALLOWED; i++) {
            assertThat(sessions.check("guess-" + i)).isEqualTo(Sessions.Verdict.WRONG);
        }
        assertThat(sessions.check("right-password")).as("even the right one, while throttled")
                .isEqualTo(Sessions.Verdict.THROTTLED);
        now_ms += Sessions.FAILURE_WINDOW_ms;
        assertThat(sessions.check("right-password")).isEqualTo(Sessions.Verdict.ACCEPTED);
        assertThat(sessions.check("right-passwor")).isEqualTo(Sessions.Verdict.WRONG);
        assertThat(sessions.check("right-password ")).isEqualTo(Sessions.Verdict.WRONG);
    }

    @Test
    void withoutAPasswordNobodyLogsIn() {
        Sessions readOnly = new Sessions(Optional.empty(), () -> now_ms);
        assertThat(readOnly.writesEnabled()).isFalse();
        assertThat(readOnly.check("")).isEqualTo(Sessions.Verdict.NO_PASSWORD);
    }

    @Test
    void sessionsEndWhenIdleOrTooOldAndTheOldestMakeWayForNewOnes() {
        Sessions.Session first = sessions.login();
        assertThat(first.id()).isNotEqualTo(first.csrfToken()).hasSizeGreaterThanOrEqualTo(43);
        now_ms += Sessions.IDLE_ms - 1;
        assertThat(sessions.find(first.id())).as("used just in time").isPresent();
        now_ms += Sessions.IDLE_ms - 1;
        assertThat(sessions.find(first.id())).as("each use restarts the idle time").isPresent();
        now_ms += Sessions.IDLE_ms;
        assertThat(sessions.find(first.id())).as("idle too long").isEmpty();

        Sessions.Session busy = sessions.login();
        for (long t = 0; t < Sessions.LONGEST_ms; t += Sessions.IDLE_ms / 2) {
            now_ms += Sessions.IDLE_ms / 2;
            sessions.find(busy.id());
        }
        assertThat(sessions.find(busy.id())).as("however busy, a login lasts at most 12 h").isEmpty();

        Sessions.Session oldest = sessions.login();
        for (int i = 1; i < Sessions.MAX_SESSIONS; i++) {
            sessions.login();
        }
        assertThat(sessions.find(oldest.id())).isPresent();
        sessions.login();
        assertThat(sessions.find(oldest.id())).isEmpty();
    }

    @Test
    void tokensCompareWhole() {
        assertThat(Sessions.sameToken("abc", "abc")).isTrue();
        assertThat(Sessions.sameToken("abc", "ab")).isFalse();
        assertThat(Sessions.sameToken("abc", null)).isFalse();
    }
}
