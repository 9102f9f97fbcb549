package dev.cutover.system;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Wrong passwords per user name and per remote address, counted from Spring Security's own
 * authentication events (form login and HTTP Basic both publish them), and the lockouts they earn.
 * Spring Security has no login limit of its own; {@link LoginThrottle} turns a lockout away before
 * the password is even checked, so guessing the right one while locked gains nothing. Held in
 * memory: a restart or another instance starts counting afresh, which only loosens the limit.
 */
@Component
class LoginAttempts {

    /** Beyond this many names and addresses tracked, forget the ones whose failures have all expired. */
    private static final int PRUNE_ABOVE = 10_000;

    private final LoginLimit limit;
    private final Clock clock;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    @Autowired
    LoginAttempts(LoginLimit limit) {
        this(limit, Clock.systemUTC());
    }

    LoginAttempts(LoginLimit limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    @EventListener
    void failed(AuthenticationFailureBadCredentialsEvent event) {
        if (!(event.getAuthentication() instanceof UsernamePasswordAuthenticationToken attempt)) {
            return; // a refused bearer token is not a guessed password
        }
        Instant now = clock.instant();
        count(userKey(attempt.getName()), limit.failuresPerUser(), now);
        String address = address(attempt);
        if (address != null) {
            count("address:" + address, limit.failuresPerAddress(), now);
        }
        if (failures.size() > PRUNE_ABOVE) {
            failures.values().removeIf(entry -> entry.expired(now, limit));
        }
    }

    @EventListener
    void succeeded(AuthenticationSuccessEvent event) {
        if (event.getAuthentication() instanceof UsernamePasswordAuthenticationToken) {
            failures.remove(userKey(event.getAuthentication().getName()));
        }
    }

    /** How long the user name or the address is still locked out, if it is. */
    Optional<Duration> lockedFor(String user, String address) {
        Instant now = clock.instant();
        Duration longest = Duration.ZERO;
        for (String key : new String[] {userKey(user), "address:" + address}) {
            Failures entry = failures.get(key);
            Duration left = entry == null ? Duration.ZERO : entry.lockedFor(now);
            longest = left.compareTo(longest) > 0 ? left : longest;
        }
        return longest.isZero() ? Optional.empty() : Optional.of(longest);
    }

    /** Forgets every failure and lockout (tests; an operator restarting the service does the same). */
    void forgetAll() {
        failures.clear();
    }

    private void count(String key, int max, Instant now) {
        failures.computeIfAbsent(key, k -> new Failures()).add(now, max, limit);
    }

    private static String userKey(String user) {
        return "user:" + (user == null ? "" : user.toLowerCase(Locale.ROOT));
    }

    private static String address(Authentication attempt) {
        return attempt.getDetails() instanceof WebAuthenticationDetails details ? details.getRemoteAddress() : null;
    }

    /** The recent failures of one user name or address, and until when it is locked. */
    private static final class Failures {
        private final Deque<Instant> times = new ArrayDeque<>();
        private Instant lockedUntil = Instant.MIN;

        synchronized void add(Instant now, int max, LoginLimit limit) {
            times.addLast(now);
            while (!times.isEmpty() && times.peekFirst().isBefore(now.minus(limit.window()))) {
                times.removeFirst();
            }
            if (times.size() >= max) {
                lockedUntil = now.plus(limit.lockout());
                times.clear();
            }
        }

        synchronized Duration lockedFor(Instant now) {
            return now.isBefore(lockedUntil) ? Duration.between(now, lockedUntil) : Duration.ZERO;
        }

        synchronized boolean expired(Instant now, LoginLimit limit) {
            return !now.isBefore(lockedUntil) && (times.isEmpty() || times.peekLast().isBefore(now.minus(limit.window())));
        }
    }
}
