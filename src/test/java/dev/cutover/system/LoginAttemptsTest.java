package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/** The counting behind the login limit, on a clock the test moves: per user, per address, window and lockout. */
class LoginAttemptsTest {

    private Instant now = Instant.parse("2026-12-02T20:00:00Z");
    private final LoginAttempts attempts = new LoginAttempts(
            new LoginLimit(3, 5, Duration.ofMinutes(10), Duration.ofMinutes(15)), new Clock() {
                @Override
                public ZoneOffset getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now;
                }
            });

    @Test
    void aUserIsLockedAfterItsLimitUntilTheLockoutEnds() {
        fail("ann", "10.0.0.1");
        fail("ANN", "10.0.0.2");
        assertThat(attempts.lockedFor("ann", "10.0.0.9")).isEmpty();
        fail("ann", "10.0.0.3");
        assertThat(attempts.lockedFor("ann", "10.0.0.9")).contains(Duration.ofMinutes(15));
        assertThat(attempts.lockedFor("bob", "10.0.0.9")).isEmpty();
        now = now.plus(Duration.ofMinutes(15));
        assertThat(attempts.lockedFor("ann", "10.0.0.9")).isEmpty();
    }

    @Test
    void failuresOlderThanTheWindowDoNotCountAndASuccessForgetsTheUsers() {
        fail("ann", "10.0.0.1");
        fail("ann", "10.0.0.1");
        now = now.plus(Duration.ofMinutes(11));
        fail("ann", "10.0.0.1");
        assertThat(attempts.lockedFor("ann", "10.0.0.9")).isEmpty();
        fail("ann", "10.0.0.1");
        attempts.succeeded(new AuthenticationSuccessEvent(UsernamePasswordAuthenticationToken.authenticated("ann", null, null)));
        fail("ann", "10.0.0.1");
        assertThat(attempts.lockedFor("ann", "10.0.0.9")).isEmpty();
    }

    @Test
    void anAddressSprayingManyNamesIsLockedForEveryName() {
        for (String user : new String[] {"a", "b", "c", "d", "e"}) {
            fail(user, "10.6.6.6");
        }
        assertThat(attempts.lockedFor("anyone", "10.6.6.6")).isPresent();
        assertThat(attempts.lockedFor("anyone", "10.0.0.1")).isEmpty();
    }

    private void fail(String user, String address) {
        UsernamePasswordAuthenticationToken attempt = UsernamePasswordAuthenticationToken.unauthenticated(user, "guess");
        attempt.setDetails(new WebAuthenticationDetails(address, null));
        attempts.failed(new AuthenticationFailureBadCredentialsEvent(attempt, new BadCredentialsException("bad")));
    }
}
