package dev.cutover.step;

import java.util.Map;

/** A step of the cutover's pinned runbook as written: its id, type and {@code with:} values (secret references unresolved). */
public record StepDefinition(String id, String type, Map<String, Object> with) {

    public StepDefinition {
        with = Map.copyOf(with);
    }
}
