package dev.cutover.runbook;

import dev.cutover.step.StepTypeCatalog;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads one runbook file with SnakeYAML's node API so that every problem names its line and
 * column. Collects all problems instead of stopping at the first; a runbook is built only when
 * there are none. Secret references are checked for form, never resolved.
 */
final class RunbookParser {

    /** Runbook names, phase names and step ids. */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final List<String> RUNBOOK_KEYS = List.of("name", "description", "window", "environments", "phases",
            "notify");
    /**
     * The most a runbook may hold. Real ones are a few KiB; SnakeYAML needs seconds to scan a few
     * MiB of scalar before its own code-point limit stops it, so larger texts are refused unread.
     */
    static final int MAX_CHARACTERS = 256 * 1024;
    private static final List<String> PHASE_KEYS = List.of("name", "description", "pointOfNoReturn", "onFailure", "steps");

    /** The catalog entry, and where its name is written (for problems about the name). */
    record Parsed(RunbookEntry entry, int nameLine, int nameColumn) {
    }

    private final StepTypeCatalog stepTypes;

    RunbookParser(StepTypeCatalog stepTypes) {
        this.stepTypes = stepTypes;
    }

    Parsed parse(String file, String text) {
        YamlProblems problems = new YamlProblems(file);
        String fallbackName = withoutExtension(file);
        if (text.length() > MAX_CHARACTERS) {
            problems.at(1, 1, "", tooLarge(text.length()));
            return invalid(fallbackName, file, problems, null);
        }
        Node root;
        try {
            root = new Yaml(loaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            problems.at(mark, "", "YAML syntax error: " + syntaxMessage(e)
                    + "; check the indentation and quoting at this point and just before it");
            return invalid(fallbackName, file, problems, mark);
        } catch (YAMLException e) {
            problems.at(1, 1, "", "the file is not readable YAML: " + guardMessage(e.getMessage()));
            return invalid(fallbackName, file, problems, null);
        }
        if (YamlNodes.isNull(root)) {
            problems.at(root, "", "the file is empty: a runbook needs name, environments and phases");
            return invalid(fallbackName, file, problems, null);
        }
        if (!(root instanceof MappingNode mapping)) {
            problems.at(root, "", "a runbook must be a mapping with name, description, environments and phases, found "
                    + YamlNodes.describe(root));
            return invalid(fallbackName, file, problems, root.getStartMark());
        }
        return parse(file, fallbackName, mapping, problems);
    }

    /** SnakeYAML's guards against alias expansion and deep nesting, with the size limit above. */
    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CHARACTERS);
        options.setMaxAliasesForCollections(50);
        options.setNestingDepthLimit(50);
        options.setAllowDuplicateKeys(true); // reported by MappingFields with both places, not thrown
        return options;
    }

    /** SnakeYAML's words for its guards, said the way a runbook author can act on. */
    private static String guardMessage(String message) {
        String text = message == null ? "" : message;
        if (text.startsWith("Number of aliases")) {
            return "it refers to lists or mappings through aliases (*name) more than 50 times, which could expand "
                    + "without end (a \"billion laughs\" file); write the values out instead";
        }
        if (text.startsWith("Nesting Depth exceeded")) {
            return "lists and mappings are nested more than 50 deep; a runbook needs fewer than 10 levels";
        }
        return text;
    }

    static String tooLarge(long characters) {
        return "the file holds %.1f MiB; a runbook may hold at most 256 KiB (real ones are a few KiB): check that this is the runbook you meant"
                .formatted(characters / (1024.0 * 1024.0));
    }

    private Parsed parse(String file, String fallbackName, MappingNode root, YamlProblems problems) {
        MappingFields fields = MappingFields.read(root, "", RUNBOOK_KEYS, "a runbook", problems);
        Optional<String> name = fields.requiredText("name", "every runbook needs a name, e.g. name: gcp-to-aws", problems);
        name.ifPresent(n -> checkName(n, fields.get("name").orElseThrow(), "runbook name", problems));
        String description = fields.optionalText("description", problems).orElse(null);
        Duration window = window(fields, problems);
        Map<String, RunbookEnvironment> environments = new EnvironmentsReader(problems).read(fields.get("environments"), root);
        StepReader stepReader = new StepReader(stepTypes, environments, problems);
        List<RunbookPhase> phases = phases(fields.get("phases"), root, stepReader, new GroupReader(stepReader, problems),
                problems);
        RunbookNotify notifications = new NotifyReader(problems).read(fields.get("notify"));
        new SecretReferenceCheck(problems).check(root, "");

        Node nameNode = fields.get("name").map(MappingFields.Field::value).filter(YamlNodes::isScalar).orElse(root);
        Mark nameMark = nameNode.getStartMark();
        List<RunbookProblem> found = problems.inFileOrder();
        Runbook runbook = found.isEmpty()
                ? new Runbook(name.get(), description, file, window, environments, phases, notifications) : null;
        RunbookEntry entry = new RunbookEntry(name.orElse(fallbackName), description, file, found, runbook);
        return new Parsed(entry, nameMark.getLine() + 1, nameMark.getColumn() + 1);
    }

    private List<RunbookPhase> phases(Optional<MappingFields.Field> field, Node root, StepReader steps, GroupReader groups,
                                      YamlProblems problems) {
        List<RunbookPhase> phases = new ArrayList<>();
        String example = "e.g. phases: [ { name: data-migration, steps: [ { id: full-sync, type: storage-sync } ] } ]";
        if (field.isEmpty() || YamlNodes.isNull(field.get().value())) {
            problems.at(field.map(MappingFields.Field::keyNode).orElse(root), "phases",
                    "no phases: a runbook needs at least one phase with steps, " + example);
            return phases;
        }
        if (!(field.get().value() instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
            problems.at(field.get().value(), "phases", "phases must be a non-empty list, " + example);
            return phases;
        }
        Map<String, String> firstNames = new HashMap<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            phase(sequence.getValue().get(i), YamlNodes.item("phases", i), steps, groups, firstNames, problems).ifPresent(phases::add);
        }
        return phases;
    }

    private Optional<RunbookPhase> phase(Node node, String path, StepReader steps, GroupReader groups,
                                         Map<String, String> firstNames, YamlProblems problems) {
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, path, "a phase must be a mapping with name and steps, found " + YamlNodes.describe(node));
            return Optional.empty();
        }
        MappingFields fields = MappingFields.read(mapping, path, PHASE_KEYS, "a phase", problems);
        Optional<String> name = fields.requiredText("name", "every phase needs a name, e.g. name: data-migration", problems);
        name.ifPresent(n -> {
            MappingFields.Field field = fields.get("name").orElseThrow();
            checkName(n, field, "phase name", problems);
            String first = firstNames.putIfAbsent(n, YamlProblems.where(field.value()) + " (" + field.path() + ")");
            if (first != null) {
                problems.at(field.value(), field.path(), "duplicate phase name '" + n + "': it is first used at " + first
                        + "; phase names must be unique");
            }
        });
        String description = fields.optionalText("description", problems).orElse(null);
        boolean pointOfNoReturn = pointOfNoReturn(fields, problems);
        OnFailure onFailure = StepReader.onFailure(fields, OnFailure.STOP, problems);
        List<RunbookStep> phaseSteps = new ArrayList<>();
        List<RunbookGroup> phaseGroups = new ArrayList<>();
        Optional<MappingFields.Field> stepsField = fields.get("steps");
        if (stepsField.isEmpty() || YamlNodes.isNull(stepsField.get().value())) {
            problems.at(stepsField.map(MappingFields.Field::keyNode).orElse(mapping), YamlNodes.child(path, "steps"),
                    "phase has no steps: add steps: with at least one step, e.g. - { id: freeze-writes, type: command }");
        } else if (!(stepsField.get().value() instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
            problems.at(stepsField.get().value(), stepsField.get().path(), "steps must be a non-empty list of steps "
                    + "and groups, e.g. - { id: freeze-writes, type: command }");
        } else {
            for (int i = 0; i < sequence.getValue().size(); i++) {
                Node item = sequence.getValue().get(i);
                String itemPath = YamlNodes.item(stepsField.get().path(), i);
                if (GroupReader.isGroup(item)) {
                    groups.read((MappingNode) item, itemPath, onFailure, phaseSteps).ifPresent(phaseGroups::add);
                } else {
                    steps.read(item, itemPath, onFailure).ifPresent(phaseSteps::add);
                }
            }
        }
        return Optional.of(new RunbookPhase(name.orElse(null), description, pointOfNoReturn, phaseSteps, onFailure,
                phaseGroups));
    }

    /** The cutover's time budget, e.g. {@code window: 6h}; none when left out. */
    private static Duration window(MappingFields fields, YamlProblems problems) {
        Optional<String> text = fields.optionalText("window", problems);
        if (text.isEmpty()) {
            return null;
        }
        MappingFields.Field field = fields.get("window").orElseThrow();
        try {
            Duration window = Durations.parse(text.get());
            if (window.isZero()) {
                problems.at(field.value(), field.path(), "window must be longer than zero: the time one cutover may take, "
                        + "e.g. window: 6h; leave it out when there is no budget");
                return null;
            }
            return window;
        } catch (IllegalArgumentException e) {
            problems.at(field.value(), field.path(), "bad window: " + e.getMessage()
                    + "; the window is the time one cutover may take, e.g. window: 6h");
            return null;
        }
    }

    private static boolean pointOfNoReturn(MappingFields fields, YamlProblems problems) {
        Optional<String> text = fields.optionalText("pointOfNoReturn", problems);
        if (text.isEmpty() || text.get().equalsIgnoreCase("false")) {
            return false;
        }
        if (text.get().equalsIgnoreCase("true")) {
            return true;
        }
        MappingFields.Field field = fields.get("pointOfNoReturn").orElseThrow();
        problems.at(field.value(), field.path(), "pointOfNoReturn must be true or false, found '" + text.get() + "'");
        return false;
    }

    private static void checkName(String name, MappingFields.Field field, String what, YamlProblems problems) {
        if (!NAME.matcher(name).matches()) {
            problems.at(field.value(), field.path(), what + " '" + name + "' must be lowercase letters, digits and '-', "
                    + "starting with a letter or digit, e.g. gcp-to-aws");
        }
    }

    private static String syntaxMessage(MarkedYAMLException e) {
        String problem = e.getProblem() == null ? "malformed YAML" : e.getProblem();
        if (problem.startsWith("Global tag is not allowed")) {
            return "a runbook takes plain values, not YAML tags such as !!" + problem.substring(problem.lastIndexOf(':') + 1)
                    + "; remove the tag";
        }
        if (e.getContext() == null) {
            return problem;
        }
        Mark context = e.getContextMark();
        return problem + " (" + e.getContext()
                + (context == null ? "" : " at line " + (context.getLine() + 1) + ", column " + (context.getColumn() + 1))
                + ")";
    }

    private static Parsed invalid(String name, String file, YamlProblems problems, Mark nameMark) {
        RunbookEntry entry = new RunbookEntry(name, null, file, problems.inFileOrder(), null);
        return nameMark == null ? new Parsed(entry, 1, 1) : new Parsed(entry, nameMark.getLine() + 1, nameMark.getColumn() + 1);
    }

    static String withoutExtension(String file) {
        String base = file.contains("/") ? file.substring(file.lastIndexOf('/') + 1) : file;
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }
}
