package dev.cutover.step;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a preflight checks: the runbook's steps (with their {@code with:} values, secret references
 * resolving when read) and the connections of one environment.
 *
 * @param environment  the environment's name
 * @param steps        every step of the runbook, in order
 * @param connections  the environment's connections by name
 * @param timeout      how long each probe may take; probes set their own client timeouts from it
 */
public record PreflightPlan(String environment, List<PlannedStep> steps, Map<String, ResolvedConnection> connections,
                            Duration timeout) {

    /**
     * One step of the runbook.
     *
     * @param connections the connections it names in parameters of kind connection (and, for a
     *                    type that names them in lists or maps, those it declares)
     */
    public record PlannedStep(String id, String type, StepArguments with, Set<String> connections) {

        public PlannedStep {
            connections = Set.copyOf(connections);
        }
    }

    public PreflightPlan {
        steps = List.copyOf(steps);
        connections = Map.copyOf(connections);
    }

    public List<PlannedStep> stepsOfType(Collection<String> types) {
        return steps.stream().filter(step -> types.contains(step.type())).toList();
    }

    /** The ids of the steps that use the connection. */
    public List<String> usersOf(String connection) {
        return steps.stream().filter(step -> step.connections().contains(connection)).map(PlannedStep::id).toList();
    }

    public Optional<ResolvedConnection> connection(String name) {
        return Optional.ofNullable(connections.get(name));
    }
}
