package dev.cutover.database.mysql;

import dev.cutover.database.ReplicationLagGauges;
import dev.cutover.step.DurationText;
import dev.cutover.step.GateSample;
import dev.cutover.step.SampledGate.Sample;
import dev.cutover.step.SampledGate.Verdict;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One look at a replica's lag, as {@code mysql-lag-gate} and the {@code mysqlReplicas} readiness
 * input both take it: WITHIN when the lag is known and at most {@code maxLag} and — with a source —
 * the replica executed the source's position (read first) within {@code catchUpWithin}; BROKEN
 * when replication is stopped or failing; OUTSIDE otherwise. Records the lag gauge on the way.
 */
final class ReplicaLagCheck {

    private ReplicaLagCheck() {
    }

    /**
     * @param sourcePosition where the replica's source's binlog ended when the sample began (read just
     *                       before by the caller, who may read more with it), or null to judge by
     *                       seconds and by what the replica hears
     * @param contact follows what the replica hears from its source across samples; used without a source
     */
    static Sample sample(MySqlServer replica, SourcePosition sourcePosition, SourceContact.Watch contact,
                         String replicaName, Duration maxLag, Duration catchUpWithin, ReplicationLagGauges gauges)
            throws SQLException {
        Optional<ReplicaStatus> read = replica.replicaStatus();
        long thresholdMs = maxLag.toMillis();
        if (read.isEmpty()) {
            gauges.record("mysql", replicaName, replica.settings().address(), OptionalDouble.empty());
            return new Sample(Verdict.BROKEN, replicaName + " is not a replica: SHOW REPLICA STATUS is empty",
                    Map.of("secondsBehind", "unknown"), List.of(GateSample.unknown(replicaName, thresholdMs, true)));
        }
        ReplicaStatus status = read.get();
        gauges.record("mysql", replicaName, replica.settings().address(), status.secondsBehind().isPresent()
                ? OptionalDouble.of(status.secondsBehind().getAsLong()) : OptionalDouble.empty());
        Map<String, Object> figures = new LinkedHashMap<>(status.evidence());
        if (sourcePosition != null) {
            figures.put("sourcePosition", sourcePosition.text());
        }
        boolean ioConnecting = "Connecting".equalsIgnoreCase(status.ioThread()) && status.lastIoErrno() == 0;
        if (!status.healthy() && !ioConnecting) {
            return new Sample(Verdict.BROKEN, "replication is broken: " + status.problem() + "; lag unknown", figures,
                    List.of(GateSample.unknown(replicaName, thresholdMs, true)));
        }
        if (ioConnecting) {
            return new Sample(Verdict.OUTSIDE, "IO thread is connecting to the source; lag unknown", figures,
                    List.of(GateSample.unknown(replicaName, thresholdMs, false)));
        }
        if (status.secondsBehind().isEmpty()) {
            return new Sample(Verdict.OUTSIDE, "lag unknown (Seconds_Behind is NULL)", figures,
                    List.of(GateSample.unknown(replicaName, thresholdMs, false)));
        }
        if (sourcePosition == null) {
            // Without the source's position, Seconds_Behind is believed only while the replica is seen
            // receiving: cut off, it says 0 until slave_net_timeout, and a blind gate would open.
            SourceContact heard = replica.sourceContact(status);
            Optional<String> silence = contact.observe(heard);
            figures.put("heartbeatsReceived", heard.heartbeatsReceived());
            if (silence.isPresent()) {
                gauges.record("mysql", replicaName, replica.settings().address(), OptionalDouble.empty());
                figures.put("lag", "unknown");
                return new Sample(Verdict.OUTSIDE, "lag unknown: Seconds_Behind says " + status.secondsBehind().getAsLong()
                        + "s, but " + silence.get() + " (name the gate's source: to compare positions instead)", figures,
                        List.of(GateSample.unknown(replicaName, thresholdMs, false)));
            }
        }
        long seconds = status.secondsBehind().getAsLong();
        if (seconds * 1000 > maxLag.toMillis()) {
            return new Sample(Verdict.OUTSIDE, "lag " + seconds + "s exceeds " + DurationText.of(maxLag), figures,
                    List.of(GateSample.of(replicaName, seconds * 1000, thresholdMs)));
        }
        // Within by seconds; with a source, the position decides the verdict of the sample and its point.
        long lagMs = seconds * 1000;
        if (sourcePosition != null) {
            long started = System.nanoTime();
            boolean reached = replica.waitForExecuted(sourcePosition, catchUpWithin);
            long catchUpMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
            figures.put("catchUpMs", catchUpMs);
            if (!reached) {
                // Seconds_Behind only counts what reached the replica: one cut off from its source (a
                // partitioned link its IO thread has not noticed yet, for up to slave_net_timeout) says
                // 0 while the source moves on. The position contradicts it, so the lag is unknown.
                gauges.record("mysql", replicaName, replica.settings().address(), OptionalDouble.empty());
                figures.put("lag", "unknown");
                return new Sample(Verdict.OUTSIDE, "lag unknown: Seconds_Behind says " + seconds + "s, but the replica "
                        + "did not execute the source's position " + sourcePosition.text() + " within "
                        + DurationText.of(catchUpWithin) + " (is its link to the source down?)", figures,
                        List.of(GateSample.unknown(replicaName, thresholdMs, false)));
            }
            return new Sample(Verdict.WITHIN, "lag " + seconds + "s; source position " + sourcePosition.text()
                    + " executed after " + catchUpMs + "ms", figures, List.of(GateSample.of(replicaName, lagMs, thresholdMs)));
        }
        return new Sample(Verdict.WITHIN, "lag " + seconds + "s", figures, List.of(GateSample.of(replicaName, lagMs, thresholdMs)));
    }
}
