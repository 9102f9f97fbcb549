package dev.cutover.testsupport;

import dev.cutover.testpeers.TestPeers;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A database of its own on the test peers' MySQL-compatible source (MariaDB from the test stack, or
 * MySQL in Docker), built by the service's own Flyway migrations (db/migration/mysql), for tests of
 * the plans MariaDB/MySQL choose for the service's queries: the twin of {@link MigratedH2}.
 * {@link #shared()} is one such database for every plan test of a test run (the migrations take
 * seconds on MariaDB), dropped when the JVM exits.
 */
public final class MigratedMariaDb {

    private static MigratedMariaDb shared;

    private final String name;
    private final TestPeers.MySqlPair peers;
    private final JdbcClient jdbc;
    private final DataSource dataSource;

    private MigratedMariaDb(String name, TestPeers.MySqlPair peers, DataSource dataSource) {
        this.dataSource = dataSource;
        this.name = name;
        this.peers = peers;
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** The database the plan tests of this JVM share; each adds cutovers of its own. */
    public static synchronized MigratedMariaDb shared() {
        if (shared == null) {
            MigratedMariaDb created = create();
            Runtime.getRuntime().addShutdownHook(new Thread(created::drop, "drop-" + created.name));
            shared = created;
        }
        return shared;
    }

    /** A new database (each call its own), migrated to the newest version. */
    private static MigratedMariaDb create() {
        TestPeers.MySqlPair peers = TestPeers.mariaDb();
        String name = "plans_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        execute(peers, "CREATE DATABASE " + name);
        DataSource dataSource = new DriverManagerDataSource(withDatabase(peers.sourceUrl(), name), peers.user(),
                peers.password());
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/mysql").load().migrate();
        return new MigratedMariaDb(name, peers, dataSource);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public JdbcClient jdbc() {
        return jdbc;
    }

    /** A cutover row (the events' foreign key) with its events' total, as the service inserts them, and its id. */
    public String cutover(String runbook, boolean rehearsal) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                INSERT INTO cutover (id, runbook, environment, rehearsal, state, version, created_by, created_at, updated_at)
                VALUES (?, ?, 'local', ?, 'COMPLETED', 0, 'test', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))""")
                .params(id, runbook, rehearsal).update();
        jdbc.sql("INSERT INTO cutover_event_total (cutover_id, events) VALUES (?, 0)").param(id).update();
        return id;
    }

    /**
     * {@code perCutover} events for each cutover, interleaved by id as concurrent cutovers leave them
     * (a few multi-row INSERTs: one row per statement takes seconds), then fresh index statistics.
     */
    public void events(List<String> cutovers, int perCutover) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < perCutover; i++) {
            for (int c = 0; c < cutovers.size(); c++) {
                rows.add("('%s', UTC_TIMESTAMP(6), 's', 'test', '%s', '%s')".formatted(cutovers.get(c),
                        i % 2 == 0 ? "step" : "gate", i % 4 == 0 ? "started" : "succeeded"));
            }
        }
        for (int from = 0; from < rows.size(); from += 1000) {
            jdbc.sql("INSERT INTO cutover_event (cutover_id, occurred_at, step_id, actor, action, outcome) VALUES "
                    + String.join(",", rows.subList(from, Math.min(rows.size(), from + 1000)))).update();
        }
        for (String cutover : cutovers) { // their totals, as the service keeps them with each append
            jdbc.sql("UPDATE cutover_event_total SET events = events + ? WHERE cutover_id = ?").params(perCutover, cutover)
                    .update();
        }
        jdbc.sql("ANALYZE TABLE cutover, cutover_event").query().listOfRows();
    }

    /**
     * The server's plan of a query: one row of its tabular EXPLAIN per table read ({@code table},
     * {@code type}, {@code key}, {@code Extra}, ...), the query's parameters given.
     */
    public List<Map<String, Object>> explain(String sql, Object... params) {
        return jdbc.sql("EXPLAIN " + sql).params(params).query().listOfRows();
    }

    private void drop() {
        execute(peers, "DROP DATABASE IF EXISTS " + name);
    }

    private static void execute(TestPeers.MySqlPair peers, String sql) {
        try (Connection connection = peers.openSource(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + " on " + peers.sourceUrl(), e);
        }
    }

    /** The same server (and URL parameters) as {@code jdbcUrl}, another database. */
    private static String withDatabase(String jdbcUrl, String database) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        return "jdbc:mysql://" + uri.getRawAuthority() + "/" + database
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }
}
