package dev.cutover.step;

import java.time.Duration;
import java.util.Map;

/** Everything a running step may see and do; given by the cutover module. */
public interface StepContext {

    String cutoverId();

    String runbook();

    String environment();

    String phase();

    String stepId();

    boolean rehearsal();

    /** The step's {@code with:} values (or those of its {@code rollback:} when rolling back). */
    StepArguments arguments();

    /**
     * Another step of the cutover's runbook, as pinned when the cutover was created (a gate that
     * watches other steps reads their {@code with:} here, never from the runbook file).
     */
    default java.util.Optional<StepDefinition> otherStep(String stepId) {
        return java.util.Optional.empty();
    }

    /**
     * Every step of the cutover's pinned runbook, in order (a {@code preflight} step checks what
     * all of them will need).
     */
    default java.util.List<StepDefinition> runbookSteps() {
        return java.util.List.of();
    }

    /** The names of the connections of the cutover's environment. */
    default java.util.Set<String> connectionNames() {
        return java.util.Set.of();
    }

    /** A connection of the cutover's environment, by name. */
    ResolvedConnection connection(String name);

    /** The step's {@code timeout:}; long-running types must stop waiting when it is spent. */
    Duration timeout();

    /** True once an operator paused or aborted: long waits must return promptly. */
    boolean stopRequested();

    /**
     * Tells the write window's timeline that the step just spent {@code took} waiting on
     * {@code on} (e.g. "lag sample interval", "GTID wait", "listing"); the step's evidence then
     * carries a {@code timing} with its start, end and these waits. A context that keeps no timing
     * (a unit test's) ignores it.
     */
    default void waited(String on, Duration took) {
    }

    /** Records a progress line and figures that the timeline shows while the step runs. */
    void progress(String message, Map<String, Object> figures);

    /**
     * Stores the readings of one sample taken at {@code at} (a lag per replica or member, a value per
     * metric query) for the cutover's gate charts, and sends them to open dashboards. Never blocks on
     * a screen; a context that keeps no samples (a unit test's) ignores them.
     */
    default void recordSamples(java.time.Instant at, java.util.List<? extends ChartedSample> samples) {
    }

    /**
     * Stores a fallback snapshot the step took, with the cutover, so that
     * {@code GET /api/cutovers/{id}/snapshots} lists it. A context that keeps none (a unit test's)
     * ignores it; the step's evidence holds the same facts.
     */
    default void recordSnapshot(Snapshot snapshot) {
    }

    /**
     * Blocks until an approver approves this step, the step's timeout is spent, or a stop is
     * requested. The cutover shows AWAITING_APPROVAL meanwhile.
     *
     * @throws StepFailedException on timeout
     * @throws StepStoppedException when a stop was requested
     */
    Approval awaitApproval(ApprovalRequest request) throws StepFailedException, StepStoppedException;

    /** Replaces every secret value resolved so far in this step by {@code ******}. */
    String redact(String text);

    /**
     * Like {@link #redact}, for a piece cut out of a longer text (an output tail, a body
     * excerpt): a cut inside a secret leaves a piece of it at the cut, so a piece of 4 or more
     * characters that a secret ends with (cut before) or begins with (cut after) is masked too
     * ({@link SecretMask#maskCut}). Mask the whole text before cutting where it is at hand, and
     * use this on the piece kept.
     */
    String redactExcerpt(String text, boolean cutBefore, boolean cutAfter);
}
