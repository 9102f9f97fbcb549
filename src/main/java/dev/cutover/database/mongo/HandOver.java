package dev.cutover.database.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSocketException;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepStoppedException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * Moves the primary role from one member to another the way MongoDB wants it: unfreeze the new
 * member (a member stepped down earlier is ineligible for its step-down period), submit a config
 * in which it has the highest priority, step the current primary down, and wait until the new
 * member says it is a writable primary. Used by the promotion and, reversed, by its rollback.
 */
final class HandOver {

    /** ConfigurationInProgress and CurrentConfigNotCommittedYet: the previous reconfig still propagates. */
    private static final Set<Integer> RECONFIG_BUSY = Set.of(109, 308);
    /** PrimarySteppedDown, NotWritablePrimary: the member stopped being primary on its own (a priority takeover). */
    private static final Set<Integer> ALREADY_STEPPED_DOWN = Set.of(189, MongoFailures.NOT_WRITABLE_PRIMARY);
    private static final Duration POLL = CatchUp.POLL;

    private final ReplicaSet replicaSet;
    private final StepContext context;
    private final long deadline;

    HandOver(ReplicaSet replicaSet, StepContext context, Duration within) {
        this.replicaSet = replicaSet;
        this.context = context;
        this.deadline = System.nanoTime() + within.toNanos();
    }

    /** @return timings in milliseconds per stage */
    Map<String, Object> run(String from, String to, Document config, int stepDownSecs) throws Exception {
        Map<String, Object> timings = new LinkedHashMap<>();
        long started = System.nanoTime();
        unfreeze(to);
        reconfigure(from, config);
        timings.put("reconfigMs", millisSince(started));
        context.progress("config version " + config.get("version") + " gives " + to + " the highest priority; stepping down "
                + from, Map.of("configVersion", config.get("version")));
        long steppingDown = System.nanoTime();
        stepDown(from, stepDownSecs);
        timings.put("stepDownMs", millisSince(steppingDown));
        long electing = System.nanoTime();
        awaitWritablePrimary(to);
        timings.put("electionMs", millisSince(electing));
        timings.put("totalMs", millisSince(started));
        return timings;
    }

    /** Submits a config on the primary, waiting while an earlier reconfig is still being committed. */
    void reconfigure(String primary, Document config) throws Exception {
        while (true) {
            try {
                replicaSet.admin(primary, new Document("replSetReconfig", config));
                return;
            } catch (MongoCommandException e) {
                if (!RECONFIG_BUSY.contains(e.getErrorCode()) || System.nanoTime() > deadline) {
                    throw MongoFailures.failure(context, "replSetReconfig to version " + config.get("version") + " on " + primary,
                            e, Map.of("primary", primary));
                }
                pause();
            }
        }
    }

    /** Waits until {@code host} reports {@code isWritablePrimary}: elected and done draining its buffer. */
    void awaitWritablePrimary(String host) throws Exception {
        while (true) {
            try {
                if (replicaSet.hello(host).getBoolean("isWritablePrimary", false)) {
                    return;
                }
            } catch (MongoException e) {
                // Connections may drop while roles change; keep asking until the deadline.
            }
            if (System.nanoTime() > deadline) {
                throw new StepFailedException(host + " did not become a writable primary of " + replicaSet.name()
                        + " in time", Map.of("member", host));
            }
            pause();
        }
    }

    private void unfreeze(String host) throws StepFailedException {
        try {
            replicaSet.admin(host, new Document("replSetFreeze", 0));
        } catch (MongoException e) {
            throw MongoFailures.failure(context, "replSetFreeze 0 on " + host + " (making it electable)", e, Map.of("member", host));
        }
    }

    private void stepDown(String primary, int stepDownSecs) throws StepFailedException {
        // Not forced: the primary steps down only once an electable secondary has caught up, so no write is lost.
        Document command = new Document("replSetStepDown", stepDownSecs).append("secondaryCatchUpPeriodSecs",
                Math.min(10, Math.max(1, stepDownSecs - 1)));
        try {
            replicaSet.admin(primary, command);
        } catch (MongoSocketException e) {
            // Servers before 4.2 close every connection when stepping down: the answer is the election that follows.
        } catch (MongoException e) {
            if (!ALREADY_STEPPED_DOWN.contains(e.getCode())) {
                throw MongoFailures.failure(context, "replSetStepDown on " + primary, e, Map.of("primary", primary));
            }
        }
    }

    private void pause() throws StepStoppedException {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepStoppedException("interrupted while handing over the primary role");
        }
    }

    private static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }
}
