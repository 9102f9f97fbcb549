package dev.cutover.runbook;

import dev.cutover.step.StepType;
import dev.cutover.step.StepTypeCatalog;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** Reads the steps of a runbook, their rollbacks, and checks step ids are unique across it. */
final class StepReader {

    static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
    private static final List<String> STEP_KEYS =
            List.of("id", "type", "owner", "escalation", "timeout", "retries", "onFailure", "autoResume", "with",
                    "rollback");
    private static final List<String> ROLLBACK_KEYS = List.of("type", "with");

    private final StepTypeCatalog stepTypes;
    private final WithParametersCheck withCheck;
    private final YamlProblems problems;
    private final Map<String, Node> firstIds = new HashMap<>();
    private final Map<String, String> firstIdPaths = new HashMap<>();

    StepReader(StepTypeCatalog stepTypes, Map<String, RunbookEnvironment> environments, YamlProblems problems) {
        this.stepTypes = stepTypes;
        this.withCheck = new WithParametersCheck(environments, problems);
        this.problems = problems;
    }

    /** Reads one step; {@code phaseOnFailure} applies when the step has no {@code onFailure:} of its own. */
    Optional<RunbookStep> read(Node node, String path, OnFailure phaseOnFailure) {
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, path, "a step must be a mapping with id and type, found " + YamlNodes.describe(node)
                    + "; e.g. - { id: freeze-writes, type: command, with: { run: scripts/freeze.sh } }");
            return Optional.empty();
        }
        MappingFields fields = MappingFields.read(mapping, path, STEP_KEYS, "a step", problems);
        String id = id(fields).orElse(null);
        Optional<StepType> type = stepType(fields, "add the step's type");
        String owner = fields.optionalText("owner", problems).orElse(null);
        String escalation = fields.optionalText("escalation", problems).orElse(null);
        Duration timeout = timeout(fields);
        int retries = retries(fields);
        OnFailure onFailure = onFailure(fields, phaseOnFailure, problems);
        Map<String, Object> with = type
                .map(t -> withCheck.check(t, fields.get("with"), mapping, YamlNodes.child(path, "with"), timeout))
                .orElse(Map.of());
        boolean autoResume = autoResume(fields, type);
        return Optional.of(new RunbookStep(id, type.map(StepType::name).orElse(null), owner, escalation,
                timeout, retries, with, rollback(fields, timeout), onFailure, autoResume));
    }

    /** {@code autoResume:} true or false (default), and only on a step type that is safe to run again. */
    private boolean autoResume(MappingFields fields, Optional<StepType> type) {
        Optional<String> text = fields.optionalText("autoResume", problems);
        if (text.isEmpty()) {
            return false;
        }
        MappingFields.Field field = fields.get("autoResume").orElseThrow();
        String value = text.get().trim();
        if (!value.equals("true") && !value.equals("false")) {
            problems.at(field.value(), field.path(), "autoResume must be true or false, found '" + value + "'");
            return false;
        }
        boolean autoResume = value.equals("true");
        if (autoResume && type.isPresent() && !type.get().resumable()) {
            TreeSet<String> resumable = new TreeSet<>();
            stepTypes.all().stream().filter(StepType::resumable).forEach(t -> resumable.add(t.name()));
            problems.at(field.value(), field.path(), "a " + type.get().name() + " step cannot resume by itself after "
                    + "its service instance died: running it again could repeat what it changed, so a person decides. "
                    + "Remove autoResume; it is allowed on step types that are safe to run again: "
                    + String.join(", ", resumable));
            return false;
        }
        return autoResume;
    }

    private Optional<String> id(MappingFields fields) {
        Optional<String> id = fields.requiredText("id", "every step needs an id unique in the runbook, e.g. id: freeze-writes", problems);
        if (id.isEmpty()) {
            return id;
        }
        MappingFields.Field field = fields.get("id").orElseThrow();
        if (!RunbookParser.NAME.matcher(id.get()).matches()) {
            problems.at(field.value(), field.path(), "step id '" + id.get() + "' must be lowercase letters, digits "
                    + "and '-', starting with a letter or digit, e.g. freeze-writes");
        }
        Node first = firstIds.putIfAbsent(id.get(), field.value());
        if (first != null) {
            problems.at(field.value(), field.path(), "duplicate step id '" + id.get() + "': it is first used at "
                    + YamlProblems.where(first) + " (" + firstIdPaths.get(id.get()) + "); step ids must be unique "
                    + "across the whole runbook");
        } else {
            firstIdPaths.put(id.get(), field.path());
        }
        return id;
    }

    private Optional<StepType> stepType(MappingFields fields, String hint) {
        TreeSet<String> known = new TreeSet<>();
        stepTypes.all().forEach(t -> known.add(t.name()));
        Optional<String> name = fields.requiredText("type", hint + "; known types: " + String.join(", ", known), problems);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Optional<StepType> type = stepTypes.find(name.get());
        if (type.isEmpty()) {
            MappingFields.Field field = fields.get("type").orElseThrow();
            problems.at(field.value(), field.path(), "unknown step type '" + name.get() + "'"
                    + ClosestMatch.hint(name.get(), known) + "; known types: " + String.join(", ", known));
        }
        return type;
    }

    private Duration timeout(MappingFields fields) {
        Optional<String> text = fields.optionalText("timeout", problems);
        if (text.isEmpty()) {
            return DEFAULT_TIMEOUT;
        }
        MappingFields.Field field = fields.get("timeout").orElseThrow();
        try {
            Duration timeout = Durations.parse(text.get());
            if (timeout.isZero()) {
                problems.at(field.value(), field.path(), "timeout must be longer than zero; leave it out for the default of 1h");
            }
            return timeout;
        } catch (IllegalArgumentException e) {
            problems.at(field.value(), field.path(), "bad timeout: " + e.getMessage());
            return DEFAULT_TIMEOUT;
        }
    }

    private int retries(MappingFields fields) {
        Optional<String> text = fields.optionalText("retries", problems);
        if (text.isEmpty()) {
            return 0;
        }
        MappingFields.Field field = fields.get("retries").orElseThrow();
        try {
            int retries = Integer.parseInt(text.get().trim());
            if (retries >= 0) {
                return retries;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.at(field.value(), field.path(), "retries must be a whole number of 0 or more (extra attempts after a "
                + "failure), found '" + text.get() + "'");
        return 0;
    }

    /** A step's or a phase's {@code onFailure:}, or {@code fallback} when left out or unknown (then reported). */
    static OnFailure onFailure(MappingFields fields, OnFailure fallback, YamlProblems problems) {
        Optional<String> text = fields.optionalText("onFailure", problems);
        if (text.isEmpty()) {
            return fallback;
        }
        Optional<OnFailure> value = OnFailure.fromYaml(text.get());
        if (value.isEmpty()) {
            MappingFields.Field field = fields.get("onFailure").orElseThrow();
            problems.at(field.value(), field.path(), "unknown onFailure '" + text.get() + "'"
                    + ClosestMatch.hint(text.get(), OnFailure.yamlNames()) + "; allowed values: "
                    + String.join(", ", OnFailure.yamlNames()) + " (stop: wait for a person, the default; rollback: "
                    + "roll the cutover back automatically while that is still lossless)");
        }
        return value.orElse(fallback);
    }

    private StepRollback rollback(MappingFields fields, Duration stepTimeout) {
        Optional<MappingFields.Field> field = fields.get("rollback");
        if (field.isEmpty()) {
            return StepRollback.typeDefault();
        }
        Node value = field.get().value();
        String hint = "write rollback: none, or rollback: { type: command, with: { ... } }, or leave rollback out "
                + "to use the step type's own rollback";
        if (YamlNodes.isScalar(value) && YamlNodes.text(value).equals("none")) {
            return StepRollback.none();
        }
        if (!(value instanceof MappingNode mapping)) {
            problems.at(YamlNodes.isNull(value) ? field.get().keyNode() : value, field.get().path(),
                    "rollback " + (YamlNodes.isNull(value) ? "is empty" : "is " + YamlNodes.describe(value)) + ": " + hint);
            return StepRollback.typeDefault();
        }
        MappingFields rollback = MappingFields.read(mapping, field.get().path(), ROLLBACK_KEYS, "a rollback", problems);
        Optional<StepType> type = stepType(rollback, "a rollback runs a step of some type");
        Map<String, Object> with = type
                .map(t -> withCheck.check(t, rollback.get("with"), mapping, YamlNodes.child(field.get().path(), "with"),
                        stepTimeout))
                .orElse(Map.of());
        return new StepRollback(StepRollback.Kind.STEP, type.map(StepType::name).orElse(null), with);
    }
}
