package dev.cutover.preflight;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Stores each preflight table (already masked) so it can be read again by id. */
@Repository
class PreflightRuns {

    private static final TypeReference<List<PreflightRow>> ROWS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    PreflightRuns(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void save(PreflightReport report) {
        jdbc.sql("""
                INSERT INTO preflight_run (id, runbook, environment, cutover_id, started_at, wall_ms, checks, failed,
                  warnings, result_rows)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(report.id(), report.runbook(), report.environment(), report.cutoverId(),
                        Timestamp.from(report.startedAt()), report.wallMs(), report.checks(), report.failed(),
                        report.warnings(), json.writeValueAsString(report.rows()))
                .update();
    }

    Optional<PreflightReport> find(String runbook, String id) {
        return jdbc.sql("SELECT * FROM preflight_run WHERE id = ? AND runbook = ?").params(id, runbook)
                .query(this::report).optional();
    }

    private PreflightReport report(ResultSet rs, int row) throws SQLException {
        return new PreflightReport(rs.getString("id"), rs.getString("runbook"), rs.getString("environment"),
                rs.getString("cutover_id"), rs.getTimestamp("started_at").toInstant(), rs.getLong("wall_ms"),
                rs.getInt("checks"), rs.getInt("failed"), rs.getInt("warnings"),
                json.readValue(rs.getString("result_rows"), ROWS));
    }
}
