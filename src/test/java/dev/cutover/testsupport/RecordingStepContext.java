package dev.cutover.testsupport;

import dev.cutover.runbook.RunbookConnection;
import dev.cutover.runbook.SecretReferences;
import dev.cutover.step.Approval;
import dev.cutover.step.ApprovalRequest;
import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.SecretMask;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepStoppedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link StepContext} for tests: arguments from a map (scalars as String, lists as
 * List&lt;String&gt;, maps as Map&lt;String,String&gt;, mappings as a List of those maps), secret references resolved as in a running
 * step ({@link SecretReferences}; {@code ${env:NAME}} from a map given here, {@code ${file:}} from
 * the file) and remembered for {@link #redact}, a settable stop flag, approvals preset or offered
 * later, connections given by name, type and settings (settings may hold {@code ${env:NAME}}), and every
 * progress call recorded.
 */
public final class RecordingStepContext implements StepContext {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    public record Progress(long atNanos, String message, Map<String, Object> figures) {
    }

    private final Map<String, Object> with;
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final Set<String> resolved = Collections.synchronizedSet(new LinkedHashSet<>());
    private final List<Progress> progress = new CopyOnWriteArrayList<>();
    private final List<ApprovalRequest> approvalRequests = new CopyOnWriteArrayList<>();
    private final List<dev.cutover.step.Snapshot> snapshots = new CopyOnWriteArrayList<>();
    private final List<dev.cutover.step.ChartedSample> charted = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Approval> approvals = new LinkedBlockingQueue<>();
    private final Map<String, ResolvedConnection> connections = new LinkedHashMap<>();
    private volatile boolean stopRequested;
    private String stepId = "test-step";
    private Duration timeout = Duration.ofMinutes(1);

    public RecordingStepContext(Map<String, Object> with) {
        this.with = new LinkedHashMap<>(with);
    }

    public RecordingStepContext secret(String name, String value) {
        secrets.put(name, value);
        return this;
    }

    /** Adds a connection of the environment; setting values may hold {@code ${env:NAME}} references. */
    public RecordingStepContext connection(String name, String type, Map<String, String> settings) {
        connections.put(name, new RunbookConnection(name, type, settings).resolved(this::resolve));
        return this;
    }

    /** Replaces the step's {@code with:} values, e.g. to run the rollback of the same step with other values. */
    public RecordingStepContext with(String name, Object value) {
        with.put(name, value);
        return this;
    }

    /** Another step id than {@code test-step}, for step types that keep state per step. */
    public RecordingStepContext stepId(String stepId) {
        this.stepId = stepId;
        return this;
    }

    public RecordingStepContext timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    public void requestStop() {
        stopRequested = true;
    }

    /** Requests a stop from another thread after {@code delay}. */
    public void requestStopAfter(Duration delay) {
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(delay.toMillis());
                requestStop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        thread.setDaemon(true);
        thread.start();
    }

    /** Gives the approval that a present or future {@link #awaitApproval} call returns. */
    public void offer(Approval approval) {
        approvals.add(approval);
    }

    public List<Progress> progress() {
        return List.copyOf(progress);
    }

    /** Every reading the step handed to the charts ({@link StepContext#recordSamples}), in order. */
    public List<dev.cutover.step.ChartedSample> charted() {
        return List.copyOf(charted);
    }

    @Override
    public void recordSamples(java.time.Instant at, List<? extends dev.cutover.step.ChartedSample> samples) {
        charted.addAll(samples);
    }

    /** The snapshots the step recorded ({@link StepContext#recordSnapshot}). */
    public List<dev.cutover.step.Snapshot> snapshots() {
        return List.copyOf(snapshots);
    }

    @Override
    public void recordSnapshot(dev.cutover.step.Snapshot snapshot) {
        snapshots.add(snapshot);
    }

    public List<ApprovalRequest> approvalRequests() {
        return List.copyOf(approvalRequests);
    }

    @Override
    public String cutoverId() {
        return "c-test";
    }

    @Override
    public String runbook() {
        return "test-runbook";
    }

    @Override
    public String environment() {
        return "staging";
    }

    @Override
    public String phase() {
        return "test-phase";
    }

    @Override
    public String stepId() {
        return stepId;
    }

    @Override
    public boolean rehearsal() {
        return true;
    }

    @Override
    public StepArguments arguments() {
        return new Arguments();
    }

    @Override
    public ResolvedConnection connection(String name) {
        ResolvedConnection connection = connections.get(name);
        if (connection == null) {
            throw new IllegalArgumentException("no connection '" + name + "' in this test");
        }
        return connection;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public boolean stopRequested() {
        return stopRequested;
    }

    @Override
    public void progress(String message, Map<String, Object> figures) {
        progress.add(new Progress(System.nanoTime(), message, figures));
    }

    @Override
    public Approval awaitApproval(ApprovalRequest request) throws StepFailedException, StepStoppedException {
        approvalRequests.add(request);
        long until = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < until) {
                if (stopRequested) {
                    throw new StepStoppedException("stopped while awaiting approval");
                }
                Approval approval = approvals.poll(50, TimeUnit.MILLISECONDS);
                if (approval != null) {
                    return approval;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepStoppedException("interrupted while awaiting approval");
        }
        throw new StepFailedException("no approval within " + timeout);
    }

    @Override
    public String redact(String text) {
        return SecretMask.mask(text, List.copyOf(resolved));
    }

    @Override
    public String redactExcerpt(String text, boolean cutBefore, boolean cutAfter) {
        return SecretMask.maskCut(text, List.copyOf(resolved), cutBefore, cutAfter);
    }

    /** Resolves references as a running step does (secret references in any part of a value), env from {@link #secret}. */
    private String resolve(String value) {
        return SecretReferences.resolve(value, secrets::get, resolved::add);
    }

    private final class Arguments implements StepArguments {

        @Override
        public Optional<String> string(String name) {
            return Optional.ofNullable((String) with.get(name)).map(RecordingStepContext.this::resolve);
        }

        @Override
        public Optional<Duration> duration(String name) {
            return string(name).map(text -> {
                Matcher m = SHORT_DURATION.matcher(text);
                if (!m.matches()) {
                    return Duration.parse(text);
                }
                long amount = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            });
        }

        @Override
        public Optional<Long> integer(String name) {
            return string(name).map(Long::valueOf);
        }

        @Override
        public Optional<Boolean> bool(String name) {
            return string(name).map(Boolean::valueOf);
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<String> list(String name) {
            List<String> values = (List<String>) with.getOrDefault(name, List.of());
            List<String> out = new ArrayList<>();
            values.forEach(value -> out.add(resolve(value)));
            return List.copyOf(out);
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<Map<String, String>> mappings(String name) {
            List<Map<String, String>> items = (List<Map<String, String>>) with.getOrDefault(name, List.of());
            List<Map<String, String>> out = new ArrayList<>();
            items.forEach(item -> {
                Map<String, String> resolved = new LinkedHashMap<>();
                item.forEach((key, value) -> resolved.put(key, resolve(value)));
                out.add(Collections.unmodifiableMap(resolved));
            });
            return List.copyOf(out);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map<String, String> map(String name) {
            Map<String, String> values = (Map<String, String>) with.getOrDefault(name, Map.of());
            Map<String, String> out = new LinkedHashMap<>();
            values.forEach((key, value) -> out.put(key, resolve(value)));
            return Collections.unmodifiableMap(out);
        }
    }
}
