package dev.cutover.system;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * BCrypt for every password check, but a password that matched is remembered for a short while.
 * Scripts and pollers sign in with HTTP Basic on every request; a BCrypt check (cost 10) takes
 * 50-100 ms of CPU, and at 50 polling clients on two cores those checks alone were most of the p99 of
 * a {@code GET} (bench/load.sh). The remembered entry is keyed by an HMAC-SHA256, under a key drawn at
 * random when the process starts, of the stored hash and the presented password, so:
 * <ul>
 * <li>the process keeps no password and no plain fast hash of one; the key never leaves the process;</li>
 * <li>a changed password has a new stored hash, so what was remembered for the old one never matches
 *     again (and expires after the time to live anyway);</li>
 * <li>only successes are remembered: a wrong guess always pays the full BCrypt price.</li>
 * </ul>
 * Callers presenting the same password for the same hash while its check runs share that one check:
 * fifty pollers starting at once (or their entry expiring at once) each paid BCrypt in the same second,
 * seconds of both cores at the start of bench/load.sh. Concurrent identical guesses learn nothing more
 * from one shared answer than from eight.
 * The trade-off: for {@link #TIME_TO_LIVE} after a user's last successful check, someone who can read
 * this process's memory (key and entries) could test guesses of that user's password at HMAC speed
 * instead of BCrypt speed. Reading the process's memory already exposes the database credentials and
 * every session, so this adds little; restarting the process forgets everything.
 */
final class RememberedPasswordChecks implements PasswordEncoder {

    static final Duration TIME_TO_LIVE = Duration.ofMinutes(5);
    /** Far more than the users and the scripts' credentials of one service; past this the memory starts afresh. */
    static final int MAX_REMEMBERED = 10_000;
    private static final String HMAC = "HmacSHA256";

    private final PasswordEncoder checks;
    private final Clock clock;
    private final SecretKeySpec key;
    private final Map<String, Instant> rememberedUntil = new ConcurrentHashMap<>();
    /** Checks under way, by the same key: callers presenting the same password at once wait for one check. */
    private final Map<String, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();

    RememberedPasswordChecks(PasswordEncoder checks, Clock clock) {
        this.checks = checks;
        this.clock = clock;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, HMAC);
    }

    @Override
    public String encode(CharSequence rawPassword) {
        return checks.encode(rawPassword);
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        if (rawPassword == null || encodedPassword == null) {
            return checks.matches(rawPassword, encodedPassword);
        }
        String remembered = mac(encodedPassword, rawPassword);
        Instant now = clock.instant();
        Instant until = rememberedUntil.get(remembered);
        if (until != null && now.isBefore(until)) {
            return true;
        }
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = inFlight.putIfAbsent(remembered, mine);
        if (running != null) {
            return answerOf(running); // the same password being checked right now: its answer is ours
        }
        try {
            boolean matches = check(rawPassword, encodedPassword, remembered, now);
            mine.complete(matches);
            return matches;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(remembered, mine);
        }
    }

    private static boolean answerOf(CompletableFuture<Boolean> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private boolean check(CharSequence rawPassword, String encodedPassword, String remembered, Instant now) {
        boolean matches = checks.matches(rawPassword, encodedPassword);
        if (matches) {
            if (rememberedUntil.size() >= MAX_REMEMBERED) {
                rememberedUntil.values().removeIf(expiry -> !now.isBefore(expiry));
                if (rememberedUntil.size() >= MAX_REMEMBERED) {
                    rememberedUntil.clear();
                }
            }
            rememberedUntil.put(remembered, now.plus(TIME_TO_LIVE));
        } else {
            rememberedUntil.remove(remembered);
        }
        return matches;
    }

    @Override
    public boolean upgradeEncoding(String encodedPassword) {
        return checks.upgradeEncoding(encodedPassword);
    }

    private String mac(String encodedPassword, CharSequence rawPassword) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            mac.update(encodedPassword.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0); // neither part can run into the other
            return Base64.getEncoder().encodeToString(mac.doFinal(rawPassword.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
