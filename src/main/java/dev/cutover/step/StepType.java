package dev.cutover.step;

import java.time.Duration;
import java.util.List;

/**
 * A kind of runbook step. Implementations are Spring beans; the cutover module discovers them.
 * A step type is one small thing: a forward action, a verification of that action, and its own
 * inverse for rollback. The runbook may override the inverse with an explicit {@code rollback:}.
 */
public interface StepType {

    /** The name used as {@code type:} in runbooks, e.g. {@code command}. */
    String name();

    /** One line for humans: what the step does. */
    String description();

    /** The {@code with:} parameters this type accepts; validation rejects unknown ones. */
    List<StepParameter> parameters();

    /**
     * Checks the {@code with:} values beyond what {@link #parameters()} declares: fields required
     * together or excluding each other, values that must fit the step's {@code timeout:}. Runs when
     * a runbook is validated (loaded, reloaded or posted), so a mistake is found before the cutover
     * window, not inside it; only called when every value already has its declared kind. Secret
     * references are not resolved here: a text value may still read {@code ${env:NAME}}.
     *
     * @param with        the values as written (rollback values when validating a {@code rollback:})
     * @param stepTimeout the step's {@code timeout:}
     */
    default List<StepArgumentProblem> validate(StepArguments with, Duration stepTimeout) {
        return List.of();
    }

    /** The forward action. Throw {@link StepFailedException} to fail with a reason and evidence. */
    StepOutcome execute(StepContext context) throws Exception;

    /** Checks that the forward action took effect; runs right after {@link #execute}. */
    default StepOutcome verify(StepContext context, StepOutcome executed) throws Exception {
        return executed;
    }

    /**
     * The type's own inverse, used when the runbook declares no {@code rollback:}. The default
     * says there is nothing to undo (a probe, a wait, an approval).
     */
    default StepOutcome rollback(StepContext context) throws Exception {
        return StepOutcome.succeeded("nothing to undo for a " + name() + " step");
    }

    /**
     * True when a run cut off anywhere (its instance died) may simply run again from the start:
     * the step changes nothing outside (gates, probes, verifications) or continues from its own
     * checkpoints (syncs). Only such steps may say {@code autoResume: true} in a runbook; the default
     * is false, so a step that changes something waits for a person after a crash.
     */
    default boolean resumable() {
        return false;
    }

    /** True when {@link #rollback} really undoes something (the default does not). */
    default boolean hasOwnRollback() {
        return false;
    }
}
