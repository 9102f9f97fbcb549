package dev.cutover.runbook;

import java.util.Map;

/**
 * How a completed step is undone during a rollback.
 *
 * <ul>
 *   <li>{@code TYPE_DEFAULT}: no {@code rollback:} given, the step type's own inverse runs;</li>
 *   <li>{@code NONE}: {@code rollback: none}, nothing to undo;</li>
 *   <li>{@code STEP}: {@code rollback: { type: command, with: {...} }}, that step runs instead.</li>
 * </ul>
 */
public record StepRollback(Kind kind, String type, Map<String, Object> with) {

    public enum Kind { TYPE_DEFAULT, NONE, STEP }

    public StepRollback {
        with = with == null ? Map.of() : Map.copyOf(with);
    }

    public static StepRollback typeDefault() {
        return new StepRollback(Kind.TYPE_DEFAULT, null, Map.of());
    }

    public static StepRollback none() {
        return new StepRollback(Kind.NONE, null, Map.of());
    }
}
