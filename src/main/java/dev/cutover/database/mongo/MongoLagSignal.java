package dev.cutover.database.mongo;

import dev.cutover.database.ReplicationLagGauges;
import dev.cutover.step.ReadinessSignal;
import dev.cutover.step.SampledGate.Verdict;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Readiness input {@code mongoMembers}: for each replica set (a mongo connection), the listed
 * members are ready when {@link LagCheck} finds them within {@code maxMongoLag} of the primary.
 * Unknown lag, an unhealthy member or one that is not SECONDARY is not ready.
 */
@Component
class MongoLagSignal implements ReadinessSignal {

    private final ReplicationLagGauges gauges;

    MongoLagSignal(ReplicationLagGauges gauges) {
        this.gauges = gauges;
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.optional("mongoMembers", Kind.MAP, "MongoDB replica sets to watch, each mapped to its target "
                        + "members: { orders-mongo: \"aws-1:27017,aws-2:27017\" }"),
                StepParameter.optional("maxMongoLag", Kind.DURATION, "the most MongoDB member lag that counts as ready (default 1s)"));
    }

    @Override
    public Optional<Probe> watch(StepContext context) {
        Map<String, String> replicaSets = context.arguments().map("mongoMembers");
        if (replicaSets.isEmpty()) {
            return Optional.empty();
        }
        Duration maxLag = context.arguments().duration("maxMongoLag").orElse(Duration.ofSeconds(1));
        return Optional.of(() -> {
            List<Reading> readings = new ArrayList<>();
            for (Map.Entry<String, String> entry : replicaSets.entrySet()) {
                List<String> hosts = Arrays.stream(entry.getValue().split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList();
                readings.add(read(context, entry.getKey(), new TargetMembers(hosts, Map.of()), maxLag));
            }
            return readings;
        });
    }

    private Reading read(StepContext context, String connection, TargetMembers targets, Duration maxLag) {
        String input = "mongo lag " + connection;
        try (ReplicaSet replicaSet = ReplicaSet.open(context.connection(connection))) {
            ReplicaSetStatus status = ReplicaSetStatus.read(replicaSet);
            status.members().forEach(member -> gauges.record(MongoLagGateStepType.ENGINE, connection, member.name(),
                    status.lagSeconds(member)));
            LagCheck check = LagCheck.of(status, targets.select(status), maxLag);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("primary", status.primaryName());
            figures.put("members", status.membersEvidence());
            return new Reading(input, check.verdict() == Verdict.WITHIN, check.summary(), figures);
        } catch (Exception e) {
            return new Reading(input, false, "cannot read: " + context.redact(String.valueOf(e.getMessage())), Map.of());
        }
    }
}
