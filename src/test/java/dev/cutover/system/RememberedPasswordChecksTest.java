package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Issue 15 (load): a script signing in with HTTP Basic on every request paid a BCrypt check each time,
 * which dominated the p99 of bench/load.sh on two cores. A matched password is remembered briefly,
 * keyed by an HMAC of the stored hash and the password; wrong guesses and changed passwords are not.
 */
class RememberedPasswordChecksTest {

    private static final String HASH = "{bcrypt}$2a$04$stored-hash-of-the-user";

    private final AtomicInteger slowChecks = new AtomicInteger();
    private final PasswordEncoder slow = new PasswordEncoder() {
        @Override
        public String encode(CharSequence raw) {
            return "{bcrypt}" + raw;
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            slowChecks.incrementAndGet();
            pause(checkMillis);
            return encoded.equals(HASH) ? "right".contentEquals(raw) : encoded.equals("{bcrypt}" + raw);
        }
    };
    private volatile long checkMillis = 0;
    private Instant now = Instant.parse("2026-12-03T06:00:00Z");
    private final Clock clock = new Clock() {
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
    };
    private final RememberedPasswordChecks checks = new RememberedPasswordChecks(slow, clock);

    @Test
    void theServiceChecksPasswordsThroughTheRememberedChecks() throws Exception {
        PasswordEncoder configured = new SecurityConfiguration().passwordEncoder();
        assertThat(configured).isInstanceOf(RememberedPasswordChecks.class);
        String bcrypt = configured.encode("s3cret");
        assertThat(bcrypt).startsWith("{bcrypt}");
        assertThat(configured.matches("s3cret", bcrypt)).isTrue();
        assertThat(configured.matches("s3cret", bcrypt)).isTrue();
        assertThat(configured.matches("wrong", bcrypt)).isFalse();
        assertThat(configured.matches("viewer", "{noop}viewer")).isTrue();
    }

    @Test
    void aMatchedPasswordIsCheckedSlowlyOnceWithinTheTimeToLive() {
        for (int i = 0; i < 20; i++) {
            assertThat(checks.matches("right", HASH)).isTrue();
        }
        assertThat(slowChecks).hasValue(1);

        now = now.plus(RememberedPasswordChecks.TIME_TO_LIVE);
        assertThat(checks.matches("right", HASH)).isTrue();
        assertThat(slowChecks).as("checked again once the time to live is over").hasValue(2);
    }

    /**
     * Fifty pollers starting at once (or their remembered check expiring at once) all missed and all paid
     * BCrypt at the same moment: seconds of both cores at the start of bench/load.sh, every first request slow.
     */
    @Test
    void concurrentChecksOfTheSamePasswordShareOneSlowCheck() throws Exception {
        checkMillis = 300;
        int callers = 8;
        var pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch ready = new CountDownLatch(callers);
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> {
                    ready.countDown();
                    ready.await();
                    return checks.matches("right", HASH);
                }));
            }
            for (Future<Boolean> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(slowChecks).as("slow checks for %d callers at once", callers).hasValue(1);
        assertThat(checks.matches("wrong", HASH)).isFalse();
        assertThat(slowChecks).as("a wrong password still pays its own check").hasValue(2);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aWrongPasswordIsNeverRememberedAndAlwaysPaysTheSlowCheck() {
        assertThat(checks.matches("right", HASH)).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(checks.matches("wrong", HASH)).isFalse();
        }
        assertThat(slowChecks).hasValue(6);
    }

    @Test
    void aChangedPasswordHasANewHashSoTheOldPasswordIsCheckedAgainstItAndRefused() {
        assertThat(checks.matches("right", HASH)).isTrue();
        String changed = slow.encode("new-password");
        assertThat(checks.matches("right", changed)).isFalse();
        assertThat(checks.matches("new-password", changed)).isTrue();
        assertThat(slowChecks).hasValue(3);
    }
}
