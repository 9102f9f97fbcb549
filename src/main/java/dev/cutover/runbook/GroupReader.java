package dev.cutover.runbook;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a {@code - group: <name>} element of a phase's steps and checks what running its steps at
 * the same time needs: no nesting, no empty group, no step that names a sibling (it would need the
 * sibling's result), no step that waits for a person (an approval asked for beside running steps
 * is easy to miss, and it pauses the whole cutover).
 */
final class GroupReader {

    static final String KEY = "group";
    private static final List<String> GROUP_KEYS = List.of("group", "parallel", "steps");
    /** Step types that wait for a person: they belong before or after a parallel group, never inside. */
    private static final Set<String> NOT_IN_PARALLEL = Set.of("manual");

    private final StepReader steps;
    private final YamlProblems problems;
    private final Map<String, String> firstNames = new HashMap<>();

    GroupReader(StepReader steps, YamlProblems problems) {
        this.steps = steps;
        this.problems = problems;
    }

    static boolean isGroup(Node node) {
        return node instanceof MappingNode mapping && mapping.getValue().stream()
                .anyMatch(t -> t.getKeyNode() instanceof ScalarNode key && KEY.equals(key.getValue()));
    }

    /** Reads the group; its steps go to {@code phaseSteps} in order. */
    Optional<RunbookGroup> read(MappingNode mapping, String path, OnFailure phaseOnFailure, List<RunbookStep> phaseSteps) {
        MappingFields fields = MappingFields.read(mapping, path, GROUP_KEYS, "a group", problems);
        Optional<String> name = fields.requiredText(KEY, "a group needs a name, e.g. - group: checks-while-frozen",
                problems);
        name.ifPresent(n -> checkName(n, fields.get(KEY).orElseThrow()));
        boolean parallel = parallel(fields);
        Optional<MappingFields.Field> stepsField = fields.get("steps");
        String example = "e.g. - group: checks-while-frozen, parallel: true, steps: [ { id: verify-orders, type: mysql-verify } ]";
        if (stepsField.isEmpty() || YamlNodes.isNull(stepsField.get().value())
                || (stepsField.get().value() instanceof SequenceNode s && s.getValue().isEmpty())) {
            problems.at(stepsField.map(MappingFields.Field::keyNode).orElse(mapping), YamlNodes.child(path, "steps"),
                    "group " + name.map(n -> "'" + n + "' ").orElse("") + "has no steps: give it at least two, " + example);
            return Optional.empty();
        }
        if (!(stepsField.get().value() instanceof SequenceNode sequence)) {
            problems.at(stepsField.get().value(), stepsField.get().path(), "a group's steps must be a list of steps, " + example);
            return Optional.empty();
        }
        Map<String, Node> idNodes = new LinkedHashMap<>();
        List<RunbookStep> read = new ArrayList<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            Node item = sequence.getValue().get(i);
            String itemPath = YamlNodes.item(stepsField.get().path(), i);
            if (isGroup(item)) {
                problems.at(item, itemPath, "a group cannot hold another group: write its steps in this group, or put "
                        + "the groups one after the other in the phase");
                continue;
            }
            Optional<RunbookStep> step = steps.read(item, itemPath, phaseOnFailure);
            step.ifPresent(read::add);
            step.filter(s -> s.id() != null).ifPresent(s -> idNodes.put(s.id(), item));
        }
        if (parallel) {
            checkParallel(read, idNodes, itemPaths(stepsField.get().path(), sequence));
        }
        phaseSteps.addAll(read);
        // A step without a usable id is already a problem at its line; the group holds the others.
        return name.map(n -> new RunbookGroup(n, parallel,
                read.stream().map(RunbookStep::id).filter(java.util.Objects::nonNull).toList()));
    }

    private static Map<Node, String> itemPaths(String path, SequenceNode sequence) {
        Map<Node, String> paths = new HashMap<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            paths.put(sequence.getValue().get(i), YamlNodes.item(path, i));
        }
        return paths;
    }

    private void checkParallel(List<RunbookStep> read, Map<String, Node> idNodes, Map<Node, String> paths) {
        for (RunbookStep step : read) {
            Node node = idNodes.get(step.id());
            if (node == null) {
                continue;
            }
            String path = paths.get(node);
            if (step.type() != null && NOT_IN_PARALLEL.contains(step.type())) {
                problems.at(field(node, "type"), YamlNodes.child(path, "type"), "a " + step.type() + " step waits for a "
                        + "person, so it cannot run in a parallel group (an approval asked for beside running steps is "
                        + "easy to miss): put it before or after the group");
            }
            for (RunbookStep sibling : read) {
                if (sibling != step && sibling.id() != null && names(step.with(), sibling.id())) {
                    problems.at(field(node, "with"), YamlNodes.child(path, "with"), "step '" + step.id()
                            + "' names its sibling '" + sibling.id() + "' in with:, so it depends on it and cannot run "
                            + "beside it in a parallel group: put it after the group");
                }
            }
        }
    }

    /** True when any value of {@code with:} (also inside lists and mappings) is the given step id. */
    private static boolean names(Object value, String stepId) {
        if (value instanceof Map<?, ?> map) {
            return map.values().stream().anyMatch(v -> names(v, stepId));
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(v -> names(v, stepId));
        }
        return stepId.equals(value);
    }

    /** The value of a key of a step mapping, or the step itself when the key is missing. */
    private static Node field(Node step, String key) {
        if (step instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode k && key.equals(k.getValue())) {
                    return tuple.getValueNode();
                }
            }
        }
        return step;
    }

    private boolean parallel(MappingFields fields) {
        Optional<String> text = fields.optionalText("parallel", problems);
        if (text.isEmpty() || text.get().equals("false")) {
            return false;
        }
        if (text.get().equals("true")) {
            return true;
        }
        MappingFields.Field field = fields.get("parallel").orElseThrow();
        problems.at(field.value(), field.path(), "parallel must be true or false, found '" + text.get() + "'");
        return false;
    }

    private void checkName(String name, MappingFields.Field field) {
        if (!RunbookParser.NAME.matcher(name).matches()) {
            problems.at(field.value(), field.path(), "group name '" + name + "' must be lowercase letters, digits and '-', "
                    + "starting with a letter or digit, e.g. checks-while-frozen");
            return;
        }
        String first = firstNames.putIfAbsent(name, YamlProblems.where(field.value()) + " (" + field.path() + ")");
        if (first != null) {
            problems.at(field.value(), field.path(), "duplicate group name '" + name + "': it is first used at " + first
                    + "; group names must be unique across the runbook");
        }
    }
}
