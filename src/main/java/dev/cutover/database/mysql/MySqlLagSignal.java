package dev.cutover.database.mysql;

import dev.cutover.database.ReplicationLagGauges;
import dev.cutover.step.DurationText;
import dev.cutover.step.ReadinessSignal;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.springframework.stereotype.Component;

/**
 * Readiness input {@code mysqlReplicas}: each replica (mapped to its source) is ready when
 * replication is healthy, its lag is known and within {@code maxMysqlLag}, and it has executed
 * the source's position read just before. Unknown lag is not ready.
 */
@Component
class MySqlLagSignal implements ReadinessSignal {

    private static final Duration CATCH_UP_WITHIN = Duration.ofMillis(500);

    private final ReplicationLagGauges gauges;

    MySqlLagSignal(ReplicationLagGauges gauges) {
        this.gauges = gauges;
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.optional("mysqlReplicas", Kind.MAP, "MySQL replicas to watch, each mapped to its source: "
                        + "{ orders-replica: orders-source }"),
                StepParameter.optional("maxMysqlLag", Kind.DURATION, "the most MySQL replica lag that counts as ready (default 1s)"));
    }

    @Override
    public Optional<Probe> watch(StepContext context) {
        Map<String, String> replicas = context.arguments().map("mysqlReplicas");
        if (replicas.isEmpty()) {
            return Optional.empty();
        }
        Duration maxLag = context.arguments().duration("maxMysqlLag").orElse(Duration.ofSeconds(1));
        return Optional.of(() -> {
            List<Reading> readings = new ArrayList<>();
            for (Map.Entry<String, String> pair : replicas.entrySet()) {
                readings.add(read(context, pair.getKey(), pair.getValue(), maxLag));
            }
            return readings;
        });
    }

    private Reading read(StepContext context, String replicaName, String sourceName, Duration maxLag) {
        String input = "mysql lag " + replicaName;
        try (MySqlServer replica = MySqlServer.connect(context.connection(replicaName));
             MySqlServer source = MySqlServer.connect(context.connection(sourceName))) {
            SourcePosition position = source.sourcePosition();
            Optional<ReplicaStatus> read = replica.replicaStatus();
            if (read.isEmpty()) {
                return new Reading(input, false, replicaName + " is not a replica", Map.of());
            }
            ReplicaStatus status = read.get();
            gauges.record("mysql", replicaName, replica.settings().address(), status.secondsBehind().isPresent()
                    ? OptionalDouble.of(status.secondsBehind().getAsLong()) : OptionalDouble.empty());
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("secondsBehind", status.secondsBehind().isPresent() ? status.secondsBehind().getAsLong() : "unknown");
            figures.put("sourcePosition", position.text());
            if (!status.healthy()) {
                return new Reading(input, false, "replication broken: " + status.problem(), figures);
            }
            if (status.secondsBehind().isEmpty() || status.secondsBehind().getAsLong() * 1000 > maxLag.toMillis()) {
                return new Reading(input, false, "lag " + figures.get("secondsBehind") + (status.secondsBehind().isEmpty()
                        ? "" : "s") + " > " + DurationText.of(maxLag), figures);
            }
            boolean executed = position.hasGtids() ? replica.waitForGtids(position.gtids(), CATCH_UP_WITHIN)
                    : replica.waitForPosition(position.file(), position.position(), CATCH_UP_WITHIN);
            return executed
                    ? new Reading(input, true, "lag " + status.secondsBehind().getAsLong() + "s, source position executed", figures)
                    : new Reading(input, false, "has not executed the source's position " + position.text(), figures);
        } catch (Exception e) {
            return new Reading(input, false, "cannot read: " + context.redact(String.valueOf(e.getMessage())), Map.of());
        }
    }
}
