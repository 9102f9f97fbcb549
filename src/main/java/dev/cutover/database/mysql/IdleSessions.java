package dev.cutover.database.mysql;

import com.mysql.cj.jdbc.JdbcConnection;
import dev.cutover.DaemonThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Admin sessions a step closed, kept open a short while for the next step on the same server.
 * Inside the write window every step opened its own sessions: freeze watch, lag gate and promotion
 * made five connections one after the other, 6-8 ms each (TCP, handshake, authentication, the
 * driver's session queries), while a session handed on costs one round trip.
 * <p>
 * A session is handed on only after {@code COM_CHANGE_USER} ({@link JdbcConnection#resetServerState()}):
 * the server authenticates the account again (a changed password or revoked grant is seen as by a new
 * session), rolls back any transaction, releases locks, drops temporary tables and resets every session
 * variable ({@code sql_log_bin}, timeouts), so nothing one step set reaches the next. A session that fails
 * the reset, or has been idle longer than {@link #MAX_IDLE}, is closed and a new one opened. Sessions are
 * kept per connection settings (password included, so a changed one never meets an old session).
 * <p>
 * Written by hand rather than a pool per connection (HikariCP): the settings come from runbooks at run
 * time, a pool per settings would need its own life cycle, and what is needed is only "the session
 * just closed, if it is still good".
 */
final class IdleSessions {

    /** Longer than any pause between the steps of one window; far shorter than a server's wait_timeout. */
    static final Duration MAX_IDLE = Duration.ofSeconds(30);
    static final IdleSessions SHARED = new IdleSessions(MAX_IDLE, 4);

    /** The longest the reset may wait for an answer: a session on a cut link must not hold up a step. */
    private static final int RESET_TIMEOUT_MS = 1_000;

    private final long maxIdleNanos;
    private final int maxPerSettings;
    /** By settings; a deque once made stays (a service meets few settings), so a session is never put in a dropped one. */
    private final Map<MySqlSettings, Deque<Idle>> idle = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("mysql-idle-sessions"));

    IdleSessions(Duration maxIdle, int maxPerSettings) {
        this.maxIdleNanos = maxIdle.toNanos();
        this.maxPerSettings = maxPerSettings;
        long every = Math.max(1, maxIdle.toMillis() / 2);
        sweeper.scheduleWithFixedDelay(this::closeExpired, every, every, TimeUnit.MILLISECONDS);
    }

    private record Idle(Connection connection, long since) {
    }

    /** A session of these settings left by an earlier step, reset to a new session's state; null if none is good. */
    Connection take(MySqlSettings settings) {
        Deque<Idle> kept = idle.get(settings);
        if (kept == null) {
            return null;
        }
        while (true) {
            Idle candidate;
            synchronized (kept) {
                candidate = kept.pollLast();
            }
            if (candidate == null) {
                return null;
            }
            if (System.nanoTime() - candidate.since() > maxIdleNanos) {
                closeQuietly(candidate.connection());
                continue;
            }
            if (reset(candidate.connection())) {
                return candidate.connection();
            }
            closeQuietly(candidate.connection());
        }
    }

    /** Keeps a session a step is done with; closes it when it cannot be handed on. */
    void give(MySqlSettings settings, Connection connection) {
        try {
            if (connection.isClosed() || !connection.getAutoCommit()) {
                closeQuietly(connection);
                return;
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            return;
        }
        Deque<Idle> kept = idle.computeIfAbsent(settings, s -> new ArrayDeque<>());
        Idle surplus = null;
        synchronized (kept) {
            kept.addLast(new Idle(connection, System.nanoTime()));
            if (kept.size() > maxPerSettings) {
                surplus = kept.pollFirst();
            }
        }
        if (surplus != null) {
            closeQuietly(surplus.connection());
        }
    }

    private static boolean reset(Connection connection) {
        try {
            connection.setNetworkTimeout(Runnable::run, RESET_TIMEOUT_MS);
            connection.unwrap(JdbcConnection.class).resetServerState();
            connection.setNetworkTimeout(Runnable::run, 0);
            return !connection.isClosed();
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private void closeExpired() {
        long now = System.nanoTime();
        for (Deque<Idle> kept : idle.values()) {
            List<Connection> expired = new ArrayList<>();
            synchronized (kept) {
                for (Iterator<Idle> it = kept.iterator(); it.hasNext(); ) {
                    Idle one = it.next();
                    if (now - one.since() > maxIdleNanos) {
                        it.remove();
                        expired.add(one.connection());
                    }
                }
            }
            expired.forEach(IdleSessions::closeQuietly);
        }
    }

    /** How many sessions are kept now (for tests). */
    int size() {
        return idle.values().stream().mapToInt(kept -> {
            synchronized (kept) {
                return kept.size();
            }
        }).sum();
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // a session that is already gone
        }
    }
}
