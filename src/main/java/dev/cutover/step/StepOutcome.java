package dev.cutover.step;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a step did: a one-line summary for the timeline and the evidence seen at that moment
 * (exit codes, output tails, lag figures, counts). Evidence must already be free of secrets;
 * the cutover module redacts resolved secret values once more before storing it.
 */
public record StepOutcome(String summary, Map<String, Object> evidence) {

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
