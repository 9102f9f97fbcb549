package dev.cutover.preflight;

import dev.cutover.runbook.Durations;
import dev.cutover.runbook.RunbookConnection;
import dev.cutover.runbook.SecretReferences;
import dev.cutover.step.MapStepArguments;
import dev.cutover.step.PreflightPlan;
import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.StepDefinition;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepType;
import dev.cutover.step.StepTypeCatalog;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Builds the {@link PreflightPlan} of a runbook's steps in one environment: which connections each
 * step uses (its parameters of kind connection, and names of the environment's connections in its
 * lists and maps, such as a readiness gate's {@code mysqlReplicas}), with secret references
 * resolving when read and every resolved value handed to a collector for masking.
 */
@Component
class PreflightPlans {

    /** The step type catalog holds the {@code preflight} step type, which needs this: looked up lazily. */
    private final ObjectProvider<StepTypeCatalog> stepTypes;

    PreflightPlans(ObjectProvider<StepTypeCatalog> stepTypes) {
        this.stepTypes = stepTypes;
    }

    /** For the API: connections as the runbook declares them, resolved with the service's environment. */
    PreflightPlan plan(String environment, Map<String, RunbookConnection> connections, List<StepDefinition> steps,
                       Duration timeout, Consumer<String> secrets) {
        UnaryOperator<String> resolver = value -> SecretReferences.resolve(value, System::getenv, secrets);
        Map<String, ResolvedConnection> resolved = new LinkedHashMap<>();
        connections.values().forEach(connection -> resolved.put(connection.name(), connection.resolved(resolver)));
        return plan(environment, resolved, steps, timeout, resolver);
    }

    PreflightPlan plan(String environment, Map<String, ResolvedConnection> connections, List<StepDefinition> steps,
                       Duration timeout, UnaryOperator<String> resolver) {
        List<PreflightPlan.PlannedStep> planned = steps.stream()
                .map(step -> new PreflightPlan.PlannedStep(step.id(), step.type(),
                        new MapStepArguments(step.with(), resolver, Durations::parse),
                        connectionsOf(step, connections.keySet())))
                .toList();
        return new PreflightPlan(environment, planned, connections, timeout);
    }

    private Set<String> connectionsOf(StepDefinition step, Set<String> environment) {
        Set<String> used = new LinkedHashSet<>();
        Optional<StepType> type = stepTypes.getObject().find(step.type());
        for (StepParameter parameter : type.map(StepType::parameters).orElse(List.of())) {
            Object value = step.with().get(parameter.name());
            if (value == null) {
                continue;
            }
            switch (parameter.kind()) {
                case CONNECTION -> used.add(value.toString());
                case LIST -> ((List<?>) value).stream().map(Object::toString).filter(environment::contains).forEach(used::add);
                case MAP -> ((Map<?, ?>) value).forEach((key, mapped) -> {
                    if (environment.contains(String.valueOf(key))) {
                        used.add(String.valueOf(key));
                    }
                    if (environment.contains(String.valueOf(mapped))) {
                        used.add(String.valueOf(mapped));
                    }
                });
                default -> {
                }
            }
        }
        return used;
    }

}
