package dev.cutover.preflight;

import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Step type {@code preflight}: the same table as the API, for the cutover's pinned runbook and
 * environment, typically the first step of a phase. Any failed check fails the step and names
 * every failed check; warnings pass and are listed. The table goes into the step's evidence.
 */
@Component
class PreflightStepType implements StepType {

    /** Changes nothing outside: after its instance died it may simply run again from the start. */
    @Override
    public boolean resumable() {
        return true;
    }

    private final Preflights preflights;

    PreflightStepType(Preflights preflights) {
        this.preflights = preflights;
    }

    @Override
    public String name() {
        return "preflight";
    }

    @Override
    public String description() {
        return "read-only checks of every connection, privilege and secret the runbook's steps need";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(StepParameter.optional("checkTimeout", Kind.DURATION,
                "how long each check may take (default cutover.preflight.timeout, 5s)"));
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        Duration timeout = context.arguments().duration("checkTimeout").orElse(preflights.defaultTimeout());
        PreflightReport report = preflights.run(context, timeout);
        Map<String, Object> evidence = evidence(report);
        if (!report.passed()) {
            throw new StepFailedException(report.failed() + " of " + report.checks() + " preflight checks failed: "
                    + report.rows().stream().filter(PreflightRow::failed).map(PreflightRow::sentence)
                    .collect(Collectors.joining("; ")), evidence);
        }
        String warnings = report.rows().stream().filter(PreflightRow::warning).map(PreflightRow::sentence)
                .collect(Collectors.joining("; "));
        return StepOutcome.succeeded(report.checks() + " preflight checks passed"
                + (warnings.isEmpty() ? "" : ", " + report.warnings() + " with warnings: " + warnings), evidence);
    }

    private static Map<String, Object> evidence(PreflightReport report) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("preflightId", report.id());
        evidence.put("checks", report.checks());
        evidence.put("failed", report.failed());
        evidence.put("warnings", report.warnings());
        evidence.put("wallMs", report.wallMs());
        evidence.put("table", report.rows().stream().map(PreflightStepType::row).toList());
        return evidence;
    }

    private static Map<String, Object> row(PreflightRow row) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("check", row.check());
        shown.put("connection", row.connection());
        shown.put("steps", row.steps());
        shown.put("status", row.status());
        shown.put("latencyMs", row.latencyMs());
        shown.put("detail", row.detail());
        shown.put("hint", row.hint());
        return shown;
    }
}
