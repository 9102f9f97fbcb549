package dev.cutover.runbook;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An ordered list of steps run as one phase execution.
 *
 * @param steps           every step of the phase in the order written, those of groups included
 * @param pointOfNoReturn true when completing this phase makes rollback lose data unless
 *                        reverse replication exists (e.g. writes landed on the new primary)
 * @param onFailure       the default of its steps' {@code onFailure:} (each step carries the
 *                        value that applies to it)
 * @param groups          the phase's {@code - group:} elements; their steps are in {@code steps} too
 */
public record RunbookPhase(String name, String description, boolean pointOfNoReturn, List<RunbookStep> steps,
                           OnFailure onFailure, List<RunbookGroup> groups) {

    public RunbookPhase {
        steps = List.copyOf(steps);
        onFailure = onFailure == null ? OnFailure.STOP : onFailure;
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    public RunbookPhase(String name, String description, boolean pointOfNoReturn, List<RunbookStep> steps,
                        OnFailure onFailure) {
        this(name, description, pointOfNoReturn, steps, onFailure, List.of());
    }

    public RunbookPhase(String name, String description, boolean pointOfNoReturn, List<RunbookStep> steps) {
        this(name, description, pointOfNoReturn, steps, OnFailure.STOP, List.of());
    }

    /** The parallel group the step runs in, if any. */
    public Optional<RunbookGroup> parallelGroupOf(String stepId) {
        return groups.stream().filter(g -> g.parallel() && g.contains(stepId)).findFirst();
    }

    /** The group (parallel or not) the step is written in, if any. */
    public Optional<RunbookGroup> groupOf(String stepId) {
        return groups.stream().filter(g -> g.contains(stepId)).findFirst();
    }

    /**
     * What runs one after the other: single steps, and each parallel group as one element at the place
     * of its first step. A plain (not parallel) group's steps come out as single steps.
     */
    public List<Element> elements() {
        List<Element> elements = new ArrayList<>();
        for (RunbookStep step : steps) {
            Optional<RunbookGroup> group = parallelGroupOf(step.id());
            if (group.isEmpty()) {
                elements.add(new Element(null, List.of(step)));
            } else if (group.get().stepIds().get(0).equals(step.id())) {
                elements.add(new Element(group.get(), steps.stream().filter(s -> group.get().contains(s.id())).toList()));
            }
        }
        return elements;
    }

    /** One element of the phase's sequence: a single step (no group), or the steps of one parallel group. */
    public record Element(RunbookGroup group, List<RunbookStep> steps) {

        public boolean parallel() {
            return group != null;
        }
    }
}
