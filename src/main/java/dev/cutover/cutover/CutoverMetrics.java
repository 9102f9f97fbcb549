package dev.cutover.cutover;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Cutover figures on {@code /actuator/prometheus}: how many cutovers are in each state
 * ({@code cutover_cutovers{state=...}}) and how long steps and their inverses take
 * ({@code cutover_step_duration_seconds{type,direction,outcome}}), the raw material of forecasts.
 */
@Component
public class CutoverMetrics {

    private static final long COUNT_CACHE_MILLIS = 2_000;

    private final MeterRegistry registry;
    private final JdbcClient jdbc;
    private volatile Map<CutoverState, Long> counts = new EnumMap<>(CutoverState.class);
    private volatile long countedAt;

    CutoverMetrics(MeterRegistry registry, JdbcClient jdbc) {
        this.registry = registry;
        this.jdbc = jdbc;
        for (CutoverState state : CutoverState.values()) {
            Gauge.builder("cutover.cutovers", () -> count(state))
                    .description("Cutovers in each state")
                    .tag("state", state.name())
                    .register(registry);
        }
    }

    public void stepEnded(String type, boolean inverse, String outcome, Duration took) {
        Timer.builder("cutover.step.duration")
                .description("Duration of runbook steps (forward) and of their rollbacks (inverse)")
                .tag("type", type)
                .tag("direction", inverse ? "inverse" : "forward")
                .tag("outcome", outcome)
                .register(registry)
                .record(took);
    }

    /** One grouped query serves every state's gauge for a couple of seconds. */
    private long count(CutoverState state) {
        if (System.currentTimeMillis() - countedAt > COUNT_CACHE_MILLIS) {
            Map<CutoverState, Long> fresh = new EnumMap<>(CutoverState.class);
            jdbc.sql("SELECT state, COUNT(*) AS n FROM cutover GROUP BY state")
                    .query((rs, row) -> fresh.put(CutoverState.valueOf(rs.getString("state")), rs.getLong("n")))
                    .list();
            counts = fresh;
            countedAt = System.currentTimeMillis();
        }
        return counts.getOrDefault(state, 0L);
    }
}
