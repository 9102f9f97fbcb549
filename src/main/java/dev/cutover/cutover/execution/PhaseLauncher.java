package dev.cutover.cutover.execution;

import dev.cutover.cutover.Actor;
import dev.cutover.cutover.Cutover;
import dev.cutover.cutover.CutoverState;
import dev.cutover.cutover.CutoverStep;
import dev.cutover.cutover.StepState;
import dev.cutover.cutover.UndoOrder;
import dev.cutover.cutover.eventlog.EventLog;
import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.cutover.state.CutoverStepRepository;

import dev.cutover.instance.InstanceLeases;
import dev.cutover.runbook.OnFailure;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookPhase;
import dev.cutover.runbook.RunbookStep;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.configuration.DuplicateJobException;
import org.springframework.batch.core.configuration.JobRegistry;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.job.flow.support.SimpleFlow;
import org.springframework.batch.core.job.builder.SimpleJobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Runs each runbook phase as a Spring Batch job execution, and a rollback as a job of the
 * inverse steps in reverse order. Jobs are built from the runbook when launched and registered
 * under a stable name, so a restart after a pause, a failure or a crash continues with the step
 * that did not complete: Batch skips the Batch steps whose executions completed, and a run of
 * steps started again passes over its steps that succeeded.
 */
@Component
public class PhaseLauncher {

    private static final Logger log = LoggerFactory.getLogger(PhaseLauncher.class);
    private static final String CUTOVER_ID = "cutoverId";
    /** The rollback job's list of steps to undo, in order: fixed by its first run, reused by a restart. */
    private static final String STEPS = "steps";
    private static final EnumSet<CutoverState> PHASE_ACTIVE =
            EnumSet.of(CutoverState.RUNNING, CutoverState.AWAITING_APPROVAL, CutoverState.PAUSING);
    /**
     * Every step that started: a step that failed, was stopped or was cut off by a crash may have
     * taken effect in part (a DNS record changed, then its check failed), so its inverse runs too;
     * inverses are written to be harmless when there is nothing to undo.
     */
    private static final EnumSet<StepState> UNDOABLE = EnumSet.of(StepState.SUCCEEDED, StepState.FAILED,
            StepState.STOPPED, StepState.INTERRUPTED, StepState.ROLLING_BACK, StepState.ROLLBACK_FAILED,
            StepState.ROLLED_BACK);
    private static final long ENDED_WAIT_MILLIS = 120_000;

    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final JobRegistry jobRegistry;
    private final RunbookStepRunner stepExecutor;
    private final CutoverStepRepository steps;
    private final AutomaticTransitions moves;
    private final EventLog events;
    private final TaskExecutor background;
    private final CutoverRepository cutovers;
    private final ApplicationEventPublisher publisher;
    private final StopSignals stops;
    private final InstanceLeases instances;
    private final TaskExecutor parallelSteps;
    private final Map<String, Object> launchLocks = new ConcurrentHashMap<>();
    private final ResourcelessTransactionManager noTransaction = new ResourcelessTransactionManager();

    PhaseLauncher(JobOperator jobOperator, JobRepository jobRepository, JobRegistry jobRegistry,
                  RunbookStepRunner stepExecutor, CutoverRepository cutovers, CutoverStepRepository steps, AutomaticTransitions moves,
                  EventLog events, ApplicationEventPublisher publisher, StopSignals stops, InstanceLeases instances,
                  @org.springframework.beans.factory.annotation.Qualifier("cutoverBackground") TaskExecutor background,
                  @org.springframework.beans.factory.annotation.Qualifier("parallelSteps") TaskExecutor parallelSteps) {
        this.parallelSteps = parallelSteps;
        this.stops = stops;
        this.instances = instances;
        this.publisher = publisher;
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.jobRegistry = jobRegistry;
        this.stepExecutor = stepExecutor;
        this.cutovers = cutovers;
        this.steps = steps;
        this.moves = moves;
        this.events = events;
        this.background = background;
    }

    public void start(Cutover cutover, Runbook runbook, RunbookPhase phase) {
        Job job = register(phaseJob(cutover, runbook, phase));
        launch(cutover, phase.name(), () -> jobOperator.start(job, parameters(cutover)));
    }

    /** Continues the cutover's current phase from the step that did not complete. */
    public void restart(Cutover cutover, Runbook runbook) {
        RunbookPhase phase = runbook.phase(cutover.currentPhase()).orElseThrow();
        Job job = register(phaseJob(cutover, runbook, phase));
        background.execute(() -> launch(cutover, phase.name(), () -> {
            Long previous = cutovers.find(cutover.id()).map(Cutover::jobExecutionId).orElse(null);
            if (previous == null) {
                return jobOperator.start(job, parameters(cutover));
            }
            return jobOperator.restart(awaitEnded(previous));
        }));
    }

    /**
     * Once every phase execution of the cutover has ended (a launch still under way is waited for,
     * a later one refuses to start), runs the inverse of every step that started, last first. The
     * list is fixed only then, so a step that started while the rollback was being accepted is
     * undone too. A rollback restarted after a failed inverse runs the list its first run fixed.
     */
    public void rollback(Cutover cutover, Runbook runbook, String phaseOwner) {
        stops.rollbackStarting(cutover.id());
        background.execute(() -> launch(cutover, null, () -> {
            Long phaseExecution;
            synchronized (launchLock(cutover.id())) {
                // Launches check the state under this lock: from here on none can start a phase execution.
                phaseExecution = cutovers.find(cutover.id()).map(Cutover::jobExecutionId).orElse(null);
            }
            if (phaseExecution != null) {
                awaitPhaseEnded(cutover.id(), phaseExecution, phaseOwner);
            }
            Long previous = cutovers.find(cutover.id()).map(Cutover::rollbackJobExecutionId).orElse(null);
            if (previous != null) {
                JobExecution failed = awaitEnded(previous);
                register(rollbackJob(cutover, runbook, failed.getJobParameters().getString(STEPS, "")));
                return jobOperator.restart(failed);
            }
            List<String> toUndo = stepsToUndo(cutover.id()).stream().map(CutoverStep::stepId).toList();
            events.append(cutover.id(), null, null, Actor.SYSTEM, "rollback", "started", "rolling back "
                    + toUndo.size() + " step(s) that started, last first", Map.of("steps", toUndo));
            String list = String.join(",", toUndo);
            Job job = register(rollbackJob(cutover, runbook, list));
            return jobOperator.start(job, new JobParametersBuilder(parameters(cutover))
                    .addString(STEPS, list, false).toJobParameters());
        }));
    }

    /** True while the latest rollback job execution of the cutover has not ended. */
    public boolean rollbackRunning(String cutoverId) {
        Long execution = cutovers.find(cutoverId).map(Cutover::rollbackJobExecutionId).orElse(null);
        JobExecution rollback = execution == null ? null : jobRepository.getJobExecution(execution);
        return rollback != null && rollback.isRunning();
    }

    /** After an abort, marks the phase execution abandoned so that nobody restarts it by mistake. */
    public void abandonWhenStopped(Cutover cutover) {
        if (cutover.jobExecutionId() == null) {
            return;
        }
        background.execute(() -> {
            try {
                jobOperator.abandon(awaitEnded(cutover.jobExecutionId()));
            } catch (Exception e) {
                log.warn("Could not abandon job execution {} of aborted cutover {}: {}", cutover.jobExecutionId(),
                        cutover.id(), e.getMessage());
            }
        });
    }

    /** Steps that started, last ended first: the order their inverses run in. */
    List<CutoverStep> stepsToUndo(String cutoverId) {
        return UndoOrder.of(steps.findInStates(cutoverId, UNDOABLE));
    }

    JobExecution recover(long jobExecutionId) {
        JobExecution execution = jobRepository.getJobExecution(jobExecutionId);
        return execution == null ? null : jobOperator.recover(execution);
    }

    private interface Launch {
        JobExecution run() throws Exception;
    }

    /**
     * Launches under the cutover's launch lock: a phase launch first checks that the cutover still
     * runs (a rollback or an abort accepted meanwhile wins), and the execution id is recorded before
     * the lock is released, so a rollback that takes the lock next knows which execution to wait for.
     * The lock is this JVM's; across instances {@link #recordOrStop} keeps the same promise.
     */
    private void launch(Cutover cutover, String phase, Launch launch) {
        boolean rollingBack = phase == null;
        try {
            if (rollingBack) {
                launch.run();
                return;
            }
            synchronized (launchLock(cutover.id())) {
                CutoverState now = cutovers.find(cutover.id()).map(Cutover::state).orElseThrow();
                if (!PHASE_ACTIVE.contains(now)) {
                    events.append(cutover.id(), phase, null, Actor.SYSTEM, "phase", "not-started",
                            "phase " + phase + " was not started: the cutover is " + now + " now", Map.of());
                    return;
                }
                JobExecution execution = launch.run();
                recordOrStop(cutover.id(), phase, execution.getId());
            }
        } catch (Exception e) {
            log.error("Could not launch {} of cutover {}", rollingBack ? "the rollback" : "phase " + phase,
                    cutover.id(), e);
            moves.move(cutover.id(), rollingBack ? EnumSet.of(CutoverState.ROLLING_BACK) : PHASE_ACTIVE,
                    rollingBack ? CutoverState.ROLLBACK_FAILED : CutoverState.FAILED, UnaryOperator.identity());
            events.append(cutover.id(), phase, null, Actor.SYSTEM, rollingBack ? "rollback" : "phase", "failed",
                    "could not launch: " + FailureText.of(e), Map.of());
        }
    }

    /**
     * Records the phase execution on the cutover only while the cutover still runs a phase; when a
     * rollback or an abort was accepted meanwhile (on any instance: the compare-and-set on the
     * version orders the two writes), the execution gives way before its first step instead. This,
     * not the JVM's launch lock, is what holds across instances: a rollback reads the execution id
     * after its own compare-and-set, so it either sees this execution and waits for it, or this
     * execution sees the rollback and stops.
     */
    private void recordOrStop(String cutoverId, String phase, long executionId) {
        if (!moves.updateIf(cutoverId, PHASE_ACTIVE, c -> c.withPhase(phase, executionId))) {
            stops.raise(cutoverId);
        }
    }

    private Object launchLock(String cutoverId) {
        return launchLocks.computeIfAbsent(cutoverId, id -> new Object());
    }

    /**
     * Waits for the phase execution a rollback stops, however long its running step takes to give
     * way; but when the instance running it ({@code phaseOwner}, another one) dies meanwhile, its
     * execution would never end: it is marked failed, its step interrupted (so the step is undone
     * too), and the rollback goes on.
     */
    private void awaitPhaseEnded(String cutoverId, long jobExecutionId, String phaseOwner) throws InterruptedException {
        long nextWaitingEvent = System.currentTimeMillis() + ENDED_WAIT_MILLIS;
        long nextOwnerCheck = 0;
        boolean elsewhere = phaseOwner != null && !phaseOwner.equals(instances.self().id());
        while (true) {
            JobExecution execution = jobRepository.getJobExecution(jobExecutionId);
            if (execution == null || !execution.isRunning()) {
                return;
            }
            long now = System.currentTimeMillis();
            if (elsewhere && now >= nextOwnerCheck) {
                nextOwnerCheck = now + 1000;
                if (!instances.alive(phaseOwner)) {
                    recover(jobExecutionId);
                    int interrupted = steps.interrupt(cutoverId);
                    events.append(cutoverId, null, null, Actor.SYSTEM, "rollback", "continuing", "service instance "
                            + instances.describe(phaseOwner) + " died before the running step of job execution "
                            + jobExecutionId + " stopped: that execution is marked failed and the rollback goes on",
                            Map.of("jobExecutionId", jobExecutionId, "deadInstance", phaseOwner,
                                    "stepsInterrupted", interrupted));
                    return;
                }
            }
            if (now >= nextWaitingEvent) {
                events.append(cutoverId, null, null, Actor.SYSTEM, "rollback", "waiting",
                        "waiting for the running step of job execution " + jobExecutionId + " to stop before undoing steps",
                        Map.of("jobExecutionId", jobExecutionId));
                nextWaitingEvent = now + ENDED_WAIT_MILLIS;
            }
            Thread.sleep(100);
        }
    }

    private JobExecution awaitEnded(long jobExecutionId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ENDED_WAIT_MILLIS;
        while (true) {
            JobExecution execution = jobRepository.getJobExecution(jobExecutionId);
            if (execution == null || !execution.isRunning() || System.currentTimeMillis() > deadline) {
                return execution;
            }
            Thread.sleep(100);
        }
    }

    /**
     * A phase's job. Consecutive steps outside parallel groups run as one Batch step (a "run"): a step
     * boundary inside a run costs the service's own bookkeeping only, not Batch's dozen statements of
     * ending one step execution and starting the next — inside a write freeze that was 40–100 ms per step.
     * A restart runs the run's Batch step again and each step that already succeeded is passed over
     * ({@link RunbookStepRunner#forward}), as Batch passes over completed step executions.
     */
    private Job phaseJob(Cutover cutover, Runbook runbook, RunbookPhase phase) {
        String name = jobName("phase", cutover.id(), phase.name());
        JobExecutionListener listener = phaseListener(runbook, phase);
        List<List<RunbookPhase.Element>> parts = parts(phase);
        if (parts.size() == 1 && !parts.get(0).get(0).parallel()) {
            return new JobBuilder(name, jobRepository).listener(listener).start(runStep(parts.get(0))).build();
        }
        return flowJob(name, parts, listener);
    }

    /** The phase's elements with each run of consecutive single steps together; a parallel group stays alone. */
    private static List<List<RunbookPhase.Element>> parts(RunbookPhase phase) {
        List<List<RunbookPhase.Element>> parts = new java.util.ArrayList<>();
        List<RunbookPhase.Element> run = null;
        for (RunbookPhase.Element element : phase.elements()) {
            if (element.parallel()) {
                parts.add(List.of(element));
                run = null;
            } else {
                if (run == null) {
                    run = new java.util.ArrayList<>();
                    parts.add(run);
                }
                run.add(element);
            }
        }
        return parts;
    }

    /**
     * A phase with a parallel group is a flow job: runs of single steps one after the other, each parallel
     * group a split on {@code parallelSteps} whose flows are one Batch step each. The phase goes on
     * once every flow of the split ended; a failed step fails the flow and with it the phase.
     */
    private Job flowJob(String name, List<List<RunbookPhase.Element>> parts, JobExecutionListener listener) {
        FlowBuilder<SimpleFlow> sequence = new FlowBuilder<>(name);
        boolean first = true;
        for (List<RunbookPhase.Element> elements : parts) {
            Flow part;
            RunbookPhase.Element element = elements.get(0);
            if (element.parallel()) {
                Flow[] siblings = element.steps().stream()
                        .map(step -> new FlowBuilder<SimpleFlow>(element.group().name() + "." + step.id())
                                .start(batchStep(step.id(), forwardTasklet(List.of(step)))).build())
                        .toArray(Flow[]::new);
                part = new FlowBuilder<SimpleFlow>(element.group().name()).split(parallelSteps).add(siblings).build();
            } else {
                Step run = runStep(elements);
                part = new FlowBuilder<SimpleFlow>(run.getName()).start(run).build();
            }
            sequence = first ? sequence.start(part) : sequence.next(part);
            first = false;
        }
        return new JobBuilder(name, jobRepository).listener(listener).start(sequence.build()).end().build();
    }

    /**
     * One Batch step for a run of single steps, named apart from any step id: an execution made before
     * runs existed (one Batch step per runbook step) and restarted now finds no completed step of this
     * name, so the run starts again and passes over the steps that succeeded.
     */
    private Step runStep(List<RunbookPhase.Element> run) {
        List<RunbookStep> steps = run.stream().map(element -> element.steps().get(0)).toList();
        String last = steps.get(steps.size() - 1).id();
        return batchStep(batchName("steps " + steps.get(0).id() + (steps.size() == 1 ? "" : ".." + last)),
                forwardTasklet(steps));
    }

    /** Runs the steps in order until one does not succeed. */
    private Tasklet forwardTasklet(List<RunbookStep> steps) {
        return tasklet(cutoverId -> {
            for (RunbookStep step : steps) {
                StepAttempts.Ending ending = stepExecutor.forward(cutoverId, step.id());
                if (ending != StepAttempts.Ending.SUCCEEDED) {
                    return new Ended(step.id(), ending);
                }
            }
            return new Ended(steps.get(steps.size() - 1).id(), StepAttempts.Ending.SUCCEEDED);
        });
    }

    private Step batchStep(String name, Tasklet tasklet) {
        return new StepBuilder(name, jobRepository).tasklet(tasklet, noTransaction).build();
    }

    /** The rollback job of one cutover: its own name, and the list of steps to undo its first run fixed. */
    private Job rollbackJob(Cutover cutover, Runbook runbook, String stepList) {
        List<String> toUndo = stepList.isEmpty() ? List.of() : List.of(stepList.split(","));
        String name = jobName("rollback", cutover.id(), "");
        if (toUndo.isEmpty()) {
            Step nothing = new StepBuilder("nothing-to-undo", jobRepository)
                    .tasklet((contribution, chunk) -> RepeatStatus.FINISHED, noTransaction).build();
            return new JobBuilder(name, jobRepository).listener(rollbackListener()).start(nothing).build();
        }
        return job(name, toUndo, stepId -> stepId,
                stepId -> tasklet(cutoverId -> new Ended(stepId, stops.rollbackStopping(cutoverId)
                        ? StepAttempts.Ending.STOPPED : stepExecutor.inverse(cutoverId, stepId))),
                rollbackListener());
    }

    private <T> Job job(String name, List<T> items, Function<T, String> stepName, Function<T, Tasklet> tasklet,
                        JobExecutionListener listener) {
        SimpleJobBuilder builder = null;
        for (T item : items) {
            Step step = new StepBuilder(stepName.apply(item), jobRepository)
                    .tasklet(tasklet.apply(item), noTransaction)
                    .build();
            builder = builder == null ? new JobBuilder(name, jobRepository).listener(listener).start(step)
                    : builder.next(step);
        }
        return builder.build();
    }

    /** How the last step a Batch step ran ended. */
    private record Ended(String stepId, StepAttempts.Ending ending) { }

    /**
     * Adapts a step run to Batch: a stop ends the Batch step as STOPPED (so a restart runs it
     * again), a failure as FAILED, naming the step. The step's transaction is resourceless: what the
     * step records commits at once and is visible while it runs.
     */
    private static Tasklet tasklet(Function<String, Ended> run) {
        return (contribution, chunkContext) -> {
            String cutoverId = (String) chunkContext.getStepContext().getJobParameters().get(CUTOVER_ID);
            Ended ended = run.apply(cutoverId);
            switch (ended.ending()) {
                case SUCCEEDED -> { }
                case STOPPED -> chunkContext.getStepContext().getStepExecution().setTerminateOnly();
                // Not a stop to Batch: a stopped flow would end the split as STOPPED, hiding the sibling's failure.
                case SIBLING_FAILED -> throw new StoppedBySibling("step " + ended.stepId()
                        + " stopped because a step beside it failed");
                case FAILED -> throw new StepFailedInBatch(ended.stepId());
            }
            return RepeatStatus.FINISHED;
        };
    }

    private JobExecutionListener phaseListener(Runbook runbook, RunbookPhase phase) {
        boolean lastPhase = runbook.phases().get(runbook.phases().size() - 1).name().equals(phase.name());
        return new JobExecutionListener() {
            @Override
            public void beforeJob(JobExecution execution) {
                String id = cutoverId(execution);
                phase.groups().forEach(group -> stops.groupStarting(id, group.name()));
                recordOrStop(id, phase.name(), execution.getId());
                events.append(id, phase.name(), null, Actor.SYSTEM, "phase", "started",
                        "phase " + phase.name() + " running as job execution " + execution.getId(),
                        Map.of("jobExecutionId", execution.getId()));
            }

            @Override
            public void afterJob(JobExecution execution) {
                String id = cutoverId(execution);
                BatchStatus status = execution.getStatus();
                if (fenced(execution)) {
                    // Taken over while its step ran: the new owner decides the cutover's state, not this execution.
                    events.append(id, phase.name(), null, Actor.SYSTEM, "phase", "fenced", "job execution "
                            + execution.getId() + " of phase " + phase.name() + " on service instance "
                            + instances.self().describe() + " ended after the cutover was taken over from it; "
                            + "what its step did then is not recorded", Map.of("jobExecutionId", execution.getId(),
                                    "instance", instances.self().id()));
                    return;
                }
                if (status == BatchStatus.COMPLETED) {
                    moves.move(id, PHASE_ACTIVE, lastPhase ? CutoverState.COMPLETED : CutoverState.READY,
                            UnaryOperator.identity());
                    events.append(id, phase.name(), null, Actor.SYSTEM, "phase", "completed",
                            "phase " + phase.name() + " completed" + (lastPhase ? "; the cutover is complete" : ""),
                            Map.of("jobExecutionId", execution.getId()));
                } else if (status == BatchStatus.STOPPED) {
                    moves.move(id, PHASE_ACTIVE, CutoverState.PAUSED, UnaryOperator.identity());
                    events.append(id, phase.name(), null, Actor.SYSTEM, "phase", "stopped",
                            "phase " + phase.name() + " stopped", Map.of("jobExecutionId", execution.getId()));
                } else {
                    // False when a person acted first (abort, rollback): their decision stands.
                    boolean failedHere = moves.move(id, PHASE_ACTIVE, CutoverState.FAILED, UnaryOperator.identity());
                    java.util.Optional<String> failed = failedStep(execution);
                    boolean rollBack = failedHere && failed.filter(step -> rollsBackOnFailure(id, runbook, step)).isPresent();
                    events.append(id, phase.name(), null, Actor.SYSTEM, "phase", "failed", "phase " + phase.name()
                            + " failed" + failed.map(step -> " at step " + step).orElse("")
                            + (rollBack ? "; the step says onFailure: rollback, so the service asks for a rollback"
                                    : "; restart-phase continues from that step once its cause is fixed (the step's "
                                    + "events say why)"),
                            Map.of("jobExecutionId", execution.getId()));
                    if (rollBack) {
                        // Handled at once on this thread; the rollback itself waits for this execution to end.
                        publisher.publishEvent(new StepFailedWithRollback(id, phase.name(), failed.get(), execution.getId()));
                    }
                }
            }
        };
    }

    /**
     * True when the step failed past its retries (not stopped by a person, not cut off) and asks for
     * an automatic rollback.
     */
    private boolean rollsBackOnFailure(String cutoverId, Runbook runbook, String stepId) {
        boolean asked = runbook.step(stepId).map(step -> step.onFailure() == OnFailure.ROLLBACK).orElse(false);
        return asked && steps.find(cutoverId, stepId).map(step -> step.state() == StepState.FAILED).orElse(false);
    }

    /** The step whose failure ended the phase, named as the runbook names it (never an exception class). */
    private static java.util.Optional<String> failedStep(JobExecution execution) {
        return execution.getAllFailureExceptions().stream().filter(StepFailedInBatch.class::isInstance)
                .map(failure -> ((StepFailedInBatch) failure).stepId).findFirst();
    }

    private static boolean fenced(JobExecution execution) {
        return execution.getAllFailureExceptions().stream().anyMatch(failure -> failure instanceof ExecutionFence.Fenced
                || failure.getCause() instanceof ExecutionFence.Fenced);
    }

    private JobExecutionListener rollbackListener() {
        return new JobExecutionListener() {
            @Override
            public void beforeJob(JobExecution execution) {
                moves.update(cutoverId(execution), c -> c.withRollbackExecution(execution.getId()));
            }

            @Override
            public void afterJob(JobExecution execution) {
                String id = cutoverId(execution);
                if (fenced(execution)) {
                    return; // taken over while it ran: the instance that took it over decides
                }
                if (execution.getStatus() == BatchStatus.STOPPED && stops.rollbackStopping(id)) {
                    List<String> left = stepsToUndo(id).stream().filter(step -> step.state() != StepState.ROLLED_BACK)
                            .map(CutoverStep::stepId).toList();
                    events.append(id, null, null, Actor.SYSTEM, "rollback", "stopped", "the rollback stopped "
                            + "between inverses because service instance " + instances.self().id() + " is stopping; "
                            + left.size() + " step(s) left to undo", Map.of("jobExecutionId", execution.getId(),
                                    "stepsLeft", left));
                    return; // still ROLLING_BACK: the stopping instance hands it over or says it did not finish
                }
                boolean completed = execution.getStatus() == BatchStatus.COMPLETED;
                moves.move(id, EnumSet.of(CutoverState.ROLLING_BACK),
                        completed ? CutoverState.ROLLED_BACK : CutoverState.ROLLBACK_FAILED, UnaryOperator.identity());
                events.append(id, null, null, Actor.SYSTEM, "rollback", completed ? "completed" : "failed",
                        completed ? "rollback completed: every completed step was undone, last first"
                                : "rollback stopped at a failed inverse; rollback again continues from it",
                        Map.of("jobExecutionId", execution.getId()));
            }
        };
    }

    private Job register(Job job) {
        jobRegistry.unregister(job.getName());
        try {
            jobRegistry.register(job);
        } catch (DuplicateJobException raced) {
            // Another launch registered the same job (built from the same runbook) a moment ago.
        }
        return job;
    }

    private static JobParameters parameters(Cutover cutover) {
        return new JobParametersBuilder().addString(CUTOVER_ID, cutover.id()).toJobParameters();
    }

    private static String cutoverId(JobExecution execution) {
        return execution.getJobParameters().getString(CUTOVER_ID);
    }

    private static String jobName(String kind, String cutoverId, String phase) {
        return batchName(kind + "." + cutoverId + (phase.isEmpty() ? "" : "." + phase));
    }

    /** Batch job and step names hold 100 characters; longer ones are shortened with a hash. */
    private static String batchName(String name) {
        return name.length() <= 100 ? name : name.substring(0, 90) + "." + Integer.toHexString(name.hashCode());
    }

    /** A step of a parallel group stopped because a sibling failed: FAILED to Batch, so a restart runs it again. */
    static final class StoppedBySibling extends RuntimeException {
        StoppedBySibling(String message) {
            super(message);
        }
    }

    /** Makes Batch mark the step FAILED; the reason is in the event log already. */
    static final class StepFailedInBatch extends RuntimeException {
        private final String stepId;

        StepFailedInBatch(String stepId) {
            super("step " + stepId + " failed; see the cutover's event log");
            this.stepId = stepId;
        }
    }
}
