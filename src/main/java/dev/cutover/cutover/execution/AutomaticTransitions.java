package dev.cutover.cutover.execution;

import dev.cutover.cutover.Cutover;
import dev.cutover.cutover.CutoverState;
import dev.cutover.cutover.state.CutoverRepository;

import java.util.Set;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Component;

/**
 * State changes made by the system rather than a person (a job ended, a step waits for an
 * approval, a crash was found). They apply only from the expected states, so a person's newer
 * decision (abort, rollback) is never overwritten by a job that ends late.
 */
@Component
class AutomaticTransitions {

    private final CutoverRepository cutovers;

    AutomaticTransitions(CutoverRepository cutovers) {
        this.cutovers = cutovers;
    }

    /** Moves the cutover to {@code next} if it is in one of {@code from}; false if it is not (any more). */
    boolean move(String id, Set<CutoverState> from, CutoverState next, UnaryOperator<Cutover> change) {
        while (true) {
            Cutover current = cutovers.find(id).orElseThrow();
            if (!from.contains(current.state())) {
                return false;
            }
            if (cutovers.compareAndSet(current.version(), change.apply(current).withState(next))) {
                return true;
            }
        }
    }

    /**
     * Changes fields other than the state if the cutover is in one of {@code from}; false if it is not
     * (any more). The compare-and-set makes "check the state, then write" one step across instances.
     */
    boolean updateIf(String id, Set<CutoverState> from, UnaryOperator<Cutover> change) {
        while (true) {
            Cutover current = cutovers.find(id).orElseThrow();
            if (!from.contains(current.state())) {
                return false;
            }
            if (cutovers.compareAndSet(current.version(), change.apply(current))) {
                return true;
            }
        }
    }

    /** Changes fields other than the state, whatever the state is. */
    void update(String id, UnaryOperator<Cutover> change) {
        while (true) {
            Cutover current = cutovers.find(id).orElseThrow();
            if (cutovers.compareAndSet(current.version(), change.apply(current))) {
                return;
            }
        }
    }
}
