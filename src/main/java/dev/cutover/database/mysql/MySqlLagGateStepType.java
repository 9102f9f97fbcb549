package dev.cutover.database.mysql;

import dev.cutover.step.StepArgumentProblem;
import dev.cutover.database.ReplicationLagGauges;
import dev.cutover.step.GateSample;
import dev.cutover.step.SampledGate;
import dev.cutover.step.SampledGate.Sample;
import dev.cutover.step.SampledGate.Verdict;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * {@code mysql-lag-gate}: opens when the replica's lag is at most {@code maxLag} for
 * {@code consecutive} samples in a row and — when the source is named — the replica executed the
 * source's position (GTIDs, or binlog file and offset) read at the start of each sample within
 * {@code catchUpWithin}. Seconds alone are not trusted: MySQL computes them from event timestamps
 * and reports NULL (unknown, never 0) when the SQL thread stops. A stopped thread or a replication
 * error fails the gate at once. Inside a freeze one sample can open it "by proof" (evidence
 * {@code openedBy: proof}): the source says {@code read_only} (and {@code super_read_only} where it
 * has one), its position stood still across the sample, and the replica executed that position —
 * what the consecutive samples guard against (a replica still catching up) cannot happen any more.
 * Otherwise it opens by {@code consecutive} samples ({@code openedBy: samples}).
 */
@Component
class MySqlLagGateStepType implements StepType {

    /** Changes nothing outside: after its instance died it may simply run again from the start. */
    @Override
    public boolean resumable() {
        return true;
    }

    private final ReplicationLagGauges gauges;

    MySqlLagGateStepType(ReplicationLagGauges gauges) {
        this.gauges = gauges;
    }

    @Override
    public String name() {
        return "mysql-lag-gate";
    }

    @Override
    public String description() {
        return "Waits until a MySQL/MariaDB replica is within maxLag for N samples in a row and has executed the "
                + "source's position (one sample suffices inside a freeze: source read-only, position still, replica "
                + "executed it); fails when replication is stopped or broken";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.required("replica", Kind.CONNECTION, "the replica whose lag is watched"),
                StepParameter.optional("source", Kind.CONNECTION, "its source: each sample also requires the replica "
                        + "to execute the source's position (recommended; without it the gate waits to see the replica "
                        + "receive a heartbeat or an event, so it never opens on a replica cut off from its source)"),
                StepParameter.optional("maxLag", Kind.DURATION, "the most lag that counts as caught up (default 1s)"),
                StepParameter.optional("consecutive", Kind.INTEGER, "samples in a row within bounds (default 3)"),
                StepParameter.optional("interval", Kind.DURATION, "time between samples (default 1s)"),
                StepParameter.optional("catchUpWithin", Kind.DURATION, "how long the replica may take to execute the "
                        + "source's position read at the start of a sample (default 1s)"));
    }

    @Override
    public List<StepArgumentProblem> validate(StepArguments with, Duration stepTimeout) {
        return SampledGate.validate(with);
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        Duration maxLag = args.duration("maxLag").orElse(Duration.ofSeconds(1));
        Duration catchUpWithin = args.duration("catchUpWithin").orElse(Duration.ofSeconds(1));
        int consecutive = args.integer("consecutive").orElse(3L).intValue();
        Duration interval = args.duration("interval").orElse(Duration.ofSeconds(1));
        String replicaName = args.requiredString("replica");
        Optional<String> sourceName = args.string("source");
        try (Sessions sessions = new Sessions(context, replicaName, sourceName)) {
            SampledGate gate = new SampledGate("lag of " + replicaName, consecutive, interval);
            return gate.await(context, () -> sessions.sample(maxLag, catchUpWithin));
        }
    }

    /** The admin sessions a gate holds while it samples; reopened after an error. */
    private final class Sessions implements AutoCloseable {

        private final StepContext context;
        private final String replicaName;
        private final Optional<String> sourceName;
        private MySqlServer replica;
        private MySqlServer source;
        private final SourceContact.Watch contact = new SourceContact.Watch();

        Sessions(StepContext context, String replicaName, Optional<String> sourceName) {
            this.context = context;
            this.replicaName = replicaName;
            this.sourceName = sourceName;
        }

        Sample sample(Duration maxLag, Duration catchUpWithin) {
            try {
                return read(maxLag, catchUpWithin);
            } catch (SQLException | RuntimeException e) {
                close();
                return new Sample(Verdict.OUTSIDE, "cannot read replication status: " + context.redact(e.getMessage()),
                        Map.of("secondsBehind", "unknown"), List.of(GateSample.unknown(replicaName, maxLag.toMillis(), false)));
            }
        }

        private Sample read(Duration maxLag, Duration catchUpWithin) throws SQLException {
            if (replica == null) {
                replica = MySqlServer.connect(context.connection(replicaName));
            }
            if (source == null && sourceName.isPresent()) {
                source = MySqlServer.connect(context.connection(sourceName.get()));
            }
            if (source == null) {
                return ReplicaLagCheck.sample(replica, null, contact, replicaName, maxLag, catchUpWithin, gauges);
            }
            // Inside a freeze one sample can prove what the consecutive samples only make likely: the
            // source is read-only, its position stood still across the sample, and the replica executed it.
            // The position the sample asks the replica to execute is the one read with read_only: one
            // read of the source before the sample, one after, instead of three.
            long started = System.nanoTime();
            MySqlServer.ReadOnlyAndPosition atStart = source.readOnlyAndPosition();
            ReadOnlyState sourceSays = atStart.readOnly();
            SourcePosition before = atStart.position();
            long read = System.nanoTime();
            Sample sample = ReplicaLagCheck.sample(replica, before, contact, replicaName, maxLag, catchUpWithin, gauges);
            long sampled = System.nanoTime();
            SourcePosition after = source.sourcePosition();
            context.waited("source read_only and position reads", Duration.ofNanos(read - started + System.nanoTime() - sampled));
            if (sample.figures().get("catchUpMs") instanceof Long catchUpMs) {
                context.waited("GTID wait", Duration.ofMillis(catchUpMs));
            }
            boolean proven = sample.verdict() == Verdict.WITHIN && sourceSays.frozen() && before.equals(after);
            if (!proven) {
                return sample;
            }
            Map<String, Object> figures = new java.util.LinkedHashMap<>(sample.figures());
            figures.put("proof", Map.of("source", sourceSays.evidence(), "positionBefore", before.text(),
                    "positionAfter", after.text(), "replicaExecuted", true));
            return new Sample(sample.verdict(), sample.summary() + "; source " + sourceSays.text()
                    + " and its position stood still", figures, sample.charted()).proving();
        }

        @Override
        public void close() {
            if (replica != null) {
                replica.close();
                replica = null;
            }
            if (source != null) {
                source.close();
                source = null;
            }
        }
    }
}
