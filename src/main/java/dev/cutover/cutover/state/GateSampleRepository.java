package dev.cutover.cutover.state;

import static dev.cutover.cutover.state.CutoverRepository.instant;
import static dev.cutover.cutover.state.CutoverRepository.ts;

import dev.cutover.cutover.GateSampleSummary;
import dev.cutover.cutover.GateSeries;
import dev.cutover.cutover.MetricSampleSummary;
import dev.cutover.step.ChartedSample;
import dev.cutover.step.GateSample;
import dev.cutover.step.MetricSample;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The readings of sampled gates, one row per series (replica, member or metric query) per sample
 * ({@code gate_sample}). Only inserts and reads; a null lag or value stays null on the way in and out.
 */
@Repository
public class GateSampleRepository {

    /** One stored reading. */
    public record Stored(String stepId, String series, String kind, Instant at, Long lagMs, Long thresholdMs,
                         Double value, String unit, GateSeries.Condition pass, GateSeries.Condition failWhen,
                         String verdict) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    GateSampleRepository(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    public void insert(String cutoverId, String stepId, Instant at, List<? extends ChartedSample> samples) {
        List<Object[]> rows = new ArrayList<>();
        for (ChartedSample charted : samples) {
            if (charted instanceof GateSample sample) {
                rows.add(new Object[] {cutoverId, stepId, sample.series(), ts(at), GateSeries.LAG, sample.lagMs(),
                        sample.thresholdMs(), sample.lagMs() == null ? null : sample.lagMs().doubleValue(), "ms",
                        "<=", (double) sample.thresholdMs(), "<= " + sample.thresholdMs(), null, null, null,
                        sample.verdict().name().toLowerCase(java.util.Locale.ROOT)});
            } else {
                MetricSample sample = (MetricSample) charted;
                MetricSample.Bound pass = sample.pass();
                MetricSample.Bound failWhen = sample.failWhen();
                rows.add(new Object[] {cutoverId, stepId, sample.series(), ts(at), GateSeries.METRIC, null, null,
                        sample.value(), sample.unit(), pass == null ? null : pass.operator(),
                        pass == null ? null : pass.value(), pass == null ? null : pass.text(),
                        failWhen == null ? null : failWhen.operator(), failWhen == null ? null : failWhen.value(),
                        failWhen == null ? null : failWhen.text(), sample.verdict().text()});
            }
        }
        template.batchUpdate("""
                INSERT INTO gate_sample (cutover_id, step_id, series, sampled_at, kind, lag_ms, threshold_ms, sample_value,
                  unit, pass_op, pass_value, pass_text, fail_when_op, fail_when_value, fail_when_text, verdict)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
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
                FROM gate_sample WHERE cutover_id = ? AND kind = 'lag'
                GROUP BY step_id, series ORDER BY MIN(sampled_at), series""")
                .param(cutoverId)
                .query((rs, row) -> new GateSampleSummary(rs.getString("step_id"), rs.getString("series"),
                        rs.getLong("sample_count"), rs.getLong("unknown_count"), nullableLong(rs, "max_lag_ms"),
                        nullableLong(rs, "threshold_ms"), instant(rs, "first_at"), instant(rs, "last_at"),
                        instant(rs, "first_within")))
                .list();
    }

    /**
     * Per metric gate (or guard) and query: count, no-data count, min and max, the conditions, first,
     * last and first pass (one grouped query, as for the lag gates).
     */
    public List<MetricSampleSummary> metricSummaries(String cutoverId) {
        return jdbc.sql("""
                SELECT step_id, series, MAX(unit) AS unit, COUNT(*) AS sample_count,
                  SUM(CASE WHEN sample_value IS NULL THEN 1 ELSE 0 END) AS no_data_count,
                  MIN(sample_value) AS min_value, MAX(sample_value) AS max_value, MAX(pass_text) AS pass_text,
                  MAX(fail_when_text) AS fail_when_text, MIN(sampled_at) AS first_at, MAX(sampled_at) AS last_at,
                  MIN(CASE WHEN verdict = 'pass' THEN sampled_at END) AS first_pass
                FROM gate_sample WHERE cutover_id = ? AND kind = 'metric'
                GROUP BY step_id, series ORDER BY MIN(sampled_at), series""")
                .param(cutoverId)
                .query((rs, row) -> new MetricSampleSummary(rs.getString("step_id"), rs.getString("series"),
                        rs.getString("unit"), rs.getLong("sample_count"), rs.getLong("no_data_count"),
                        nullableDouble(rs, "min_value"), nullableDouble(rs, "max_value"), rs.getString("pass_text"),
                        rs.getString("fail_when_text"), instant(rs, "first_at"), instant(rs, "last_at"),
                        instant(rs, "first_pass")))
                .list();
    }

    private static Stored map(ResultSet rs, int row) throws SQLException {
        return new Stored(rs.getString("step_id"), rs.getString("series"), rs.getString("kind"), instant(rs, "sampled_at"),
                nullableLong(rs, "lag_ms"), nullableLong(rs, "threshold_ms"), nullableDouble(rs, "sample_value"),
                rs.getString("unit"), condition(rs, "pass"), condition(rs, "fail_when"), rs.getString("verdict"));
    }

    private static GateSeries.Condition condition(ResultSet rs, String prefix) throws SQLException {
        String operator = rs.getString(prefix + "_op");
        Double value = nullableDouble(rs, prefix + "_value");
        if (operator == null || value == null) {
            return null;
        }
        String text = rs.getString(prefix + "_text");
        return new GateSeries.Condition(operator, value, text == null ? operator + " " + value : text);
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
