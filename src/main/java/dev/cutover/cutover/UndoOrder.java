package dev.cutover.cutover;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The order a rollback undoes steps in: the reverse of the order they ended, so that steps of a
 * parallel group are undone last-finished first, and a step still running (or cut off without an
 * end) counts as the latest. Steps that ended at the same instant go by position, later first. One
 * order, used by the rollback itself and by the rollback preview the dashboard shows.
 */
public final class UndoOrder {

    private static final Comparator<CutoverStep> LAST_ENDED_FIRST = Comparator
            .comparing((CutoverStep step) -> step.endedAt() == null ? Instant.MAX : step.endedAt())
            .thenComparingInt(CutoverStep::position)
            .reversed();

    private UndoOrder() {
    }

    public static List<CutoverStep> of(List<CutoverStep> started) {
        return started.stream().sorted(LAST_ENDED_FIRST).toList();
    }
}
