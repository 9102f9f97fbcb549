package dev.cutover.cutover;

import dev.cutover.cutover.eventlog.EventLog;
import dev.cutover.cutover.execution.PhaseLauncher;
import dev.cutover.cutover.execution.StopSignals;
import dev.cutover.cutover.state.ApprovalRepository;
import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.cutover.state.CutoverStepRepository;
import dev.cutover.cutover.state.PinnedRunbooks;

import dev.cutover.instance.InstanceLeases;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookCatalog;
import dev.cutover.runbook.RunbookText;
import dev.cutover.runbook.RunbookEntry;
import dev.cutover.runbook.RunbookPhase;
import dev.cutover.runbook.RunbookStep;
import dev.cutover.step.Approval;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cutover state machine: every change of a cutover's state goes through here. People's
 * requests are checked against the legal actions of the current state and applied with a
 * compare-and-set on the version, so two engineers pressing the same button yield one change
 * (the other gets 409). Each accepted request is written to the event log with its actor.
 */
@Component
public class CutoverTransitions {

    private final CutoverRepository cutovers;
    private final CutoverStepRepository steps;
    private final ApprovalRepository approvals;
    private final EventLog events;
    private final RunbookCatalog runbooks;
    private final PinnedRunbooks pinned;
    private final TransactionTemplate transactions;
    private final StopSignals stops;
    private final PhaseLauncher launcher;
    private final InstanceLeases instances;

    private final JsonMapper json;
    private final StepOutputs outputs;

    CutoverTransitions(CutoverRepository cutovers, CutoverStepRepository steps, ApprovalRepository approvals,
                       EventLog events, RunbookCatalog runbooks, PinnedRunbooks pinned, StopSignals stops,
                       PhaseLauncher launcher, JsonMapper json, PlatformTransactionManager transactionManager,
                       InstanceLeases instances) {
        this.instances = instances;
        this.transactions = new TransactionTemplate(transactionManager);
        this.pinned = pinned;
        this.json = json;
        this.outputs = new StepOutputs(json);
        this.cutovers = cutovers;
        this.steps = steps;
        this.approvals = approvals;
        this.events = events;
        this.runbooks = runbooks;
        this.stops = stops;
        this.launcher = launcher;
    }

    public Cutover create(String runbookName, String environment, boolean rehearsal, Actor actor) {
        RunbookEntry entry = runbooks.find(runbookName)
                .orElseThrow(() -> CutoverProblems.notFound("runbook", runbookName));
        Runbook runbook = entry.validRunbook().orElseThrow(() -> CutoverProblems.unprocessable("Runbook is invalid",
                "Runbook '" + runbookName + "' has " + entry.problems().size() + " problem(s); fix them first, e.g. "
                        + entry.problems().get(0)));
        if (!runbook.environments().containsKey(environment)) {
            throw CutoverProblems.unprocessable("Unknown environment", "Runbook '" + runbookName
                    + "' has no environment '" + environment + "'; it has " + runbook.environments().keySet() + ".");
        }
        RunbookText pinned = runbooks.text(runbook.name()).orElseThrow(() -> CutoverProblems.unprocessable(
                "Runbook unavailable", "Runbook '" + runbookName + "' was reloaded meanwhile; try again."));
        Instant now = Instant.now();
        Cutover cutover = new Cutover(UUID.randomUUID().toString(), runbook.name(), environment, rehearsal,
                CutoverState.READY, null, null, null, 0, actor.name(), now, now, pinned.sha256());
        // The cutover, its steps and its first event exist together or not at all.
        transactions.executeWithoutResult(status -> {
            cutovers.insert(cutover, pinned);
            int position = 0;
            for (RunbookPhase phase : runbook.phases()) {
                for (RunbookStep step : phase.steps()) {
                    steps.insert(new CutoverStep(cutover.id(), phase.name(), step.id(), position++, step.type(),
                            step.owner(), StepState.PENDING, 0, null, null, null));
                }
            }
            events.append(cutover.id(), null, null, actor, "create", "succeeded",
                    (rehearsal ? "rehearsal" : "cutover") + " of runbook " + runbook.name() + " in " + environment,
                    Map.of("runbook", runbook.name(), "environment", environment, "rehearsal", rehearsal,
                            "runbookFile", pinned.file(), "runbookSha256", pinned.sha256()));
        });
        return cutover;
    }

    public Cutover startPhase(String id, String phaseName, Actor actor) {
        Cutover cutover = require(id);
        Runbook runbook = runbookOf(cutover);
        checkAllowed(cutover, CutoverAction.START_PHASE);
        RunbookPhase phase = runbook.phase(phaseName)
                .orElseThrow(() -> CutoverProblems.notFound("phase", phaseName));
        String notStartable = policy(cutover).whyPhaseCannotStart(phase);
        if (notStartable != null) {
            throw CutoverProblems.illegalTransition(cutover, CutoverAction.START_PHASE, allowedActions(cutover), notStartable);
        }
        Cutover running = change(cutover, CutoverState.RUNNING, c -> c.withPhase(phaseName, null));
        stops.lower(id);
        events.append(id, phaseName, null, actor, "start-phase", "accepted", "phase " + phaseName + " starting", Map.of());
        launcher.start(running, runbook, phase);
        return running;
    }

    public Cutover approve(String id, String stepId, String comment, List<String> checkedItems, Actor actor) {
        Cutover cutover = require(id);
        checkAllowed(cutover, CutoverAction.APPROVE);
        CutoverStep step = steps.find(id, stepId).orElseThrow(() -> CutoverProblems.notFound("step", stepId));
        if (step.state() != StepState.AWAITING_APPROVAL) {
            throw CutoverProblems.illegalTransition(cutover, CutoverAction.APPROVE, allowedActions(cutover),
                    "step " + stepId + " is " + step.state() + ", not waiting for an approval");
        }
        checkChecklist(cutover, step, checkedItems);
        Approval approval = new Approval(actor.name(), Instant.now(), comment, checkedItems);
        if (!approvals.insert(id, stepId, approval)) {
            throw CutoverProblems.concurrentChange(cutover, allowedActions(cutover));
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("comment", comment == null ? "" : comment);
        evidence.put("checkedItems", approval.checkedItems());
        events.append(id, step.phase(), stepId, actor, "approve", "succeeded", "approved by " + actor.name(), evidence);
        return require(id);
    }

    /** An approval must tick every item the waiting step asked for, and nothing else. */
    private void checkChecklist(Cutover cutover, CutoverStep step, List<String> checkedItems) {
        List<String> checklist = pendingChecklist(step);
        List<String> missing = checklist.stream().filter(item -> !checkedItems.contains(item)).toList();
        List<String> unknown = checkedItems.stream().filter(item -> !checklist.contains(item)).toList();
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw CutoverProblems.problem(HttpStatus.UNPROCESSABLE_CONTENT,
                    "Checklist incomplete", "Step " + step.stepId() + " was not approved: "
                            + (missing.isEmpty() ? "" : "not ticked " + missing + ". ")
                            + (unknown.isEmpty() ? "" : "not on the checklist " + unknown + ". ")
                            + "Send checkedItems with every item of the checklist, as written.",
                    Map.of("checklist", checklist, "missing", missing, "unknown", unknown,
                            "state", cutover.state().name()));
        }
    }

    private List<String> pendingChecklist(CutoverStep step) {
        if (step.output() == null) {
            return List.of();
        }
        JsonNode checklist = json.readTree(step.output()).path("awaiting").path("checklist");
        List<String> items = new ArrayList<>();
        checklist.forEach(item -> items.add(item.asString()));
        return items;
    }

    public Cutover pause(String id, Actor actor) {
        Move move = accept(id, CutoverAction.PAUSE, CutoverState.PAUSING);
        stops.raise(id);
        events.append(id, move.before().currentPhase(), null, actor, "pause", "accepted",
                "pausing: the running step finishes or gives way, then the phase stops", Map.of());
        return move.after();
    }

    public Cutover resume(String id, Actor actor) {
        Move move = accept(id, CutoverAction.RESUME, CutoverState.RUNNING);
        stops.lower(id);
        events.append(id, move.before().currentPhase(), null, actor, "resume", "accepted", "resuming phase "
                + move.before().currentPhase(), Map.of());
        launcher.restart(move.after(), runbookOf(move.after()));
        return move.after();
    }

    public Cutover restartPhase(String id, String phaseName, Actor actor) {
        Cutover cutover = require(id);
        checkAllowed(cutover, CutoverAction.RESTART_PHASE);
        if (!phaseName.equals(cutover.currentPhase())) {
            throw CutoverProblems.illegalTransition(cutover, CutoverAction.RESTART_PHASE, allowedActions(cutover),
                    "only the phase that stopped (" + cutover.currentPhase() + ") can be restarted");
        }
        // A manual gate whose checklist was rejected must be approvable again.
        steps.findInStates(id, EnumSet.of(StepState.FAILED, StepState.INTERRUPTED, StepState.STOPPED))
                .forEach(step -> approvals.delete(id, step.stepId()));
        Cutover running = change(cutover, CutoverState.RUNNING, UnaryOperator.identity());
        stops.lower(id);
        events.append(id, phaseName, null, actor, "restart-phase", "accepted",
                "restarting phase " + phaseName + " from the step that did not complete", Map.of());
        launcher.restart(running, runbookOf(running));
        return running;
    }

    public Cutover abort(String id, Actor actor) {
        Move move = accept(id, CutoverAction.ABORT, CutoverState.ABORTED);
        stops.raise(id);
        events.append(id, move.before().currentPhase(), null, actor, "abort", "accepted",
                "aborted from " + move.before().state() + " without rollback", Map.of());
        launcher.abandonWhenStopped(move.after());
        return move.after();
    }

    public Cutover rollback(String id, Actor actor) {
        Cutover cutover = require(id);
        return rollback(cutover, actor, "rolling back from " + cutover.state() + ": the running phase stops, then every "
                + "step that started is undone, last first", Map.of());
    }

    /**
     * The system's rollback after a step with {@code onFailure: rollback} failed past its retries:
     * the same checks and the same path as a person's rollback, with the step's summary and evidence
     * as the reason. It is decided from the FAILED state the phase job's listener wrote for that very
     * execution, by the compare-and-set to ROLLING_BACK: that write is the record that it was done,
     * so it happens once, and a person who acted first (restart, abort) wins. Refused by the policy
     * (e.g. past a point of no return), the cutover stays FAILED and the event log says why.
     */
    void rollbackAfterFailure(String id, String stepId, long jobExecutionId) {
        Cutover cutover = require(id);
        CutoverPolicy policy = policy(cutover);
        CutoverPolicy.StepFacts failed = policy.steps().stream().filter(facts -> facts.step().stepId().equals(stepId))
                .findFirst().orElseThrow();
        Object summary = failed.output().getOrDefault("summary", "no summary recorded");
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("failedStep", stepId);
        evidence.put("summary", String.valueOf(summary));
        evidence.put("evidence", failed.evidence());
        if (cutover.state() != CutoverState.FAILED || !Long.valueOf(jobExecutionId).equals(cutover.jobExecutionId())) {
            events.append(id, cutover.currentPhase(), null, Actor.SYSTEM, "rollback", "not-requested",
                    "automatic rollback not done: the cutover is " + cutover.state() + " now, a person acted first",
                    evidence);
            return;
        }
        if (!policy.allowedActions().contains(CutoverAction.ROLLBACK)) {
            events.append(id, cutover.currentPhase(), null, Actor.SYSTEM, "rollback", "refused",
                    "automatic rollback refused: " + policy.rollbackPreview().refusal() + "; a person must decide",
                    evidence);
            return;
        }
        try {
            rollback(cutover, Actor.SYSTEM, "rollback requested by system because step " + stepId + " failed: " + summary,
                    evidence);
        } catch (org.springframework.web.ErrorResponseException changedMeanwhile) {
            events.append(id, cutover.currentPhase(), null, Actor.SYSTEM, "rollback", "not-requested",
                    "automatic rollback not done: the cutover changed meanwhile, a person acted first", evidence);
        }
    }

    /**
     * Continues a rollback another instance stopped between inverses as it shut down and handed to this
     * one ({@link Handover}): that instance already wrote this one as the owner; the restart of the
     * rollback's job undoes the steps left, the inverse that had finished is not run again.
     */
    void continueHandedOverRollback(String id) {
        Cutover cutover = require(id);
        String owner = cutovers.owner(id).orElse("nobody");
        if (cutover.state() != CutoverState.ROLLING_BACK || !owner.equals(instances.self().id())) {
            throw new IllegalStateException("the cutover is " + cutover.state() + ", run by " + owner);
        }
        launcher.rollback(cutover, runbookOf(cutover), null);
    }

    /** Accepts a rollback from the state {@code cutover} was read in (409 if it changed since), then starts it. */
    private Cutover rollback(Cutover cutover, Actor actor, String message, Map<String, Object> evidence) {
        Runbook runbook = runbookOf(cutover);
        checkAllowed(cutover, CutoverAction.ROLLBACK);
        String phaseOwner = cutovers.owner(cutover.id()).orElse(null); // the rollback's launch records this instance
        Cutover after = change(cutover, CutoverState.ROLLING_BACK, UnaryOperator.identity());
        stops.raise(cutover.id());
        events.append(cutover.id(), cutover.currentPhase(), null, actor, "rollback", "accepted", message, evidence);
        launcher.rollback(after, runbook, phaseOwner);
        return after;
    }

    /** The steps a rollback now would undo, in order, and whether (or why not) it is allowed: for the dashboard. */
    public RollbackPreview rollbackPreview(String id) {
        return policy(require(id)).rollbackPreview();
    }

    /** A person's request that needs no check beyond the state machine's: the cutover before and after. */
    private record Move(Cutover before, Cutover after) {
    }

    private Move accept(String id, CutoverAction action, CutoverState next) {
        Cutover cutover = require(id);
        checkAllowed(cutover, action);
        return new Move(cutover, change(cutover, next, UnaryOperator.identity()));
    }

    /** The actions legal now, from one read of the cutover's steps. */
    public Set<CutoverAction> allowedActions(Cutover cutover) {
        return policy(cutover).allowedActions();
    }

    /** The facts every decision about the cutover is made from, read once. */
    CutoverPolicy policy(Cutover cutover) {
        List<CutoverPolicy.StepFacts> facts = steps.findByCutover(cutover.id()).stream()
                .map(step -> new CutoverPolicy.StepFacts(step, outputs.parse(step.output())))
                .toList();
        return new CutoverPolicy(cutover, pinned.find(cutover), facts);
    }

    public Cutover require(String id) {
        return cutovers.find(id).orElseThrow(() -> CutoverProblems.notFound("cutover", id));
    }

    /** The runbook the cutover runs from (its pinned text), or empty when it cannot be had: for the notifier. */
    public java.util.Optional<Runbook> runbook(Cutover cutover) {
        return pinned.find(cutover);
    }

    /** The runbook the cutover with this id runs from (its pinned text), or empty when it cannot be had. */
    public java.util.Optional<Runbook> runbook(String cutoverId) {
        return pinned.find(require(cutoverId));
    }

    Runbook runbookOf(Cutover cutover) {
        return pinned.find(cutover).orElseThrow(() -> CutoverProblems.unprocessable(
                "Runbook unavailable", "Runbook '" + cutover.runbook() + "' of cutover " + cutover.id()
                        + " is missing or invalid now; fix the file and reload."));
    }

    private void checkAllowed(Cutover cutover, CutoverAction action) {
        CutoverPolicy policy = policy(cutover);
        Set<CutoverAction> allowed = policy.allowedActions();
        if (!allowed.contains(action)) {
            String why = action == CutoverAction.ROLLBACK && cutover.state().allows(action)
                    ? policy.rollbackWouldLoseWrites().orElse(null) : null;
            throw CutoverProblems.illegalTransition(cutover, action, allowed, why);
        }
    }

    /**
     * A move into RUNNING or ROLLING_BACK launches the execution on this instance (start, resume,
     * restart, rollback), so it records this instance as the owner in the same write; other moves
     * (pause, abort) leave the owner as it is: the instance running the execution stays in charge of it.
     */
    private Cutover change(Cutover cutover, CutoverState next, UnaryOperator<Cutover> change) {
        Cutover changed = change.apply(cutover).withState(next);
        boolean launchesHere = next == CutoverState.RUNNING || next == CutoverState.ROLLING_BACK;
        boolean changedIt = launchesHere ? cutovers.compareAndSet(cutover.version(), changed, instances.self().id())
                : cutovers.compareAndSet(cutover.version(), changed);
        if (!changedIt) {
            Cutover current = require(cutover.id());
            throw CutoverProblems.concurrentChange(current, allowedActions(current));
        }
        return require(cutover.id());
    }


}
