package dev.cutover.cutover.state;

import static dev.cutover.cutover.state.CutoverRepository.instant;
import static dev.cutover.cutover.state.CutoverRepository.ts;

import dev.cutover.cutover.GateSampleSummary;
import dev.cutover.step.GateSample;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The lag readings of sampled gates, one row per replica or member per sample ({@code gate_sample}).
 * Only inserts and reads; a null lag stays null on the way in and out.
 */
@Repository
public class GateSampleRepository {

    /** One stored reading. */
    public record Stored(String stepId, String series, Instant at, Long lagMs, long thresholdMs, String verdict) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    GateSampleRepository(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    public void insert(String cutoverId, String stepId, Instant at, List<GateSample> samples) {
        List<Object[]> rows = new ArrayList<>();
        for (GateSample sample : samples) {
            rows.add(new Object[] {cutoverId, stepId, sample.series(), ts(at), sample.lagMs(), sample.thresholdMs(),
                    sample.verdict().name().toLowerCase(java.util.Locale.ROOT)});
        }
        template.batchUpdate("""
                INSERT INTO gate_sample (cutover_id, step_id, series, sampled_at, lag_ms, threshold_ms, verdict)
                VALUES (?, ?, ?, ?, ?, ?, ?)""", rows);
    }

    /**
     * Readings of the cutover, oldest first; of one step when {@code stepId} is not null, and only
     * those taken after {@code since} when it is not null.
     */
    public List<Stored> find(String cutoverId, String stepId, Instant since) {
        StringBuilder sql = new StringBuilder("SELECT * FROM gate_sample WHERE cutover_id = ?");
        List<Object> params = new ArrayList<>(List.of(cutoverId));
        if (stepId != null) {
            sql.append(" AND step_id = ?");
            params.add(stepId);
        }
        if (since != null) {
            sql.append(" AND sampled_at > ?");
            params.add(ts(since));
        }
        sql.append(" ORDER BY sampled_at, id");
        return jdbc.sql(sql.toString()).params(params).query(GateSampleRepository::map).list();
    }

    /**
     * Per gate and replica: count, unknown count, largest lag, threshold, first, last and first within.
     * ({@code UNKNOWN} is a keyword in H2, hence the {@code _count} aliases.)
     */
    public List<GateSampleSummary> summaries(String cutoverId) {
        return jdbc.sql("""
                SELECT step_id, series, COUNT(*) AS sample_count,
                  SUM(CASE WHEN lag_ms IS NULL THEN 1 ELSE 0 END) AS unknown_count,
                  MAX(lag_ms) AS max_lag_ms, MAX(threshold_ms) AS threshold_ms, MIN(sampled_at) AS first_at,
                  MAX(sampled_at) AS last_at,
                  MIN(CASE WHEN verdict = 'within' THEN sampled_at END) AS first_within
                FROM gate_sample WHERE cutover_id = ?
                GROUP BY step_id, series ORDER BY MIN(sampled_at), series""")
                .param(cutoverId)
                .query((rs, row) -> new GateSampleSummary(rs.getString("step_id"), rs.getString("series"),
                        rs.getLong("sample_count"), rs.getLong("unknown_count"), nullableLong(rs, "max_lag_ms"),
                        nullableLong(rs, "threshold_ms"), instant(rs, "first_at"), instant(rs, "last_at"),
                        instant(rs, "first_within")))
                .list();
    }

    private static Stored map(ResultSet rs, int row) throws SQLException {
        return new Stored(rs.getString("step_id"), rs.getString("series"), instant(rs, "sampled_at"),
                nullableLong(rs, "lag_ms"), rs.getLong("threshold_ms"), rs.getString("verdict"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
