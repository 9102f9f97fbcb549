package dev.cutover.step;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a step did: a one-line summary for the timeline and the evidence seen at that moment
 * (exit codes, output tails, lag figures, counts). Evidence must already be free of secrets;
 * the cutover module redacts resolved secret values once more before storing it.
 */
public record StepOutcome(String summary, Map<String, Object> evidence) {

    /**
     * Evidence key a step sets when it decides whether rolling back after a point of no return
     * loses writes: {@code true} when it set up what keeps them (reverse replication, old members
     * still replicating), {@code false} when from now on a rollback would lose them. Rollback past
     * a point of no return is allowed only with a {@code true} and no {@code false} among the
     * completed steps.
     */
    public static final String LOSSLESS_ROLLBACK = "losslessRollback";

    /** Evidence key naming what a rollback would lose, next to {@code losslessRollback: false}. */
    public static final String ROLLBACK_WOULD_LOSE = "rollbackWouldLose";

    public StepOutcome {
        evidence = evidence == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    public static StepOutcome succeeded(String summary) {
        return new StepOutcome(summary, Map.of());
    }

    public static StepOutcome succeeded(String summary, Map<String, Object> evidence) {
        return new StepOutcome(summary, evidence);
    }
}
