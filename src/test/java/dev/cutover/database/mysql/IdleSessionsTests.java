package dev.cutover.database.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Admin sessions handed from one step to the next ({@link IdleSessions}), on the test stack's real
 * MariaDB source: the next step gets the same server session, but in a new session's state.
 */
class IdleSessionsTests {

    private static final ReplicationPair PAIR = new ReplicationPair();

    @Test
    void theNextStepGetsTheSameSessionWithNothingTheStepBeforeSet() throws Exception {
        long first;
        try (MySqlServer step = PAIR.server("source")) {
            first = number(step, "SELECT CONNECTION_ID()");
            step.execute("SET SESSION sql_log_bin = 0");
            step.execute("SET @left_by_the_step_before = 'x'");
            step.execute("CREATE TEMPORARY TABLE " + ReplicationPair.DATABASE + ".idle_sessions_leftover (i INT)");
        }
        try (MySqlServer next = PAIR.server("source")) {
            assertThat(number(next, "SELECT CONNECTION_ID()")).as("handed on, not opened again").isEqualTo(first);
            assertThat(number(next, "SELECT @@SESSION.sql_log_bin")).isEqualTo(1);
            assertThat(text(next, "SELECT @left_by_the_step_before")).isNull();
            assertThatThrownBy(() -> next.execute("SELECT * FROM " + ReplicationPair.DATABASE + ".idle_sessions_leftover"))
                    .hasMessageContaining("doesn't exist");
        }
    }

    @Test
    void aSessionTheServerEndedMeanwhileIsReplacedByANewOne() throws Exception {
        long first;
        try (MySqlServer step = PAIR.server("source")) {
            first = number(step, "SELECT CONNECTION_ID()");
        }
        try (Connection admin = PAIR.admin("source"); Statement kill = admin.createStatement()) {
            kill.execute("KILL " + first);
        }
        try (MySqlServer next = PAIR.server("source")) {
            assertThat(number(next, "SELECT CONNECTION_ID()")).isNotEqualTo(first);
            assertThat(number(next, "SELECT 1")).isEqualTo(1);
        }
    }

    @Test
    void aSessionLeftInsideATransactionIsClosedNotHandedOn() throws Exception {
        long first;
        try (MySqlServer step = PAIR.server("source")) {
            first = number(step, "SELECT CONNECTION_ID()");
            step.jdbc().setAutoCommit(false);
        }
        try (MySqlServer next = PAIR.server("source")) {
            assertThat(number(next, "SELECT CONNECTION_ID()")).isNotEqualTo(first);
            assertThat(next.jdbc().getAutoCommit()).isTrue();
        }
    }

    @Test
    void aSessionIdleLongerThanAllowedIsClosed() throws Exception {
        IdleSessions sessions = new IdleSessions(Duration.ofMillis(200), 4);
        Map<String, String> source = PAIR.settings("source");
        MySqlSettings settings = MySqlSettings.of("source", name -> Optional.ofNullable(source.get(name)));
        Connection kept = PAIR.admin("source");
        sessions.give(settings, kept);
        assertThat(sessions.size()).isEqualTo(1);

        Thread.sleep(600);

        assertThat(kept.isClosed()).as("closed by the sweeper").isTrue();
        assertThat(sessions.size()).isZero();
        assertThat(sessions.take(settings)).isNull();
    }

    private static long number(MySqlServer server, String sql) throws SQLException {
        return Long.parseLong(text(server, sql));
    }

    private static String text(MySqlServer server, String sql) throws SQLException {
        try (Statement statement = server.jdbc().createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
