package dev.cutover.database.mongo;

import dev.cutover.step.DurationText;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepStoppedException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether a member is fit to become primary: in the set, healthy, SECONDARY, able to vote and to
 * be elected, and caught up, meaning its last applied optime has reached the primary's. With
 * writes frozen the primary stands still, so the member either reaches it or is really behind;
 * the short wait only absorbs heartbeat staleness.
 */
final class CatchUp {

    /** Inside the write window every poll is waiting time: status reads are cheap, so poll often. */
    static final Duration POLL = Duration.ofMillis(25);

    private CatchUp() {
    }

    /** Returns the status in which {@code candidate} has caught up with the primary, or refuses. */
    static ReplicaSetStatus await(ReplicaSet replicaSet, String candidate, Duration wait) throws StepFailedException,
            StepStoppedException {
        long until = System.nanoTime() + wait.toNanos();
        while (true) {
            ReplicaSetStatus status = ReplicaSetStatus.read(replicaSet);
            MemberStatus primary = status.primary().orElseThrow(() -> refusal(status, "replica set " + status.setName()
                    + " has no primary"));
            MemberStatus member = status.member(candidate).orElseThrow(() -> refusal(status, candidate
                    + " is not a member of replica set " + status.setName()));
            checkElectable(status, member);
            if (member.optime() != null && primary.optime() != null && member.optime().compareTo(primary.optime()) >= 0) {
                return status;
            }
            if (System.nanoTime() > until) {
                throw refusal(status, candidate + " is behind the primary " + primary.name() + ": its optime "
                        + member.optime() + " against " + primary.optime() + " (" + status.lagSeconds(member).orElse(Double.NaN)
                        + " s) after waiting " + DurationText.of(wait) + "; promotion refused, let mongo-lag-gate open first");
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StepStoppedException("interrupted while waiting for " + candidate + " to catch up");
            }
        }
    }

    static void checkElectable(ReplicaSetStatus status, MemberStatus member) throws StepFailedException {
        if (!member.healthy()) {
            throw refusal(status, member.name() + " is unhealthy (" + member.stateStr() + "): promotion refused");
        }
        if (!member.isSecondary()) {
            throw refusal(status, member.name() + " is " + member.stateStr() + ", not SECONDARY: promotion refused");
        }
        if (member.votes() < 1) {
            throw refusal(status, member.name() + " has no vote, and MongoDB only lets voting members have a "
                    + "priority above 0: give it votes: 1 first");
        }
        Object delay = PriorityReconfig.member(status.config(), member.name()).map(config -> config.containsKey("secondaryDelaySecs")
                ? config.get("secondaryDelaySecs") : config.get("slaveDelay")).orElse(null);
        if (delay instanceof Number seconds && seconds.longValue() > 0) {
            throw refusal(status, member.name() + " is a delayed member (" + seconds + " s): it cannot become primary");
        }
    }

    static StepFailedException refusal(ReplicaSetStatus status, String reason) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("primary", status.primaryName());
        evidence.put("members", status.membersEvidence());
        evidence.put("note", ReplicaSetStatus.STALENESS);
        return new StepFailedException(reason, evidence);
    }
}
