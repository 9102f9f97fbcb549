package dev.cutover.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An in-memory H2 database built by the service's own Flyway migrations (db/migration/h2), for tests
 * of queries and their plans without a Spring context.
 */
public final class MigratedH2 {

    private final DataSource dataSource;
    private final JdbcClient jdbc;

    private MigratedH2(DataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** A new database (each call its own), migrated to the newest version. */
    public static MigratedH2 create() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:migrated-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        Flyway.configure().dataSource(h2).locations("classpath:db/migration/h2").load().migrate();
        return new MigratedH2(h2);
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
                VALUES (?, ?, 'local', ?, 'COMPLETED', 0, 'test', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""")
                .params(id, runbook, rehearsal).update();
        jdbc.sql("INSERT INTO cutover_event_total (cutover_id, events) VALUES (?, 0)").param(id).update();
        return id;
    }

    /** {@code perCutover} events for each cutover, interleaved by id as concurrent cutovers leave them. */
    public void events(List<String> cutovers, int perCutover) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < perCutover; i++) {
            for (String cutover : cutovers) {
                rows.add(new Object[] {cutover, i % 2 == 0 ? "step" : "gate", i % 4 == 0 ? "started" : "succeeded"});
            }
        }
        new JdbcTemplate(dataSource).batchUpdate("""
                INSERT INTO cutover_event (cutover_id, occurred_at, step_id, actor, action, outcome)
                VALUES (?, CURRENT_TIMESTAMP, 's', 'test', ?, ?)""", rows);
        for (String cutover : cutovers) { // their totals, as the service keeps them with each append
            jdbc.sql("UPDATE cutover_event_total SET events = events + ? WHERE cutover_id = ?").params(perCutover, cutover)
                    .update();
        }
        jdbc.sql("ANALYZE").update(); // the statistics H2 gathers by itself once a table has changed enough
    }

    /** H2's plan of a query (its EXPLAIN text), with the query's parameters given. */
    public String explain(String sql, Object... params) {
        return jdbc.sql("EXPLAIN " + sql).params(params).query(String.class).single();
    }

    /** H2's plan of a query as run ({@code EXPLAIN ANALYZE}: with the rows each table read, its {@code scanCount}). */
    public String explainAnalyze(String sql, Object... params) {
        return jdbc.sql("EXPLAIN ANALYZE " + sql).params(params).query(String.class).single();
    }
}
