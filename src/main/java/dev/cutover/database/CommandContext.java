package dev.cutover.database;

import dev.cutover.step.Approval;
import dev.cutover.step.ApprovalRequest;
import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepStoppedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The step's context as the {@code command} step type expects it: {@code run} is the command line
 * found under another parameter (e.g. {@code undo}); {@code env} and {@code workdir} pass through.
 */
final class CommandContext implements StepContext {

    private final StepContext step;
    private final String commandParameter;

    CommandContext(StepContext step, String commandParameter) {
        this.step = step;
        this.commandParameter = commandParameter;
    }

    @Override
    public StepArguments arguments() {
        StepArguments original = step.arguments();
        return new StepArguments() {
            @Override
            public Optional<String> string(String name) {
                return switch (name) {
                    case "run" -> original.string(commandParameter);
                    case "workdir" -> original.string("workdir");
                    default -> Optional.empty();
                };
            }

            @Override
            public Optional<Duration> duration(String name) {
                return Optional.empty();
            }

            @Override
            public Optional<Long> integer(String name) {
                return Optional.empty();
            }

            @Override
            public Optional<Boolean> bool(String name) {
                return Optional.empty();
            }

            @Override
            public List<String> list(String name) {
                return List.of();
            }

            @Override
            public Map<String, String> map(String name) {
                return "env".equals(name) ? original.map("env") : Map.of();
            }
        };
    }

    @Override
    public String cutoverId() {
        return step.cutoverId();
    }

    @Override
    public String runbook() {
        return step.runbook();
    }

    @Override
    public String environment() {
        return step.environment();
    }

    @Override
    public String phase() {
        return step.phase();
    }

    @Override
    public String stepId() {
        return step.stepId();
    }

    @Override
    public boolean rehearsal() {
        return step.rehearsal();
    }

    @Override
    public ResolvedConnection connection(String name) {
        return step.connection(name);
    }

    @Override
    public Duration timeout() {
        return step.timeout();
    }

    @Override
    public boolean stopRequested() {
        return step.stopRequested();
    }

    @Override
    public void progress(String message, Map<String, Object> figures) {
        step.progress(message, figures);
    }

    @Override
    public Approval awaitApproval(ApprovalRequest request) throws StepFailedException, StepStoppedException {
        return step.awaitApproval(request);
    }

    @Override
    public String redact(String text) {
        return step.redact(text);
    }

    @Override
    public String redactExcerpt(String text, boolean cutBefore, boolean cutAfter) {
        return step.redactExcerpt(text, cutBefore, cutAfter);
    }
}
