package dev.cutover.cutover.execution;

import dev.cutover.cutover.Actor;
import dev.cutover.cutover.Cutover;
import dev.cutover.cutover.CutoverMetrics;
import dev.cutover.cutover.CutoverState;
import dev.cutover.cutover.CutoverStep;
import dev.cutover.cutover.GateSamples;
import dev.cutover.cutover.state.FallbackSnapshotRepository;
import dev.cutover.cutover.StepState;
import dev.cutover.cutover.eventlog.EventLog;
import dev.cutover.cutover.state.ApprovalRepository;
import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.cutover.state.CutoverStepRepository;
import dev.cutover.cutover.state.PinnedRunbooks;
import dev.cutover.cutover.state.StepRowGuard;

import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookGroup;
import dev.cutover.runbook.RunbookPhase;
import dev.cutover.runbook.RunbookStep;
import dev.cutover.runbook.StepRollback;
import dev.cutover.step.Approval;
import dev.cutover.step.ApprovalRequest;
import dev.cutover.step.ChartedSample;
import dev.cutover.step.StepDefinition;
import dev.cutover.step.StepType;
import dev.cutover.step.StepTypeCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one runbook step of one cutover, forward or inverse, through its step type: marks the
 * step, writes each outcome to the event log with its evidence, keeps the step's output current.
 * The attempts themselves (timeout, retries, back-off) are {@link StepAttempts}'.
 */
@Component
class RunbookStepRunner implements RunningStepContext.Host {

    private static final TypeReference<Map<String, Object>> OUTPUT = new TypeReference<>() { };

    private final CutoverRepository cutovers;
    private final CutoverStepRepository steps;
    private final ApprovalRepository approvals;
    private final EventLog events;
    private final PinnedRunbooks pinned;
    private final StepTypeCatalog types;
    private final StopSignals stops;
    private final StepAttempts runner;
    private final AutomaticTransitions moves;
    private final JsonMapper json;
    private final CutoverMetrics metrics;
    private final StepBookkeeping bookkeeping;
    private final GateSamples gateSamples;
    private final FallbackSnapshotRepository snapshots;
    private final ExecutionFence fence;
    /** The parallel group of each running forward step that has one, by cutover and step. */
    private final Map<String, String> groups = new java.util.concurrent.ConcurrentHashMap<>();

    RunbookStepRunner(CutoverRepository cutovers, CutoverStepRepository steps, ApprovalRepository approvals, EventLog events,
                 PinnedRunbooks pinned, StepTypeCatalog types, StopSignals stops, StepAttempts runner,
                 AutomaticTransitions moves, JsonMapper json, CutoverMetrics metrics, StepBookkeeping bookkeeping,
                 GateSamples gateSamples, FallbackSnapshotRepository snapshots, ExecutionFence fence) {
        this.fence = fence;
        this.snapshots = snapshots;
        this.bookkeeping = bookkeeping;
        this.gateSamples = gateSamples;
        this.metrics = metrics;
        this.cutovers = cutovers;
        this.steps = steps;
        this.approvals = approvals;
        this.events = events;
        this.pinned = pinned;
        this.types = types;
        this.stops = stops;
        this.runner = runner;
        this.moves = moves;
        this.json = json;
    }

    /**
     * Runs the step forward, or passes over it when it succeeded already: a restarted run of steps
     * (one Batch step, see PhaseLauncher) runs again from its first step.
     */
    StepAttempts.Ending forward(String cutoverId, String stepId) {
        Optional<CutoverStep> before = steps.find(cutoverId, stepId);
        if (before.filter(row -> row.state() == StepState.SUCCEEDED).isPresent()) {
            return StepAttempts.Ending.SUCCEEDED;
        }
        Cutover cutover = cutovers.find(cutoverId).orElseThrow();
        Runbook runbook = pinned.find(cutover).orElseThrow(() -> new IllegalStateException(
                "runbook " + cutover.runbook() + " is missing or invalid now"));
        RunbookStep step = runbook.step(stepId).orElseThrow(() -> new IllegalStateException(
                "runbook " + runbook.name() + " has no step " + stepId + " any more"));
        RunbookPhase runbookPhase = runbook.phaseOf(stepId).orElseThrow();
        String phase = runbookPhase.name();
        String group = runbookPhase.parallelGroupOf(stepId).map(RunbookGroup::name).orElse(null);
        if (stops.raised(cutoverId)) {
            steps.state(cutoverId, stepId, StepState.STOPPED);
            return StepAttempts.Ending.STOPPED;
        }
        Optional<String> failedBefore = group == null ? Optional.empty() : stops.failedSibling(cutoverId, group);
        if (failedBefore.isPresent()) {
            // A sibling failed before this one had a thread: it does not start at all.
            return record(cutoverId, phase, stepId, "step", new StepAttempts.Result(StepAttempts.Ending.SIBLING_FAILED,
                    "stopped because " + failedBefore.get() + " failed; not started", Map.of("failedSibling",
                    failedBefore.get()), 0), StepState.SUCCEEDED, StepState.FAILED, null);
        }
        StepType type = types.find(step.type()).orElseThrow();
        int attempt = before.map(CutoverStep::attempts).orElse(0) + 1;
        fence.require(steps.started(cutoverId, stepId, attempt, fence.guard(cutoverId, ExecutionFence.Direction.FORWARD)),
                cutoverId, stepId);
        events.append(cutoverId, phase, stepId, Actor.SYSTEM, "step", "started",
                step.type() + " step started" + (step.owner() == null ? "" : " (owner " + step.owner() + ")"),
                Map.of("type", step.type(), "attempt", attempt, "timeout", step.timeout().toString()));
        long started = System.nanoTime();
        if (group != null) {
            groups.put(stepKey(cutoverId, stepId), group);
        }
        StepAttempts.Result result;
        try {
            result = runner.run(step.retries(),
                    () -> context(cutover, phase, stepId, step.with(), runbook, false),
                    context -> type.verify(context, type.execute(context)),
                    (failed, max, reason, evidence) -> events.append(cutoverId, phase, stepId, Actor.SYSTEM, "step",
                            "retrying", "attempt " + failed + " of " + max + " failed: " + reason, evidence));
        } finally {
            groups.remove(stepKey(cutoverId, stepId));
        }
        if (group != null) {
            result = inGroup(cutoverId, group, stepId, result);
        }
        metrics.stepEnded(type.name(), false, result.ending().name().toLowerCase(Locale.ROOT),
                Duration.ofNanos(System.nanoTime() - started));
        return record(cutoverId, phase, stepId, "step", result, StepState.SUCCEEDED, StepState.FAILED, null);
    }

    /**
     * A failure of a step of a parallel group stops its siblings; a sibling that stopped for that
     * reason (and not because a person paused or aborted meanwhile) says so, and ends apart from a stop.
     */
    private StepAttempts.Result inGroup(String cutoverId, String group, String stepId, StepAttempts.Result result) {
        if (result.ending() == StepAttempts.Ending.FAILED) {
            stops.siblingFailed(cutoverId, group, stepId);
            return result;
        }
        Optional<String> failed = stops.failedSibling(cutoverId, group).filter(s -> !s.equals(stepId));
        if (result.ending() == StepAttempts.Ending.STOPPED && !stops.raised(cutoverId) && failed.isPresent()) {
            Map<String, Object> evidence = new LinkedHashMap<>(result.evidence());
            evidence.put("failedSibling", failed.get());
            return new StepAttempts.Result(StepAttempts.Ending.SIBLING_FAILED, "stopped because " + failed.get()
                    + " failed" + (result.summary() == null || result.summary().isBlank() ? "" : " (" + result.summary()
                    + ")"), evidence, result.attempts(), result.stillRunning());
        }
        return result;
    }

    /** One step of one cutover, forward and inverse alike: the key of its group and of its notes. */
    private static String stepKey(String cutoverId, String stepId) {
        return cutoverId + "/" + stepId;
    }

    StepAttempts.Ending inverse(String cutoverId, String stepId) {
        Cutover cutover = cutovers.find(cutoverId).orElseThrow();
        Runbook runbook = pinned.find(cutover).orElseThrow(() -> new IllegalStateException(
                "runbook " + cutover.runbook() + " is missing or invalid now"));
        RunbookStep step = runbook.step(stepId).orElseThrow();
        String phase = runbook.phaseOf(stepId).orElseThrow().name();
        StepRollback rollback = step.rollback();
        Map<String, Object> forward = beforeUndo(cutoverId, stepId);
        // A rollback taken over from this instance (a stalled one coming back) undoes nothing more.
        fence.require(steps.undoStarted(cutoverId, stepId, fence.guard(cutoverId, ExecutionFence.Direction.INVERSE)),
                cutoverId, stepId);
        if (rollback.kind() == StepRollback.Kind.NONE) {
            return record(cutoverId, phase, stepId, "rollback", new StepAttempts.Result(StepAttempts.Ending.SUCCEEDED,
                    "runbook says: nothing to roll back", Map.of(), 0), StepState.ROLLED_BACK, StepState.ROLLBACK_FAILED,
                    forward);
        }
        boolean declared = rollback.kind() == StepRollback.Kind.STEP;
        StepType type = types.find(declared ? rollback.type() : step.type()).orElseThrow();
        Map<String, Object> with = declared ? rollback.with() : step.with();
        events.append(cutoverId, phase, stepId, Actor.SYSTEM, "rollback", "started",
                declared ? "running the declared " + type.name() + " rollback" : "running the " + type.name()
                        + " step's own inverse", Map.of("type", type.name()));
        long started = System.nanoTime();
        StepAttempts.Result result = runner.run(step.retries(), () -> context(cutover, phase, stepId, with, runbook, true),
                context -> declared ? type.verify(context, type.execute(context)) : type.rollback(context),
                (failed, max, reason, evidence) -> events.append(cutoverId, phase, stepId, Actor.SYSTEM, "rollback",
                        "retrying", "attempt " + failed + " of " + max + " failed: " + reason, evidence));
        metrics.stepEnded(type.name(), true, result.ending().name().toLowerCase(Locale.ROOT),
                Duration.ofNanos(System.nanoTime() - started));
        return record(cutoverId, phase, stepId, "rollback", result, StepState.ROLLED_BACK, StepState.ROLLBACK_FAILED,
                forward);
    }

    /**
     * What the step did going forward — its state, summary and evidence — kept beside its undo's
     * outcome, so a step that failed and was rolled back still shows why it failed. A rollback run
     * again keeps the first one it saw.
     */
    private Map<String, Object> beforeUndo(String cutoverId, String stepId) {
        CutoverStep current = steps.find(cutoverId, stepId).orElse(null);
        if (current == null || current.output() == null) {
            return null;
        }
        Map<String, Object> output = json.readValue(current.output(), OUTPUT);
        if (output.get("forward") instanceof Map<?, ?> kept) {
            @SuppressWarnings("unchecked")
            Map<String, Object> earlier = (Map<String, Object>) kept;
            return earlier;
        }
        Map<String, Object> forward = new LinkedHashMap<>();
        forward.put("state", current.state().name());
        forward.put("summary", output.get("summary"));
        forward.put("evidence", output.get("evidence"));
        return forward;
    }

    private RunningStepContext context(Cutover cutover, String phase, String stepId, Map<String, Object> with,
                                       Runbook runbook, boolean inverse) {
        RunbookStep step = runbook.step(stepId).orElseThrow();
        Map<String, StepDefinition> definitions = new LinkedHashMap<>();
        runbook.phases().forEach(p -> p.steps().forEach(s ->
                definitions.put(s.id(), new StepDefinition(s.id(), s.type(), s.with()))));
        return new RunningStepContext(cutover, phase, stepId, with,
                runbook.environments().get(cutover.environment()).connections(), definitions, step.timeout(), inverse,
                this);
    }

    private StepAttempts.Ending record(String cutoverId, String phase, String stepId, String action,
                                     StepAttempts.Result result, StepState succeeded, StepState failed,
                                     Map<String, Object> forward) {
        StepState state = switch (result.ending()) {
            case SUCCEEDED -> succeeded;
            case FAILED -> failed;
            case STOPPED, SIBLING_FAILED -> "rollback".equals(action) ? failed : StepState.STOPPED;
        };
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("summary", result.summary());
        output.put("evidence", result.evidence());
        if (forward != null) {
            output.put("forward", forward);
        }
        ExecutionFence.Direction direction = "rollback".equals(action) ? ExecutionFence.Direction.INVERSE
                : ExecutionFence.Direction.FORWARD;
        bookkeeping.awaitPosted(stepKey(cutoverId, stepId)); // the outcome is written after the step's last note
        fence.require(steps.ended(cutoverId, stepId, state, json.writeValueAsString(output),
                fence.guard(cutoverId, direction)), cutoverId, stepId);
        String outcome = switch (result.ending()) {
            case SUCCEEDED -> "succeeded";
            case FAILED -> "failed";
            case STOPPED, SIBLING_FAILED -> "stopped";
        };
        events.append(cutoverId, phase, stepId, Actor.SYSTEM, action, outcome, result.summary(), result.evidence());
        return result.ending() == StepAttempts.Ending.STOPPED && "rollback".equals(action)
                ? StepAttempts.Ending.FAILED : result.ending();
    }

    // ---- RunningStepContext.Host -------------------------------------------------------------------

    @Override
    public boolean stopRequested(RunningStepContext step) {
        // The flag stops forward steps (pause, abort, or a rollback taking over); inverse steps keep going,
        // unless another instance took the rollback over from this one.
        if (step.inverse()) {
            return stops.takenOver(step.cutoverId());
        }
        String group = groups.get(stepKey(step.cutoverId(), step.stepId()));
        return stops.raised(step.cutoverId())
                || (group != null && stops.failedSibling(step.cutoverId(), group).isPresent());
    }

    @Override
    public void progress(RunningStepContext step, String message, Map<String, Object> figures) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("progress", message);
        output.put("figures", figures);
        output.put("at", Instant.now().toString());
        // A step taken over from this instance may go on reporting; its figures no longer land. The step
        // reports on its attempt's thread, outside Batch: its job execution is the one its context was made on.
        StepRowGuard guard = fence.guard(step.cutoverId(), step.jobExecutionId(), step.inverse()
                ? ExecutionFence.Direction.INVERSE : ExecutionFence.Direction.FORWARD);
        String notes = stepKey(step.cutoverId(), step.stepId());
        bookkeeping.postNewest(notes, notes + (step.inverse() ? "/inverse" : ""),
                "the progress of step " + step.stepId() + " of cutover " + step.cutoverId(),
                () -> steps.output(step.cutoverId(), step.stepId(), json.writeValueAsString(output), guard));
    }

    @Override
    public void samplesTaken(RunningStepContext step, Instant at, List<? extends ChartedSample> samples) {
        // A point missing from a chart must not fail the gate: the gate's own evidence still holds the samples.
        bookkeeping.post(stepKey(step.cutoverId(), step.stepId()),
                "the gate samples of step " + step.stepId() + " of cutover " + step.cutoverId(),
                () -> gateSamples.record(step.cutoverId(), step.stepId(), at, samples));
    }

    /**
     * Unlike a lag sample, a snapshot that cannot be recorded fails the step: a fallback nobody can find
     * on the night is no fallback. The object itself is already stored and stays.
     */
    @Override
    public void snapshotTaken(RunningStepContext step, dev.cutover.step.Snapshot snapshot) {
        bookkeeping.run(stepKey(step.cutoverId(), step.stepId()),
                () -> snapshots.insert(step.cutoverId(), step.stepId(), snapshot));
    }

    @Override
    public void awaitingApproval(RunningStepContext step, ApprovalRequest request) {
        bookkeeping.run(stepKey(step.cutoverId(), step.stepId()), () -> recordAwaitingApproval(step, request));
    }

    private void recordAwaitingApproval(RunningStepContext step, ApprovalRequest request) {
        steps.state(step.cutoverId(), step.stepId(), StepState.AWAITING_APPROVAL);
        // The API checks an approval against this request before it accepts it.
        steps.output(step.cutoverId(), step.stepId(), json.writeValueAsString(Map.of("awaiting",
                Map.of("instructions", request.instructions() == null ? "" : request.instructions(),
                        "checklist", request.checklist()))));
        moves.move(step.cutoverId(), EnumSet.of(CutoverState.RUNNING), CutoverState.AWAITING_APPROVAL,
                UnaryOperator.identity());
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("instructions", request.instructions() == null ? "" : request.instructions());
        evidence.put("checklist", request.checklist());
        events.append(step.cutoverId(), step.phase(), step.stepId(), Actor.SYSTEM, "approval", "requested",
                "waiting for an approver", evidence);
    }

    @Override
    public Optional<Approval> approval(String cutoverId, String stepId) {
        return bookkeeping.call(stepKey(cutoverId, stepId), () -> approvals.find(cutoverId, stepId));
    }

    @Override
    public void approvalReceived(RunningStepContext step, Approval approval) {
        bookkeeping.run(stepKey(step.cutoverId(), step.stepId()), () -> {
            steps.state(step.cutoverId(), step.stepId(), StepState.RUNNING);
            moves.move(step.cutoverId(), EnumSet.of(CutoverState.AWAITING_APPROVAL), CutoverState.RUNNING,
                    UnaryOperator.identity());
        });
    }
}
