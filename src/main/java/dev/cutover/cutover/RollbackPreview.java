package dev.cutover.cutover;

import java.util.List;

/**
 * What a rollback ordered now would do: the steps whose inverses would run, in the order they would
 * run, and whether it is allowed at all.
 *
 * @param refusal why a rollback is refused now (the reason the API's 409 gives), or null when allowed
 */
public record RollbackPreview(List<String> stepsToUndo, boolean allowed, String refusal) {

    public RollbackPreview {
        stepsToUndo = List.copyOf(stepsToUndo);
    }
}
