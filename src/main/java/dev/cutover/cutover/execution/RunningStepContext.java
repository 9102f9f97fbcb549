package dev.cutover.cutover.execution;

import dev.cutover.cutover.Cutover;

import dev.cutover.step.StepDefinition;
import dev.cutover.runbook.Durations;
import dev.cutover.runbook.RunbookConnection;
import dev.cutover.runbook.SecretReferences;
import dev.cutover.step.Approval;
import dev.cutover.step.ApprovalRequest;
import dev.cutover.step.ChartedSample;
import dev.cutover.step.MapStepArguments;
import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepStoppedException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** The {@link StepContext} of one attempt of one step (forward or inverse) of one cutover. */
final class RunningStepContext implements StepContext {

    /** What the context needs from the cutover module while a step runs. */
    interface Host {
        boolean stopRequested(RunningStepContext step);

        void progress(RunningStepContext step, String message, Map<String, Object> figures);

        void awaitingApproval(RunningStepContext step, ApprovalRequest request);

        Optional<Approval> approval(String cutoverId, String stepId);

        void approvalReceived(RunningStepContext step, Approval approval);

        /** Stores a sampled gate's readings (lag or metric values); a host that keeps none (a unit test's) ignores them. */
        default void samplesTaken(RunningStepContext step, Instant at, java.util.List<? extends ChartedSample> samples) {
        }

        /** Stores a fallback snapshot the step took; a host that keeps none (a unit test's) ignores it. */
        default void snapshotTaken(RunningStepContext step, dev.cutover.step.Snapshot snapshot) {
        }
    }

    private static final Duration APPROVAL_POLL = Duration.ofMillis(250);

    private final Cutover cutover;
    private final String phase;
    private final String stepId;
    private final Map<String, Object> with;
    private final Map<String, RunbookConnection> connections;
    private final Map<String, StepDefinition> runbookSteps;
    private final Duration timeout;
    private final Instant deadline;
    private final Host host;
    private final SecretRedactor redactor = new SecretRedactor();
    private final AtomicBoolean timedOut = new AtomicBoolean();
    private final boolean inverse;
    private final dev.cutover.step.StepWaits waits = new dev.cutover.step.StepWaits();
    private volatile Instant attemptStarted = Instant.now();
    /** Made on the Batch step's thread; the attempt runs on another, where Batch's step context is unknown. */
    private final Long jobExecutionId = ExecutionFence.currentJobExecution();

    RunningStepContext(Cutover cutover, String phase, String stepId, Map<String, Object> with,
                       Map<String, RunbookConnection> connections, Duration timeout, boolean inverse, Host host) {
        this(cutover, phase, stepId, with, connections, Map.of(), timeout, inverse, host);
    }

    RunningStepContext(Cutover cutover, String phase, String stepId, Map<String, Object> with,
                       Map<String, RunbookConnection> connections, Map<String, StepDefinition> runbookSteps,
                       Duration timeout, boolean inverse, Host host) {
        this.runbookSteps = runbookSteps;
        this.inverse = inverse;
        this.cutover = cutover;
        this.phase = phase;
        this.stepId = stepId;
        this.with = with;
        this.connections = connections;
        this.timeout = timeout;
        this.deadline = Instant.now().plus(timeout);
        this.host = host;
    }

    @Override
    public String cutoverId() {
        return cutover.id();
    }

    @Override
    public String runbook() {
        return cutover.runbook();
    }

    @Override
    public String environment() {
        return cutover.environment();
    }

    @Override
    public String phase() {
        return phase;
    }

    @Override
    public String stepId() {
        return stepId;
    }

    @Override
    public boolean rehearsal() {
        return cutover.rehearsal();
    }

    @Override
    public StepArguments arguments() {
        return new MapStepArguments(with, this::resolve, Durations::parse);
    }

    @Override
    public Optional<StepDefinition> otherStep(String stepId) {
        return Optional.ofNullable(runbookSteps.get(stepId));
    }

    @Override
    public java.util.List<StepDefinition> runbookSteps() {
        return java.util.List.copyOf(runbookSteps.values());
    }

    @Override
    public java.util.Set<String> connectionNames() {
        return java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(connections.keySet()));
    }

    @Override
    public ResolvedConnection connection(String name) {
        RunbookConnection connection = connections.get(name);
        if (connection == null) {
            throw new IllegalArgumentException("environment '" + cutover.environment() + "' has no connection '" + name + "'");
        }
        return connection.resolved(this::resolve);
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public boolean stopRequested() {
        return timedOut.get() || stopRequestedByOperator();
    }

    /** A pause, abort or rollback: unlike this attempt's own timeout, it also cancels the retries. */
    boolean stopRequestedByOperator() {
        return host.stopRequested(this);
    }

    @Override
    public void progress(String message, Map<String, Object> figures) {
        host.progress(this, redact(message), redactor.redact(figures == null ? Map.of() : figures));
    }

    @Override
    public void recordSamples(Instant at, java.util.List<? extends ChartedSample> samples) {
        if (samples != null && !samples.isEmpty()) {
            host.samplesTaken(this, at, samples);
        }
    }

    @Override
    public void recordSnapshot(dev.cutover.step.Snapshot snapshot) {
        if (snapshot != null) {
            host.snapshotTaken(this, snapshot);
        }
    }

    @Override
    public Approval awaitApproval(ApprovalRequest request) throws StepFailedException, StepStoppedException {
        Optional<Approval> given = host.approval(cutover.id(), stepId);
        if (given.isPresent()) {
            return given.get();
        }
        host.awaitingApproval(this, request);
        while (true) {
            given = host.approval(cutover.id(), stepId);
            if (given.isPresent()) {
                host.approvalReceived(this, given.get());
                return given.get();
            }
            if (stopRequested()) {
                throw new StepStoppedException("stopped while waiting for an approval");
            }
            if (Instant.now().isAfter(deadline)) {
                throw new StepFailedException("no approval within the step's timeout of " + timeout);
            }
            try {
                Thread.sleep(APPROVAL_POLL.toMillis());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new StepStoppedException("interrupted while waiting for an approval");
            }
        }
    }

    @Override
    public String redact(String text) {
        return redactor.redact(text);
    }

    @Override
    public String redactExcerpt(String text, boolean cutBefore, boolean cutAfter) {
        return redactor.redactExcerpt(text, cutBefore, cutAfter);
    }

    Map<String, Object> redact(Map<String, Object> evidence) {
        return redactor.redact(evidence);
    }

    @Override
    public void waited(String on, Duration took) {
        waits.add(on, took);
    }

    /** Marks the start of the attempt this context serves (the timing's {@code startedAt}). */
    void attemptStarted() {
        attemptStarted = Instant.now();
    }

    /**
     * The attempt's timing for the write window's timeline: start and end (epoch ms, so offsets
     * from the freeze are a subtraction), duration, and the waits longest first.
     */
    Map<String, Object> timing() {
        Instant ended = Instant.now();
        Map<String, Object> timing = new java.util.LinkedHashMap<>();
        timing.put("startedAt", attemptStarted.toString());
        timing.put("startedAtEpochMs", attemptStarted.toEpochMilli());
        timing.put("endedAtEpochMs", ended.toEpochMilli());
        timing.put("durationMs", Duration.between(attemptStarted, ended).toMillis());
        timing.put("waits", waits.evidence());
        return timing;
    }

    /** The job execution whose step this attempt belongs to; null outside a Batch step (a test's). */
    Long jobExecutionId() {
        return jobExecutionId;
    }

    /** True while the step's rollback runs rather than the step itself. */
    boolean inverse() {
        return inverse;
    }

    /** Called when the step's timeout is spent: {@link #stopRequested()} turns true for the step. */
    void timeOut() {
        timedOut.set(true);
    }

    /** Resolves every secret reference in the value, remembering each resolved part to mask it. */
    private String resolve(String value) {
        return SecretReferences.resolve(value, System::getenv, redactor::remember);
    }
}
