package dev.cutover.database.mysql;

import dev.cutover.database.ReplicationLagGauges;
import dev.cutover.step.ReadinessSignal;
import dev.cutover.step.SampledGate.Sample;
import dev.cutover.step.SampledGate.Verdict;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Readiness input {@code mysqlReplicas}: each replica (mapped to its source) is ready when the
 * lag gate's own check ({@link ReplicaLagCheck}) finds it within {@code maxMysqlLag} and at the
 * source's position. Unknown lag, or broken replication, is not ready.
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
            Sample sample = ReplicaLagCheck.sample(replica, source.sourcePosition(), new SourceContact.Watch(), replicaName, maxLag, CATCH_UP_WITHIN, gauges);
            return new Reading(input, sample.verdict() == Verdict.WITHIN, sample.summary(), sample.figures());
        } catch (Exception e) {
            return new Reading(input, false, "cannot read: " + context.redact(String.valueOf(e.getMessage())), Map.of());
        }
    }
}
