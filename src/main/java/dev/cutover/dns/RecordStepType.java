package dev.cutover.dns;

import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code dns-ttl} and {@code dns-switch} share as step types: the {@code connection} and
 * {@code record} parameters, a change applied through {@link ReversibleRecordChange} (original
 * saved first), verified by resolving, and undone by restoring the saved original. Each type says
 * only what it changes ({@link #plan}) and how to sum it up.
 */
abstract class RecordStepType implements StepType {

    private final ReversibleRecordChange changes;

    RecordStepType(ReversibleRecordChange changes) {
        this.changes = changes;
    }

    /** The parameters after {@code connection} and {@code record}. */
    abstract List<StepParameter> recordParameters();

    /** Which record sets the step touches and what they must be afterwards. */
    abstract ReversibleRecordChange.Plan plan(StepArguments args);

    /** One line for the timeline once the change is in sync. */
    abstract String summary(StepArguments args);

    @Override
    public final List<StepParameter> parameters() {
        List<StepParameter> parameters = new ArrayList<>(List.of(
                StepParameter.required("connection", Kind.CONNECTION, "the DNS zone's connection (route53 or rfc2136)"),
                StepParameter.required("record", Kind.STRING, "the record's name, absolute (www.example.com.) or "
                        + "relative to the connection's zone (www)")));
        parameters.addAll(recordParameters());
        return List.copyOf(parameters);
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        return changes.change(context, plan(args), summary(args));
    }

    @Override
    public StepOutcome verify(StepContext context, StepOutcome executed) throws Exception {
        return changes.verify(context, executed, plan(context.arguments()));
    }

    @Override
    public StepOutcome rollback(StepContext context) throws Exception {
        return changes.restore(context);
    }

    @Override
    public boolean hasOwnRollback() {
        return true;
    }
}
