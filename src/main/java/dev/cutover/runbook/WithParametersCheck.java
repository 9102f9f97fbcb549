package dev.cutover.runbook;

import dev.cutover.step.MapStepArguments;
import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Checks the {@code with:} of a step (or of its rollback) against the parameters its step type
 * declares, and turns it into the model's values: scalars as written, lists of text, maps of text.
 */
final class WithParametersCheck {

    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");

    private final Map<String, RunbookEnvironment> environments;
    private final YamlProblems problems;

    WithParametersCheck(Map<String, RunbookEnvironment> environments, YamlProblems problems) {
        this.environments = environments;
        this.problems = problems;
    }

    /**
     * @param with  the {@code with:} key of the step, if given
     * @param owner the step (or rollback) mapping: where a missing parameter is reported when
     *              there is no {@code with:} at all
     * @param path  the field path of {@code with}, e.g. {@code phases[0].steps[1].with}
     * @param stepTimeout the step's timeout, for the type's own {@link StepType#validate} rules
     */
    Map<String, Object> check(StepType type, Optional<MappingFields.Field> with, Node owner, String path,
                              Duration stepTimeout) {
        int problemsBefore = problems.count();
        Map<String, StepParameter> declared = new LinkedHashMap<>();
        type.parameters().forEach(p -> declared.put(p.name(), p));
        Map<String, Object> values = new LinkedHashMap<>();
        Node anchor = with.map(MappingFields.Field::value).filter(v -> !YamlNodes.isNull(v)).orElse(owner);
        MappingFields fields = null;
        if (with.isPresent() && !YamlNodes.isNull(with.get().value())) {
            if (!(with.get().value() instanceof MappingNode mapping)) {
                problems.at(with.get().value(), path, "'with' must be a mapping of parameter names to values; "
                        + accepted(type, declared));
                return values;
            }
            fields = MappingFields.read(mapping, path, null, "with", problems);
        }
        if (fields != null) {
            for (MappingFields.Field field : fields.all()) {
                StepParameter parameter = declared.get(field.key());
                if (parameter == null) {
                    problems.at(field.keyNode(), field.path(), "unknown parameter '" + field.key() + "' for step type '"
                            + type.name() + "'" + ClosestMatch.hint(field.key(), declared.keySet()) + "; "
                            + accepted(type, declared));
                } else if (!YamlNodes.isNull(field.value())) {
                    value(parameter, field).ifPresent(v -> values.put(field.key(), v));
                }
            }
        }
        for (StepParameter parameter : declared.values()) {
            boolean given = fields != null && fields.get(parameter.name()).map(f -> !YamlNodes.isNull(f.value())).orElse(false);
            if (parameter.required() && !given) {
                problems.at(anchor, YamlNodes.child(path, parameter.name()), "missing required parameter '"
                        + parameter.name() + "' of step type '" + type.name() + "'" + described(parameter)
                        + "; add it under with:");
            }
        }
        if (problems.count() == problemsBefore) {
            typeRules(type, values, fields, anchor, path, stepTimeout);
        }
        return values;
    }

    /** The step type's own rules across fields, each problem at its field or where it is missing. */
    private void typeRules(StepType type, Map<String, Object> values, MappingFields fields, Node anchor, String path,
                           Duration stepTimeout) {
        StepArguments arguments = new MapStepArguments(values, UnaryOperator.identity(), Durations::parse);
        for (StepArgumentProblem problem : type.validate(arguments, stepTimeout)) {
            Node node = problem.field() == null || fields == null ? anchor : nodeAt(fields, problem.field()).orElse(anchor);
            problems.at(node, problem.field() == null ? path : YamlNodes.child(path, problem.field()), problem.message());
        }
    }

    private static final Pattern NESTED = Pattern.compile("([^.\\[]+)(?:\\[(\\d+)](?:\\.(.+))?)?");

    /**
     * The node a type's problem is about: a parameter ({@code for}), an item of a list
     * ({@code queries[1]}) or a key inside that item ({@code queries[1].pass}); the closest of
     * them that exists, so a missing key points at its item.
     */
    private static Optional<Node> nodeAt(MappingFields fields, String field) {
        java.util.regex.Matcher m = NESTED.matcher(field);
        String name = m.matches() ? m.group(1) : field;
        Optional<MappingFields.Field> top = fields.get(name);
        if (top.isEmpty()) {
            return Optional.empty();
        }
        Node node = YamlNodes.isNull(top.get().value()) ? top.get().keyNode() : top.get().value();
        if (!m.matches() || m.group(2) == null || !(node instanceof SequenceNode sequence)) {
            return Optional.of(node);
        }
        int index = Integer.parseInt(m.group(2));
        if (index >= sequence.getValue().size()) {
            return Optional.of(node);
        }
        Node item = sequence.getValue().get(index);
        if (m.group(3) == null || !(item instanceof MappingNode mapping)) {
            return Optional.of(item);
        }
        return mapping.getValue().stream()
                .filter(tuple -> tuple.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode key
                        && key.getValue().equals(m.group(3)))
                .findFirst().map(tuple -> YamlNodes.isNull(tuple.getValueNode()) ? tuple.getKeyNode() : tuple.getValueNode())
                .or(() -> Optional.of(item));
    }

    private Optional<Object> value(StepParameter parameter, MappingFields.Field field) {
        Node node = field.value();
        String name = "'" + parameter.name() + "'";
        switch (parameter.kind()) {
            case LIST -> {
                return list(name, field);
            }
            case MAP -> {
                return map(name, field);
            }
            case MAPPINGS -> {
                return mappings(name, field);
            }
            default -> {
                if (!YamlNodes.isScalar(node)) {
                    problems.at(node, field.path(), name + " must be a single value, not " + YamlNodes.describe(node)
                            + described(parameter));
                    return Optional.empty();
                }
            }
        }
        String text = YamlNodes.text(node);
        Optional<String> wrong = switch (parameter.kind()) {
            case DURATION -> duration(text);
            case INTEGER -> !INTEGER.matcher(text.trim()).matches() || !fitsLong(text.trim())
                    ? Optional.of("'" + text + "' is not an integer: write digits only, e.g. 3")
                    // Every integer parameter counts something (partitions, samples, objects, a status, an exit code).
                    : Long.parseLong(text.trim()) < 0
                    ? Optional.of("'" + text + "' is negative: it counts something; write 0 or more")
                    : Optional.empty();
            case BOOLEAN -> text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false") ? Optional.empty()
                    : Optional.of("'" + text + "' is not a boolean: write true or false");
            case STRING -> parameter.allowedValues().isEmpty() || parameter.allowedValues().contains(text)
                    ? Optional.empty()
                    : Optional.of("'" + text + "' is not one of " + String.join(", ", parameter.allowedValues())
                            + ClosestMatch.hint(text, parameter.allowedValues()));
            case CONNECTION -> connection(text).or(() -> connectionType(parameter, text));
            default -> Optional.empty();
        };
        if (wrong.isPresent()) {
            String secretHint = SecretReferences.isReference(text) && parameter.kind() != StepParameter.Kind.STRING
                    ? " (secret references are only allowed in text parameters)" : "";
            problems.at(node, field.path(), name + ": " + wrong.get() + secretHint);
            return Optional.empty();
        }
        return Optional.of(text);
    }

    private static Optional<String> duration(String text) {
        try {
            Durations.parse(text);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static boolean fitsLong(String text) {
        try {
            Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private Optional<String> connection(String name) {
        if (environments.isEmpty()) {
            return Optional.empty();  // "no environments" is reported once, at environments:
        }
        List<String> lacking = environments.values().stream()
                .filter(e -> !e.connections().containsKey(name)).map(RunbookEnvironment::name).toList();
        if (lacking.isEmpty()) {
            return Optional.empty();
        }
        TreeSet<String> everywhere = new TreeSet<>();
        environments.values().forEach(e -> everywhere.addAll(e.connections().keySet()));
        if (lacking.size() == environments.size()) {
            return Optional.of("no environment defines a connection named '" + name + "'"
                    + ClosestMatch.hint(name, everywhere)
                    + (everywhere.isEmpty() ? "; add it under environments.<env>.connections"
                            : "; connections defined: " + String.join(", ", everywhere)));
        }
        return Optional.of("connection '" + name + "' is not defined in environment"
                + (lacking.size() > 1 ? "s " : " ") + String.join(", ", lacking)
                + "; every environment must define the connections its steps use");
    }

    /** A parameter that takes only some connection types names one of another type in some environment. */
    private Optional<String> connectionType(StepParameter parameter, String name) {
        if (parameter.allowedValues().isEmpty()) {
            return Optional.empty();
        }
        List<String> wrong = environments.values().stream()
                .filter(e -> e.connections().containsKey(name)
                        && !parameter.allowedValues().contains(e.connections().get(name).type()))
                .map(e -> e.name() + " (type " + e.connections().get(name).type() + ")").toList();
        if (wrong.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("connection '" + name + "' must be of type " + String.join(" or ", parameter.allowedValues())
                + " but is not in environment" + (wrong.size() > 1 ? "s " : " ") + String.join(", ", wrong)
                + described(parameter));
    }

    private Optional<Object> list(String name, MappingFields.Field field) {
        if (!(field.value() instanceof SequenceNode sequence)) {
            problems.at(field.value(), field.path(), name + " must be a list, e.g. [a, b] or one '- item' per line; found "
                    + YamlNodes.describe(field.value()));
            return Optional.empty();
        }
        List<String> items = new ArrayList<>();
        boolean wrong = false;
        for (int i = 0; i < sequence.getValue().size(); i++) {
            Node item = sequence.getValue().get(i);
            if (!YamlNodes.isScalar(item)) {
                problems.at(item, YamlNodes.item(field.path(), i), "list items must be plain values, found "
                        + YamlNodes.describe(item));
                wrong = true;
            } else {
                items.add(YamlNodes.text(item));
            }
        }
        return wrong ? Optional.empty() : Optional.of(List.copyOf(items));
    }

    private Optional<Object> mappings(String name, MappingFields.Field field) {
        if (!(field.value() instanceof SequenceNode sequence)) {
            problems.at(field.value(), field.path(), name + " must be a list of mappings, e.g. [{ name: a, query: b }] or "
                    + "one '- { ... }' per line; found " + YamlNodes.describe(field.value()));
            return Optional.empty();
        }
        List<Map<String, String>> items = new ArrayList<>();
        boolean wrong = false;
        for (int i = 0; i < sequence.getValue().size(); i++) {
            Node item = sequence.getValue().get(i);
            String path = YamlNodes.item(field.path(), i);
            if (!(item instanceof MappingNode mapping)) {
                problems.at(item, path, "each item of " + name + " must be a mapping, e.g. { name: a, query: b }; found "
                        + YamlNodes.describe(item));
                wrong = true;
                continue;
            }
            Map<String, String> entries = new LinkedHashMap<>();
            for (MappingFields.Field entry : MappingFields.read(mapping, path, null, name, problems).all()) {
                if (!YamlNodes.isScalar(entry.value())) {
                    problems.at(entry.value() == null ? entry.keyNode() : entry.value(), entry.path(),
                            "'" + entry.key() + "' must be a plain value, found " + YamlNodes.describe(entry.value()));
                    wrong = true;
                } else {
                    entries.put(entry.key(), YamlNodes.text(entry.value()));
                }
            }
            items.add(Collections.unmodifiableMap(entries));
        }
        return wrong ? Optional.empty() : Optional.of(List.copyOf(items));
    }

    private Optional<Object> map(String name, MappingFields.Field field) {
        if (!(field.value() instanceof MappingNode mapping)) {
            problems.at(field.value(), field.path(), name + " must be a mapping of names to values, e.g. { KEY: value }; found "
                    + YamlNodes.describe(field.value()));
            return Optional.empty();
        }
        Map<String, String> entries = new LinkedHashMap<>();
        boolean wrong = false;
        for (MappingFields.Field entry : MappingFields.read(mapping, field.path(), null, name, problems).all()) {
            if (!YamlNodes.isScalar(entry.value())) {
                problems.at(entry.value() == null ? entry.keyNode() : entry.value(), entry.path(),
                        "'" + entry.key() + "' must be a plain value, found " + YamlNodes.describe(entry.value()));
                wrong = true;
            } else {
                entries.put(entry.key(), YamlNodes.text(entry.value()));
            }
        }
        return wrong ? Optional.empty() : Optional.of(Collections.unmodifiableMap(entries));
    }

    private static String accepted(StepType type, Map<String, StepParameter> declared) {
        if (declared.isEmpty()) {
            return "step type '" + type.name() + "' takes no parameters";
        }
        return "step type '" + type.name() + "' accepts: " + declared.values().stream()
                .map(p -> p.name() + (p.required() ? " (required)" : ""))
                .collect(Collectors.joining(", "));
    }

    private static String described(StepParameter parameter) {
        return parameter.description() == null || parameter.description().isBlank() ? ""
                : " (" + parameter.description() + ")";
    }
}
