package dev.cutover.database.mysql;

import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.DurationText;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code mysql-promote}: makes the replica the primary once the source is frozen and the replica
 * has executed everything the source wrote; optionally repoints other replicas and sets up reverse
 * replication so a rollback loses nothing written after promotion. Its own inverse demotes it
 * again. The moves themselves are in {@link Promotion}.
 */
@Component
class MySqlPromoteStepType implements StepType {

    @Override
    public String name() {
        return "mysql-promote";
    }

    @Override
    public String description() {
        return "Promotes a MySQL/MariaDB replica once the source is frozen and fully executed; repoints other replicas, "
                + "sets up reverse replication; rollback demotes it with nothing lost";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.required("source", Kind.CONNECTION, "the current primary; its writes must be frozen"),
                StepParameter.required("replica", Kind.CONNECTION, "the replica that becomes the primary"),
                StepParameter.optional("repoint", Kind.LIST, "connections of other replicas to repoint to the new primary"),
                StepParameter.optional("reverseReplication", Kind.BOOLEAN, "the old primary replicates from the new one "
                        + "afterwards, so rollback loses nothing (default true)"),
                StepParameter.optional("catchUpTimeout", Kind.DURATION, "how long the replica may take to execute "
                        + "everything the source wrote before promotion is refused (default 60s, at most half the step timeout)"),
                StepParameter.optional("statementTimeout", Kind.DURATION, "how long any one statement may go unanswered "
                        + "(beyond a wait it asks for) before the step fails, e.g. when a link is cut mid-statement (default 30s)"),
                StepParameter.optional("endSessionsOf", Kind.LIST, "on rollback: application users whose sessions on the "
                        + "new primary are ended when it is frozen again"));
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        return promotion(context).promote();
    }

    @Override
    public StepOutcome verify(StepContext context, StepOutcome executed) throws Exception {
        promotion(context).verifyPromoted();
        return executed;
    }

    @Override
    public StepOutcome rollback(StepContext context) throws Exception {
        return promotion(context).demote();
    }

    @Override
    public boolean hasOwnRollback() {
        return true;
    }

    @Override
    public List<StepArgumentProblem> validate(StepArguments with, Duration stepTimeout) {
        return with.duration("catchUpTimeout").filter(catchUp -> catchUp.compareTo(stepTimeout) > 0)
                .map(catchUp -> List.of(StepArgumentProblem.at("catchUpTimeout", "catchUpTimeout " + DurationText.of(catchUp)
                        + " is longer than the step's timeout of " + DurationText.of(stepTimeout)
                        + "; raise the step's timeout or shorten catchUpTimeout")))
                .orElse(List.of());
    }

    private static Promotion promotion(StepContext context) throws StepFailedException {
        StepArguments args = context.arguments();
        Duration fallback = Duration.ofSeconds(60).compareTo(context.timeout()) < 0 ? Duration.ofSeconds(60)
                : context.timeout().dividedBy(2);
        Duration catchUp = args.duration("catchUpTimeout").orElse(fallback);
        if (catchUp.compareTo(context.timeout()) > 0) {
            throw new StepFailedException("catchUpTimeout " + DurationText.of(catchUp) + " is longer than the step's timeout "
                    + DurationText.of(context.timeout()), Map.of());
        }
        return new Promotion(context, args.requiredString("source"), args.requiredString("replica"), args.list("repoint"),
                args.bool("reverseReplication").orElse(true), catchUp, args.list("endSessionsOf"),
                args.duration("statementTimeout").orElse(Duration.ofSeconds(30)));
    }
}
