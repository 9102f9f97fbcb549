package dev.cutover.cutover;

import static dev.cutover.cutover.CutoverAction.ABORT;
import static dev.cutover.cutover.CutoverAction.APPROVE;
import static dev.cutover.cutover.CutoverAction.PAUSE;
import static dev.cutover.cutover.CutoverAction.RESTART_PHASE;
import static dev.cutover.cutover.CutoverAction.RESUME;
import static dev.cutover.cutover.CutoverAction.ROLLBACK;
import static dev.cutover.cutover.CutoverAction.START_PHASE;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a cutover and, for each, the actions that are legal in it. Anything else
 * answers 409 with the current state and these actions.
 */
public enum CutoverState {
    /** Created, or between phases: the next phase may start. */
    READY(START_PHASE, ROLLBACK, ABORT),
    /** A phase execution is running. */
    RUNNING(PAUSE, ROLLBACK, ABORT),
    /** A running phase waits at a manual gate for an approver. */
    AWAITING_APPROVAL(APPROVE, PAUSE, ROLLBACK, ABORT),
    /** A pause was asked for; the current step is finishing. */
    PAUSING(ROLLBACK, ABORT),
    /** Stopped between steps; resume continues with the next step. */
    PAUSED(RESUME, ROLLBACK, ABORT),
    /** A step failed past its retries; restart re-runs it, later steps follow. */
    FAILED(RESTART_PHASE, ROLLBACK, ABORT),
    /** The service died while a phase ran; restart continues from the interrupted step. */
    INTERRUPTED(RESTART_PHASE, ROLLBACK, ABORT),
    /** Every phase completed. */
    COMPLETED(ROLLBACK),
    /** The inverse of every completed step runs in reverse order. */
    ROLLING_BACK(),
    ROLLED_BACK(),
    /** An inverse failed; rollback again continues from it. */
    ROLLBACK_FAILED(ROLLBACK, ABORT),
    /** Stopped for good without rollback. */
    ABORTED();

    private final EnumSet<CutoverAction> allowed;

    CutoverState(CutoverAction... allowed) {
        this.allowed = allowed.length == 0 ? EnumSet.noneOf(CutoverAction.class) : EnumSet.of(allowed[0], allowed);
    }

    public Set<CutoverAction> allowedActions() {
        return EnumSet.copyOf(allowed);
    }

    public boolean allows(CutoverAction action) {
        return allowed.contains(action);
    }

    /** A phase job belongs to the cutover and may still be running in these states. */
    public boolean phaseActive() {
        return this == RUNNING || this == AWAITING_APPROVAL || this == PAUSING;
    }
}
