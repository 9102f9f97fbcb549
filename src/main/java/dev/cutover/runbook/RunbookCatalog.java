package dev.cutover.runbook;

import dev.cutover.step.StepTypeCatalog;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The runbooks of the service: every {@code *.yaml} and {@code *.yml} file of the directory set by
 * {@code cutover.runbooks.location} (default {@code ./runbooks}), loaded at startup and on
 * {@link #reload()}. Invalid runbooks never stop the service: they are listed with their problems.
 */
@Component
public class RunbookCatalog {

    private static final Logger log = LoggerFactory.getLogger(RunbookCatalog.class);
    private static final Comparator<RunbookEntry> BY_NAME =
            Comparator.comparing(RunbookEntry::name).thenComparing(RunbookEntry::file);

    private final RunbookParser parser;
    private final Path location;
    private volatile List<RunbookEntry> entries = List.of();
    /** The text each valid runbook was loaded from, by name: what a new cutover pins. */
    private volatile Map<String, RunbookText> texts = Map.of();

    public RunbookCatalog(StepTypeCatalog stepTypes, @Value("${cutover.runbooks.location:./runbooks}") String location) {
        this.parser = new RunbookParser(stepTypes);
        this.location = Path.of(location);
        reload();
    }

    /** The directory runbooks are loaded from. */
    public Path location() {
        return location;
    }

    /** Every runbook file, valid or not, sorted by runbook name. */
    public List<RunbookEntry> list() {
        return entries;
    }

    /** The runbook of that name, valid or not; when two files share a name, the one loaded first. */
    public Optional<RunbookEntry> find(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** The runbook of that name if it is valid. */
    public Optional<Runbook> findValid(String name) {
        return find(name).flatMap(RunbookEntry::validRunbook);
    }

    /** The text the valid runbook of that name was loaded from, for a cutover to pin. */
    public Optional<RunbookText> text(String name) {
        return Optional.ofNullable(texts.get(name));
    }

    /**
     * Parses a pinned runbook text (stored with a cutover) with today's step types.
     *
     * @throws IllegalStateException naming the first problem when the text no longer validates
     */
    public Runbook parsePinned(RunbookText pinned) {
        RunbookEntry entry = parser.parse(pinned.file(), pinned.text()).entry();
        return entry.validRunbook().orElseThrow(() -> new IllegalStateException("the runbook text pinned by the cutover ("
                + pinned.file() + ", sha256 " + pinned.sha256() + ") no longer validates: " + entry.problems().get(0)));
    }

    /**
     * Checks a runbook text without adding it to the catalog (for a posted runbook).
     *
     * @param fileName the name to report problems against, e.g. {@code gcp-to-aws.yaml}
     * @return the problems; empty when the runbook is valid
     */
    public List<RunbookProblem> validate(String fileName, String yamlText) {
        String file = fileName == null || fileName.isBlank() ? "runbook.yaml" : fileName;
        return parser.parse(file, yamlText == null ? "" : yamlText).entry().problems();
    }

    /** Reads the directory again and replaces the catalog with what it holds now. */
    public synchronized void reload() {
        List<RunbookEntry> loaded = new ArrayList<>();
        Map<String, RunbookEntry> firstByName = new HashMap<>();
        Map<String, RunbookText> loadedTexts = new HashMap<>();
        for (Path file : runbookFiles()) {
            Loaded read = load(file);
            RunbookParser.Parsed parsed = read.parsed();
            RunbookEntry first = firstByName.putIfAbsent(parsed.entry().name(), parsed.entry());
            loaded.add(first == null ? parsed.entry() : sameNameAs(first, parsed));
            if (first == null && parsed.entry().valid()) {
                loadedTexts.put(parsed.entry().name(), RunbookText.of(parsed.entry().name(), parsed.entry().file(), read.text()));
            }
        }
        loaded.sort(BY_NAME);
        texts = Map.copyOf(loadedTexts);
        entries = List.copyOf(loaded);
        long invalid = loaded.stream().filter(e -> !e.valid()).count();
        log.info("Loaded {} runbook(s) from {} ({} invalid)", loaded.size(), location.toAbsolutePath(), invalid);
        loaded.stream().filter(e -> !e.valid()).forEach(e -> log.warn("Runbook '{}' ({}) is invalid:\n  {}", e.name(),
                e.file(), e.problems().stream().map(RunbookProblem::toString).collect(Collectors.joining("\n  "))));
    }

    private List<Path> runbookFiles() {
        if (!Files.isDirectory(location)) {
            log.warn("Runbook directory {} does not exist: the runbook catalog is empty "
                    + "(set cutover.runbooks.location to the directory holding the runbook files)", location.toAbsolutePath());
            return List.of();
        }
        try (Stream<Path> files = Files.list(location)) {
            return files.filter(Files::isRegularFile).filter(RunbookCatalog::isRunbookFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            log.warn("Cannot list runbook directory {}: {}; the runbook catalog is empty", location.toAbsolutePath(), e.toString());
            return List.of();
        }
    }

    private static boolean isRunbookFile(Path path) {
        String name = path.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && (lower.endsWith(".yaml") || lower.endsWith(".yml"));
    }

    private record Loaded(RunbookParser.Parsed parsed, String text) {
    }

    private Loaded load(Path path) {
        String file = path.getFileName().toString();
        try {
            // Characters are at least one byte each: a larger file cannot be a runbook, so it is not read.
            long bytes = Files.size(path);
            if (bytes > 4L * RunbookParser.MAX_CHARACTERS) {
                return new Loaded(unreadable(file, RunbookParser.tooLarge(bytes)), null);
            }
            String text = Files.readString(path, StandardCharsets.UTF_8);
            return new Loaded(parser.parse(file, text), text);
        } catch (CharacterCodingException e) {
            return new Loaded(unreadable(file, "the file is not UTF-8 text; save it as UTF-8"), null);
        } catch (IOException | RuntimeException e) {
            return new Loaded(unreadable(file, "the file cannot be read: " + reason(e)
                    + "; check that the service's user may read it"), null);
        }
    }

    /** What went wrong in words, without Java class names. */
    private static String reason(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "it disappeared while being read";
        }
        return e.getMessage() == null ? "an input/output error" : e.getMessage();
    }

    private static RunbookParser.Parsed unreadable(String file, String message) {
        return new RunbookParser.Parsed(new RunbookEntry(RunbookParser.withoutExtension(file), null, file,
                List.of(new RunbookProblem(file, 1, 1, "", message)), null), 1, 1);
    }

    private static RunbookEntry sameNameAs(RunbookEntry first, RunbookParser.Parsed parsed) {
        RunbookEntry entry = parsed.entry();
        List<RunbookProblem> problems = new ArrayList<>(entry.problems());
        problems.add(new RunbookProblem(entry.file(), parsed.nameLine(), parsed.nameColumn(), "name",
                "runbook name '" + entry.name() + "' is already used by " + first.file()
                        + ": runbook names must be unique; rename one of them"));
        problems.sort(Comparator.comparingInt(RunbookProblem::line).thenComparingInt(RunbookProblem::column));
        return new RunbookEntry(entry.name(), entry.description(), entry.file(), problems, null);
    }
}
