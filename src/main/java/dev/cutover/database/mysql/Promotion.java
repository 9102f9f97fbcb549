package dev.cutover.database.mysql;

import dev.cutover.step.DurationText;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The moves of one promotion and of its inverse, in the order that loses nothing:
 * <ol>
 * <li>promote: refuse unless replication is healthy and the source frozen; wait until the replica
 * executed the source's last position; stop and forget replication on it; start the old primary
 * replicating from it (reverse replication) and only then make it writable; repoint the others.</li>
 * <li>demote: freeze the new primary; wait until the old one executed everything it wrote; stop the
 * reverse replication; replicate from the old primary again; make the old primary writable.</li>
 * </ol>
 * Every figure goes into the evidence: positions, GTIDs, and the milliseconds each move took.
 */
final class Promotion {

    private static final Duration FREEZE_CHECK = Duration.ofSeconds(1);
    private static final Duration REPLICATION_START = Duration.ofSeconds(10);
    /**
     * Polls that end the write window wait as little as the answer takes: the first look again after
     * 2 ms, each next one twice as long, never longer than the slowest poll ({@code CONTACT_POLL},
     * {@code START_POLL}): a rotation reaches a connected replica in milliseconds, an IO thread connects in tens.
     */
    private static final Duration FIRST_POLL = Duration.ofMillis(2);
    private static final Duration CONTACT_POLL = Duration.ofMillis(50);
    private static final Duration START_POLL = Duration.ofMillis(20);

    private final StepContext context;
    private final String sourceName;
    private final String replicaName;
    private final List<String> repoint;
    private final boolean reverse;
    private final Duration catchUp;
    private final List<String> endSessionsOf;
    private final Duration statementTimeout;
    private final long started = System.nanoTime();
    private final Map<String, Object> evidence = new LinkedHashMap<>();
    private final Map<String, Object> timings = new LinkedHashMap<>();
    /** Set once the old primary was told to START its reverse replication: from then on it is not undone here. */
    private boolean reverseStarted;

    Promotion(StepContext context, String sourceName, String replicaName, List<String> repoint, boolean reverse,
              Duration catchUp, List<String> endSessionsOf, Duration statementTimeout) {
        this.context = context;
        this.sourceName = sourceName;
        this.replicaName = replicaName;
        this.repoint = repoint;
        this.reverse = reverse;
        this.catchUp = catchUp;
        this.endSessionsOf = endSessionsOf;
        this.statementTimeout = statementTimeout;
    }

    StepOutcome promote() throws Exception {
        try (MySqlServer source = connect(sourceName); MySqlServer replica = connect(replicaName)) {
            evidence.put("source", source.settings().address() + " (" + source.flavor().name() + ")");
            evidence.put("replica", replica.settings().address() + " (" + replica.flavor().name() + ")");
            ReplicaStatus status = replica.replicaStatus().orElseThrow(() -> refuse(replicaName
                    + " is not a replica (SHOW REPLICA STATUS is empty): nothing to promote"));
            evidence.put("replicaStatusBefore", status.evidence());
            if (!status.healthy()) {
                throw refuse("replication into " + replicaName + " is broken: " + status.problem());
            }
            // The heartbeat count before the freeze check and the catch-up, so the wait for the next
            // heartbeat overlaps them instead of adding up to a heartbeat period to the write window.
            SourceContact contactBefore = replica.sourceContact(status);
            long contactBeforeNanos = System.nanoTime();
            sendRotation(source);
            SourcePosition last = requireFrozen(source);
            evidence.put("sourcePosition", last.evidence());
            mark("sourceFrozenChecked");
            // Configured beside the replica's checks below, on the old primary's own session.
            ReverseReplicationSetup setup = reverse
                    ? ReverseReplicationSetup.begin(source, replica.settings(), replica.sourcePosition())
                    : ReverseReplicationSetup.none();
            try {
                return promote(source, replica, status, contactBefore, contactBeforeNanos, last, setup);
            } catch (Exception | Error e) {
                if (!reverseStarted && setup.awaitQuietly()) {
                    unstage(source);
                }
                throw e;
            }
        }
    }

    private StepOutcome promote(MySqlServer source, MySqlServer replica, ReplicaStatus status, SourceContact contactBefore,
                                long contactBeforeNanos, SourcePosition last, ReverseReplicationSetup setup)
            throws Exception {
        progress("waiting until " + replicaName + " executed " + last.text());
        long waitStarted = System.nanoTime();
        boolean caughtUp = replica.waitForExecuted(last, catchUp);
        context.waited("catch-up wait", Duration.ofNanos(System.nanoTime() - waitStarted));
        if (!caughtUp) {
            ReplicaStatus behind = replica.replicaStatus().orElse(status);
            evidence.put("replicaStatusAtRefusal", behind.evidence());
            throw refuse(replicaName + " is behind: it did not execute the source's last position " + last.text()
                    + " within " + DurationText.of(catchUp) + " (it executed " + describeExecuted(behind) + ")");
        }
        long contactStarted = System.nanoTime();
        requireSourceContact(replica, contactBefore, contactBeforeNanos);
        context.waited("source contact check", Duration.ofNanos(System.nanoTime() - contactStarted));
        mark("caughtUp");

        replica.stopReplica();
        replica.resetReplicaAll();
        SourcePosition newPrimaryStart = replica.sourcePosition();
        evidence.put("newPrimaryPosition", newPrimaryStart.evidence());
        mark("replicationStopped");

        if (reverse) {
            // No progress note here: the start takes tens of ms, and each note is a write inside the window.
            long startingReverse = System.nanoTime();
            boolean staged = setup.await();
            if (staged) {
                evidence.put("reverseReplicationConfiguredMs", setup.tookMs());
            }
            reverseStarted = true;
            // Staged only when the new primary had GTIDs; stopping and resetting its replication keeps them.
            if (staged) {
                source.startReplica();
            } else {
                source.replicateFrom(replica.settings(), newPrimaryStart);
            }
            ReplicaStatus reverseStatus = awaitReplicating(source);
            context.waited("reverse replication start", Duration.ofNanos(System.nanoTime() - startingReverse));
            if (!reverseStatus.healthy()) {
                undoStop(source, replica, last);
                throw new StepFailedException("reverse replication " + replicaName + " -> " + sourceName
                        + " did not start (" + reverseStatus.problem() + "); promotion undone: " + replicaName
                        + " replicates from " + sourceName + " again and stays read-only", evidence());
            }
            evidence.put("reverseReplication", reverseStatus.evidence());
            mark("reverseReplicationRunning");
        }

        replica.setReadOnly(false);
        mark("writable");

        List<String> repointed = new ArrayList<>();
        for (String other : repoint) {
            try (MySqlServer server = connect(other)) {
                moveReplica(server, last, replica.settings(), newPrimaryStart);
                repointed.add(other + " -> " + replicaName);
            }
        }
        evidence.put("repointed", repointed);
        mark("repointed");
        evidence.put("timingsMs", timings);
        evidence.put(StepOutcome.LOSSLESS_ROLLBACK, reverse);
        if (!reverse) {
            evidence.put(StepOutcome.ROLLBACK_WOULD_LOSE, "every write made on " + replicaName + " after its promotion "
                    + "(no reverse replication to " + sourceName + ")");
        }
        return StepOutcome.succeeded(replicaName + " promoted after " + timings.get("writable") + "ms"
                + (reverse ? "; " + sourceName + " replicates from it (reverse replication)" : "")
                + (repointed.isEmpty() ? "" : "; repointed " + String.join(", ", repoint)), evidence());
    }

    /** A refused promotion leaves the old primary replicating from nobody, as it found it. */
    private void unstage(MySqlServer source) {
        try {
            source.resetReplicaAll();
        } catch (SQLException e) {
            evidence.put("reverseReplicationLeftConfigured", sourceName + " keeps a stopped replication from " + replicaName
                    + " that could not be removed (" + e.getMessage() + "); RESET REPLICA ALL on it by hand");
        }
    }

    /** The new primary takes writes and replicates from nobody; the old one is read-only. */
    void verifyPromoted() throws Exception {
        try (MySqlServer source = connect(sourceName); MySqlServer replica = connect(replicaName)) {
            boolean readOnly = replica.readOnlyState().readOnly();
            boolean replicating = replica.replicaStatus().isPresent();
            if (readOnly || replicating) {
                throw new StepFailedException(replicaName + " is not a writable primary after promotion (read_only="
                        + readOnly + ", replicating=" + replicating + ")", evidence());
            }
            if (!source.readOnlyState().readOnly()) {
                throw new StepFailedException(sourceName + " still accepts writes after promotion: two primaries", evidence());
            }
        }
    }

    StepOutcome demote() throws Exception {
        try (MySqlServer source = connect(sourceName); MySqlServer replica = connect(replicaName)) {
            Optional<ReplicaStatus> reverseStatus = source.replicaStatus();
            boolean reverseInPlace = reverseStatus.isPresent()
                    && reverseStatus.get().sourceHost().equals(replica.settings().replicationHost())
                    && reverseStatus.get().sourcePort() == replica.settings().replicationPort();
            if (reverseStatus.isEmpty() && !source.readOnlyState().readOnly() && replica.replicaStatus().isPresent()) {
                return StepOutcome.succeeded(sourceName + " is already the writable primary and " + replicaName
                        + " replicates from it: nothing to demote", Map.of());
            }
            replica.setReadOnly(true);
            List<MySqlServer.Session> ended = replica.endSessionsOf(endSessionsOf);
            evidence.put("sessionsEnded", ended.stream().map(s -> s.user() + "@" + s.host()).toList());
            mark("newPrimaryFrozen");
            SourcePosition written = replica.sourcePosition();
            evidence.put("newPrimaryPosition", written.evidence());
            if (reverseInPlace) {
                progress("waiting until " + sourceName + " executed " + written.text() + " (reverse replication)");
                if (!source.waitForExecuted(written, catchUp)) {
                    evidence.put("reverseReplication", source.replicaStatus().map(ReplicaStatus::evidence).orElse(Map.of()));
                    throw new StepFailedException("rollback stopped: " + sourceName + " did not execute " + written.text()
                            + " from " + replicaName + " within " + DurationText.of(catchUp) + "; " + replicaName
                            + " stays frozen (read-only) so nothing is lost", evidence());
                }
                mark("reverseCaughtUp");
                source.stopReplica();
                source.resetReplicaAll();
            } else if (!written.hasGtids() || !source.executedAll(written.gtids())) {
                replica.setReadOnly(false);
                throw new StepFailedException("cannot roll back without losing writes: " + sourceName + " does not replicate "
                        + "from " + replicaName + " (no reverse replication) and " + replicaName + " has transactions "
                        + sourceName + " lacks (" + written.text() + "); " + replicaName + " stays the primary", evidence());
            }
            SourcePosition oldPrimaryStart = source.sourcePosition();
            evidence.put("oldPrimaryPosition", oldPrimaryStart.evidence());
            if (replica.replicaStatus().isPresent()) {
                replica.stopReplica();
            }
            replica.replicateFrom(source.settings(), oldPrimaryStart);
            evidence.put("replicationRestored", awaitReplicating(replica).evidence());
            for (String other : repoint) {
                try (MySqlServer server = connect(other)) {
                    moveReplica(server, written, source.settings(), oldPrimaryStart);
                }
            }
            source.setReadOnly(false);
            mark("oldPrimaryWritable");
            evidence.put("timingsMs", timings);
            return StepOutcome.succeeded(sourceName + " is the primary again after " + timings.get("oldPrimaryWritable")
                    + "ms; " + replicaName + " replicates from it", evidence());
        }
    }

    private MySqlServer connect(String name) throws SQLException {
        return MySqlServer.connect(context.connection(name), statementTimeout);
    }

    /**
     * Read-only, or a write position that stands still (a command such as iptables froze it); returns
     * the source's last position, read together with its read-only switch.
     */
    private SourcePosition requireFrozen(MySqlServer source) throws Exception {
        MySqlServer.ReadOnlyAndPosition now = source.readOnlyAndPosition();
        if (now.readOnly().readOnly()) {
            evidence.put("sourceFrozen", "read_only=ON");
            return now.position();
        }
        SourcePosition first = now.position();
        Thread.sleep(FREEZE_CHECK.toMillis());
        SourcePosition second = source.sourcePosition();
        if (!second.text().equals(first.text())) {
            throw refuse(sourceName + " is not frozen: read_only is OFF and its binlog moved from " + first.text() + " to "
                    + second.text() + " within " + DurationText.of(FREEZE_CHECK) + "; run a write-freeze step first");
        }
        evidence.put("sourceFrozen", "read_only=OFF but no write for " + DurationText.of(FREEZE_CHECK));
        return second;
    }

    /**
     * A rotation of the source's binlog reaches a connected replica at once: contact proven in
     * milliseconds rather than at the next heartbeat (up to a period, 30 s by MySQL's default). Without
     * the privilege the check waits for the heartbeat as before.
     */
    private void sendRotation(MySqlServer source) {
        try {
            source.rotateBinaryLog();
            evidence.put("contactProbe", "binlog rotation sent by " + sourceName);
        } catch (SQLException e) {
            evidence.put("contactProbe", "none (" + sourceName + " refused FLUSH BINARY LOGS: " + e.getMessage()
                    + "); waiting for a heartbeat");
        }
    }

    /**
     * The replica hears its source now: its IO thread is connected, and with the source frozen (so
     * idle) a heartbeat or an event arrives within the allowed silence. A replica cut off from its
     * source says IO thread Yes and lag 0 until slave_net_timeout; promoting it would set up reverse
     * replication across a link that may be down, and nothing about its catch-up could be trusted.
     */
    private void requireSourceContact(MySqlServer replica, SourceContact first, long firstNanos) throws Exception {
        // Not bounded by catchUpTimeout: a heartbeat longer than it would refuse a healthy replica.
        // With MySQL's default heartbeat (slave_net_timeout / 2 = 30 s) this may take that long;
        // replication this service sets up sends one every second.
        Duration limit = first.allowedSilence();
        boolean told = false;
        Duration poll = FIRST_POLL;
        for (int look = 0; ; look++) {
            if (look > 0) {
                Thread.sleep(poll.toMillis());
                poll = longer(poll, CONTACT_POLL);
            }
            ReplicaStatus status = replica.replicaStatus().orElseThrow(() -> refuse(replicaName + " stopped being a replica"));
            if (!status.ioRunning() || status.lastIoErrno() != 0) {
                evidence.put("sourceContact", status.evidence());
                throw refuse(replicaName + " cannot reach " + sourceName + ": " + (status.lastIoErrno() != 0
                        ? "IO thread error " + status.lastIoErrno() + ": " + status.lastIoError()
                        : "its IO thread is not connected (" + status.ioThread() + ")"));
            }
            SourceContact now = replica.sourceContact(status);
            Duration waited = Duration.ofNanos(System.nanoTime() - firstNanos);
            if (now.heardSince(first)) {
                evidence.put("sourceContact", "heard from " + sourceName + " after " + waited.toMillis() + "ms (heartbeat "
                        + DurationText.of(now.heartbeatPeriod()) + ")");
                return;
            }
            if (waited.compareTo(limit) >= 0) {
                evidence.put("sourceContact", status.evidence());
                throw refuse(replicaName + " cannot reach " + sourceName + ": nothing received from it for "
                        + waited.toMillis() + "ms though its IO thread says " + status.ioThread() + " (no heartbeat, one is due every "
                        + DurationText.of(first.heartbeatPeriod()) + "; is the link between them down?)");
            }
            if (!told) {
                progress("waiting for " + replicaName + " to hear from " + sourceName + " (heartbeat every "
                        + DurationText.of(first.heartbeatPeriod()) + ")");
                told = true;
            }
        }
    }

    /** Waits for a replica it just started to run both threads (or to report why not). */
    private ReplicaStatus awaitReplicating(MySqlServer server) throws Exception {
        long until = System.nanoTime() + REPLICATION_START.toNanos();
        ReplicaStatus status;
        Duration poll = FIRST_POLL;
        do {
            status = server.replicaStatus().orElseThrow();
            if (status.healthy() || status.lastIoErrno() != 0 || status.lastSqlErrno() != 0) {
                return status;
            }
            Thread.sleep(poll.toMillis());
            poll = longer(poll, START_POLL);
        } while (System.nanoTime() < until);
        return status;
    }

    private static Duration longer(Duration poll, Duration longest) {
        Duration doubled = poll.multipliedBy(2);
        return doubled.compareTo(longest) > 0 ? longest : doubled;
    }

    /** A replica that followed the old primary follows {@code to} from the position matching {@code reached}. */
    private void moveReplica(MySqlServer server, SourcePosition reached, MySqlSettings to, SourcePosition start)
            throws Exception {
        if (!server.waitForExecuted(reached, catchUp)) {
            throw new StepFailedException(server.name() + " did not execute " + reached.text() + " within "
                    + DurationText.of(catchUp) + "; it was not repointed", evidence());
        }
        server.stopReplica();
        server.resetReplicaAll();
        server.replicateFrom(to, start);
        ReplicaStatus status = awaitReplicating(server);
        if (!status.healthy()) {
            throw new StepFailedException(server.name() + " does not replicate from " + to.name() + ": " + status.problem(),
                    evidence());
        }
    }

    /** Reverse replication failed before the replica took writes: put the original direction back. */
    private void undoStop(MySqlServer source, MySqlServer replica, SourcePosition last) throws SQLException {
        source.stopReplica();
        source.resetReplicaAll();
        replica.replicateFrom(source.settings(), last);
    }

    private StepFailedException refuse(String reason) {
        return new StepFailedException("refusing to promote " + replicaName + ": " + reason, evidence());
    }

    private Map<String, Object> evidence() {
        return new LinkedHashMap<>(evidence);
    }

    private void mark(String moment) {
        timings.put(moment, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private void progress(String message) {
        context.progress(message, Map.of("elapsedMs", Duration.ofNanos(System.nanoTime() - started).toMillis()));
    }

    private static String describeExecuted(ReplicaStatus status) {
        return status.executedGtids().isEmpty() ? status.relaySourceLogFile() + ":" + status.execSourceLogPos()
                : status.executedGtids();
    }
}
