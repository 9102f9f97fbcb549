package dev.cutover.cutover.execution;

import dev.cutover.cutover.eventlog.CutoverEvent;
import dev.cutover.cutover.eventlog.EventAppendedElsewhere;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Per-cutover "stop" flags that running steps poll: a pause, an abort or a rollback raise it,
 * a start, resume or restart lowers it. Apart from those, a step of a parallel group that fails
 * stops only its siblings ({@link #siblingFailed}). In memory on purpose: after a crash nothing runs, and
 * the recovery marks the execution interrupted instead. A pause, abort or rollback accepted by
 * another instance reaches this one through the event log ({@link EventAppendedElsewhere}), a
 * fraction of a second later: the step runs where its phase was launched, whichever instance the
 * person pressed the button on.
 */
@Component
public class StopSignals {

    private static final Set<String> STOPPING = Set.of("pause", "abort", "rollback");

    @EventListener
    void onEventElsewhere(EventAppendedElsewhere appended) {
        CutoverEvent event = appended.event();
        boolean stopAsked = STOPPING.contains(event.action()) && "accepted".equals(event.outcome());
        // Another instance took the cutover over, believing this one dead (its lease ran out during a
        // long pause or a lost database): whatever still runs here must give way to it.
        boolean takenOver = "interrupted".equals(event.outcome());
        if (stopAsked || takenOver) {
            raise(event.cutoverId());
        }
        if (takenOver) {
            takenOverFrom.add(event.cutoverId());
        }
    }

    private final Map<String, AtomicBoolean> flags = new ConcurrentHashMap<>();
    /**
     * Cutovers another instance took over from this one. A rollback's inverse steps ignore the stop
     * flag (the rollback raises it for the forward steps), but not this: a stalled instance's undo must
     * not run on beside the same undo on the instance that rolls back now.
     */
    private final Set<String> takenOverFrom = ConcurrentHashMap.newKeySet();
    /** Cutovers whose rollback starts no further inverse: this instance is stopping. */
    private final Set<String> rollbacksStopping = ConcurrentHashMap.newKeySet();
    /** Per cutover: parallel group name to the step of it that failed first. */
    private final Map<String, Map<String, String>> failedInGroup = new ConcurrentHashMap<>();

    public void raise(String cutoverId) {
        flag(cutoverId).set(true);
    }

    /** Lowers the cutover's flag and forgets the failures of parallel groups: a start, resume or restart. */
    public void lower(String cutoverId) {
        flag(cutoverId).set(false);
        failedInGroup.remove(cutoverId);
        takenOverFrom.remove(cutoverId);
    }

    boolean raised(String cutoverId) {
        return flag(cutoverId).get();
    }

    /** A rollback launches on this instance: the cutover is this instance's again. */
    void rollbackStarting(String cutoverId) {
        takenOverFrom.remove(cutoverId);
        rollbacksStopping.remove(cutoverId);
    }

    /**
     * This instance stops gracefully: the cutover's rollback finishes the inverse it runs (an undo is
     * never cut in the middle) and starts no other; its job ends STOPPED, so that a restart of it, here or
     * on the instance it is handed to, undoes the steps left.
     */
    public void stopRollbackBeforeNextInverse(String cutoverId) {
        rollbacksStopping.add(cutoverId);
    }

    boolean rollbackStopping(String cutoverId) {
        return rollbacksStopping.contains(cutoverId);
    }

    /** True when another instance took the cutover over since this one last launched its phase or rollback. */
    boolean takenOver(String cutoverId) {
        return takenOverFrom.contains(cutoverId);
    }

    /**
     * A step of a parallel group failed: its siblings still running give way ("stopped because
     * {@code stepId} failed"), the rest of the cutover is not stopped by it. The first failure is kept.
     */
    void siblingFailed(String cutoverId, String group, String stepId) {
        failedInGroup.computeIfAbsent(cutoverId, id -> new ConcurrentHashMap<>()).putIfAbsent(group, stepId);
    }

    /** The step of the group that failed, when one did since the phase started. */
    Optional<String> failedSibling(String cutoverId, String group) {
        return Optional.ofNullable(failedInGroup.getOrDefault(cutoverId, Map.of()).get(group));
    }

    /** Forgets the group's failure: the group runs again (a restart of its phase). */
    void groupStarting(String cutoverId, String group) {
        Map<String, String> failed = failedInGroup.get(cutoverId);
        if (failed != null) {
            failed.remove(group);
        }
    }

    private AtomicBoolean flag(String cutoverId) {
        return flags.computeIfAbsent(cutoverId, id -> new AtomicBoolean());
    }
}
