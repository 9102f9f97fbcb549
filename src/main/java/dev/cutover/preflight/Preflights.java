package dev.cutover.preflight;

import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookEnvironment;
import dev.cutover.step.PreflightCheck;
import dev.cutover.step.PreflightPlan;
import dev.cutover.step.PreflightProbe;
import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.SecretMask;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Runs a preflight: plans the checks of every engine for a runbook's steps in one environment,
 * adds the secret checks, runs them all at once and stores the table.
 */
@Component
public class Preflights {

    private static final Logger log = LoggerFactory.getLogger(Preflights.class);

    private final PreflightPlans plans;
    private final PreflightRunner runner;
    private final PreflightRuns runs;
    /** Engine checks are step-module beans too; looked up lazily like the step types. */
    private final ObjectProvider<PreflightCheck> checks;

    Preflights(PreflightPlans plans, PreflightRunner runner, PreflightRuns runs, ObjectProvider<PreflightCheck> checks) {
        this.plans = plans;
        this.runner = runner;
        this.runs = runs;
        this.checks = checks;
    }

    Duration defaultTimeout() {
        return runner.defaultTimeout();
    }

    /** For the API: the runbook as loaded, secrets resolved from the service's own environment. */
    PreflightReport run(Runbook runbook, RunbookEnvironment environment, Duration timeout) {
        Set<String> secrets = ConcurrentHashMap.newKeySet();
        List<StepDefinition> steps = new ArrayList<>();
        runbook.phases().forEach(phase -> phase.steps().forEach(step ->
                steps.add(new StepDefinition(step.id(), step.type(), step.with()))));
        PreflightPlan plan = plans.plan(environment.name(), environment.connections(), steps, timeout, secrets::add);
        return run(runbook.name(), null, plan, steps, text -> SecretMask.mask(text, secrets));
    }

    /** For the {@code preflight} step: the cutover's pinned runbook, masked by the step's own redaction too. */
    PreflightReport run(StepContext context, Duration timeout) {
        Set<String> secrets = ConcurrentHashMap.newKeySet();
        Map<String, ResolvedConnection> connections = new LinkedHashMap<>();
        context.connectionNames().forEach(name -> connections.put(name, context.connection(name)));
        List<StepDefinition> steps = context.runbookSteps();
        PreflightPlan plan = plans.plan(context.environment(), connections, steps, timeout,
                value -> dev.cutover.runbook.SecretReferences.resolve(value, System::getenv, secrets::add));
        return run(context.runbook(), context.cutoverId(), plan, steps,
                text -> SecretMask.mask(context.redact(text), secrets));
    }

    private PreflightReport run(String runbook, String cutoverId, PreflightPlan plan, List<StepDefinition> steps,
                                UnaryOperator<String> redact) {
        Map<String, Map<String, Object>> written = new LinkedHashMap<>();
        steps.forEach(step -> written.put(step.id(), step.with()));
        List<PreflightProbe> probes = new ArrayList<>(SecretsPreflight.probes(plan, written));
        checks.orderedStream().forEach(check -> probes.addAll(planned(check, plan)));
        Instant startedAt = Instant.now();
        long started = System.nanoTime();
        List<PreflightRow> rows = runner.run(probes, plan.timeout(), redact);
        long wallMs = (System.nanoTime() - started) / 1_000_000;
        PreflightReport report = PreflightReport.of(UUID.randomUUID().toString(), runbook, plan.environment(), cutoverId,
                startedAt, wallMs, rows);
        runs.save(report);
        log.info("Preflight {} of {} in {}: {} checks, {} failed, {} warnings, {} ms", report.id(), runbook,
                plan.environment(), report.checks(), report.failed(), report.warnings(), wallMs);
        return report;
    }

    /** An engine that cannot even say what to check (a setting it cannot parse) is a failed check, not a 500. */
    private static List<PreflightProbe> planned(PreflightCheck check, PreflightPlan plan) {
        try {
            return check.probes(plan);
        } catch (RuntimeException failure) {
            return List.of(new PreflightProbe("plan", check.getClass().getSimpleName(), List.of(), () -> {
                throw failure;
            }));
        }
    }

    java.util.Optional<PreflightReport> find(String runbook, String id) {
        return runs.find(runbook, id);
    }
}
