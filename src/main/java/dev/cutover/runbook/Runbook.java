package dev.cutover.runbook;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated runbook: connections per environment, ordered phases of steps, and whom to notify
 * of what ({@code notifications}, from {@code notify:}; empty when the runbook has none).
 *
 * @param file   the file name it was loaded from (relative to the runbooks directory)
 * @param window the time budget of one cutover ({@code window: 6h}): what the dashboard measures the
 *               elapsed time and the projected end against; null when the runbook declares none
 */
public record Runbook(String name, String description, String file, Duration window,
                      Map<String, RunbookEnvironment> environments, List<RunbookPhase> phases,
                      RunbookNotify notifications) {

    public Runbook {
        environments = Map.copyOf(environments);
        phases = List.copyOf(phases);
        notifications = notifications == null ? RunbookNotify.NONE : notifications;
    }

    public Optional<RunbookPhase> phase(String phaseName) {
        return phases.stream().filter(p -> p.name().equals(phaseName)).findFirst();
    }

    public Optional<RunbookStep> step(String stepId) {
        return phases.stream().flatMap(p -> p.steps().stream()).filter(s -> s.id().equals(stepId)).findFirst();
    }

    public Optional<RunbookPhase> phaseOf(String stepId) {
        return phases.stream().filter(p -> p.steps().stream().anyMatch(s -> s.id().equals(stepId))).findFirst();
    }
}
