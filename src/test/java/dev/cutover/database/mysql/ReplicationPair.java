package dev.cutover.database.mysql;

import dev.cutover.testpeers.TestPeers;
import dev.cutover.testpeers.TestPeers.MySqlPair;
import dev.cutover.testsupport.RecordingStepContext;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The test stack's real source/replica pair (MariaDB with GTID replication here, MySQL 8.4 where
 * Docker runs) as runbook connections {@code source} and {@code replica}, an application account
 * without admin rights (so read_only stops it, as it stops a real application), and a way back to
 * the original topology whatever a test did to it — tests promote and demote the shared pair.
 */
public final class ReplicationPair {

    public static final String DATABASE = "cutover_test";
    public static final String APP_USER = "cutover_app";
    public static final String APP_PASSWORD = "app-pass-1";
    private static final AtomicInteger TABLES = new AtomicInteger();

    public final MySqlPair peers = TestPeers.mariaDb();

    public Map<String, String> settings(String role) {
        boolean source = "source".equals(role);
        String[] address = (source ? peers.sourceReplicationAddress() : peers.replicaReplicationAddress()).split(":");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("url", source ? peers.sourceUrl() : peers.replicaUrl());
        settings.put("user", peers.user());
        settings.put("password", peers.password());
        settings.put("replicationUser", peers.replicationUser());
        settings.put("replicationPassword", peers.replicationPassword());
        settings.put("replicationHost", address[0]);
        settings.put("replicationPort", address[1]);
        return settings;
    }

    /**
     * The server {@code role} as a runbook connection in flow style, for runbooks written at test
     * time, e.g. {@code orders-source: } + this.
     *
     * @param passwordReference how the runbook refers to the password, e.g. {@code ${file:@WORK@/mysql-password}}
     */
    public String runbookConnection(String role, String passwordReference) {
        Map<String, String> s = settings(role);
        return "{ type: mysql, url: \"%s\", user: %s, password: \"%s\", replicationUser: %s, replicationPassword: \"%s\", "
                .formatted(s.get("url"), s.get("user"), passwordReference, s.get("replicationUser"), s.get("replicationPassword"))
                + "replicationHost: \"%s\", replicationPort: \"%s\" }".formatted(s.get("replicationHost"), s.get("replicationPort"));
    }

    /** A step context with connections {@code source} and {@code replica}. */
    public RecordingStepContext context(Map<String, Object> with) {
        return new RecordingStepContext(with).connection("source", "mysql", settings("source"))
                .connection("replica", "mysql", settings("replica")).timeout(Duration.ofSeconds(30));
    }

    MySqlServer server(String role) throws SQLException {
        Map<String, String> settings = settings(role);
        return MySqlServer.connect(MySqlSettings.of(role, name -> java.util.Optional.ofNullable(settings.get(name))));
    }

    public Connection admin(String role) throws SQLException {
        return "source".equals(role) ? peers.openSource() : peers.openReplica();
    }

    /** The application account on the source (it replicates to the replica), allowed DML only. */
    public void createAppUser() throws SQLException {
        try (Connection source = peers.openSource(); Statement statement = source.createStatement()) {
            statement.execute("CREATE USER IF NOT EXISTS '" + APP_USER + "'@'%' IDENTIFIED BY '" + APP_PASSWORD + "'");
            statement.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + DATABASE + ".* TO '" + APP_USER + "'@'%'");
        }
        awaitReplicaCaughtUp();
    }

    public Connection app(String role) throws SQLException {
        return DriverManager.getConnection("source".equals(role) ? peers.sourceUrl() : peers.replicaUrl(), APP_USER,
                APP_PASSWORD);
    }

    /** Creates a fresh table {@code cutover_test.<prefix>_<n>} (id auto-increment, note) on the source. */
    public String createTable(String prefix) throws SQLException {
        String table = prefix + "_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet();
        execute("source", "CREATE TABLE " + DATABASE + "." + table
                + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(100), amount DECIMAL(10,2) NULL)");
        awaitReplicaCaughtUp();
        return table;
    }

    public void execute(String role, String sql) throws SQLException {
        try (Connection connection = admin(role); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Writes straight into the replica, as drift would (MySQL 8 needs super_read_only lifted for it). */
    public void writeIntoReplica(String sql) throws SQLException {
        try (MySqlServer replica = server("replica")) {
            boolean superReadOnly = replica.flavor().hasSuperReadOnly();
            if (superReadOnly) {
                replica.execute("SET GLOBAL super_read_only = OFF");
            }
            try {
                replica.execute(sql);
            } finally {
                if (superReadOnly) {
                    replica.execute("SET GLOBAL super_read_only = ON");
                }
            }
        }
    }

    public long count(String role, String table) throws SQLException {
        try (Connection connection = admin(role); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + DATABASE + "." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public void awaitReplicaCaughtUp() throws SQLException {
        try (MySqlServer source = server("source"); MySqlServer replica = server("replica")) {
            SourcePosition position = source.sourcePosition();
            if (!replica.waitForGtids(position.gtids(), Duration.ofSeconds(30))) {
                throw new IllegalStateException("replica did not catch up with " + position.text() + ": "
                        + replica.replicaStatus().map(ReplicaStatus::problem).orElse("not a replica"));
            }
        }
    }

    /**
     * Puts the pair back as the test stack made it — source writable, replica read-only and
     * replicating from it, both holding every transaction — from any state a promotion test can
     * leave: reverse replication running, the replica promoted with writes of its own, the SQL
     * thread stopped, a delay set.
     */
    public void restoreOriginalTopology() throws Exception {
        try (MySqlServer source = server("source"); MySqlServer replica = server("replica")) {
            if (source.replicaStatus().isPresent()) {
                // Best effort: whether or not reverse replication got there, the check below asks the source
                // again and fetches whatever of the replica's own transactions it still lacks (or throws).
                source.waitForGtids(replica.sourcePosition().gtids(), Duration.ofSeconds(30));
                source.stopReplica();
                source.resetReplicaAll();
            }
            SourcePosition replicaWrote = replica.sourcePosition();
            if (!source.executedAll(replicaWrote.gtids())) {
                // The promoted replica took writes the source lacks: fetch them before turning back.
                if (replica.replicaStatus().isPresent()) {
                    replica.stopReplica();
                    replica.resetReplicaAll();
                }
                source.replicateFrom(replica.settings(), replicaWrote);
                if (!source.waitForGtids(replicaWrote.gtids(), Duration.ofSeconds(30))) {
                    throw new IllegalStateException("source could not fetch the replica's own transactions: "
                            + source.replicaStatus().map(ReplicaStatus::problem).orElse("?"));
                }
                source.stopReplica();
                source.resetReplicaAll();
            }
            replica.setReadOnly(true);
            source.setReadOnly(false);
            var status = replica.replicaStatus();
            boolean right = status.isPresent() && status.get().healthy() && status.get().sqlDelay() == 0
                    && status.get().sourcePort() == source.settings().replicationPort();
            if (!right) {
                if (status.isPresent()) {
                    replica.stopReplica();
                    replica.resetReplicaAll();
                }
                replica.replicateFrom(source.settings(), source.sourcePosition());
            }
        }
        awaitReplicaCaughtUp();
    }
}
