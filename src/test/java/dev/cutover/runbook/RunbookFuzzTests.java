package dev.cutover.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Mutated runbooks ({@link RunbookMutator}) through the catalog's validation with every real step
 * type and connection type: no exception escapes, every problem names a line and a column inside
 * the file and says what is wrong in words (no Java class names), and no input takes long. Runs for
 * {@code -Dfuzz.duration} (5 s by default; {@code bench/fuzz-runbooks.sh} runs minutes) from
 * {@code -Dfuzz.seed} (random by default, printed, and written with any failing input under
 * {@code target/fuzz/} so a failure can be replayed).
 */
class RunbookFuzzTests extends ServiceTest {

    private static final Pattern JAVA_NAME = Pattern.compile(
            "\\b(java|javax|jakarta|org|com|dev|software|tools)\\.[a-z0-9]+\\.[A-Za-z]|[A-Za-z]Exception\\b");
    private static final long SLOW_MS = 2_000;

    @Autowired
    RunbookCatalog catalog;

    @Test
    void mutatedRunbooksGetProblemsWithLinesAndColumnsAndNeverAnException() throws IOException {
        Duration budget = Duration.parse(System.getProperty("fuzz.duration", "PT5S"));
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        RunbookMutator mutator = new RunbookMutator(seeds(), seed);
        Path findings = Path.of("target", "fuzz");
        List<String> failures = new ArrayList<>();
        long inputs = 0;
        long valid = 0;
        long problems = 0;
        long maxMs = 0;
        long deadline = System.nanoTime() + budget.toNanos();
        while (System.nanoTime() < deadline && failures.size() < 5) {
            String text = mutator.next();
            inputs++;
            long started = System.nanoTime();
            String failure;
            try {
                List<RunbookProblem> found = catalog.validate("fuzz.yaml", text);
                long tookMs = (System.nanoTime() - started) / 1_000_000;
                maxMs = Math.max(maxMs, tookMs);
                valid += found.isEmpty() ? 1 : 0;
                problems += found.size();
                failure = tookMs > SLOW_MS ? "took " + tookMs + " ms" : wrongProblem(found, text);
            } catch (RuntimeException | StackOverflowError e) {
                failure = "escaped: " + e;
            }
            if (failure != null) {
                Files.createDirectories(findings);
                Path input = findings.resolve("seed-" + seed + "-input-" + inputs + ".yaml");
                Files.writeString(input, text, StandardCharsets.UTF_8);
                failures.add(failure + " (input " + input + ")");
            }
        }
        String figures = "fuzz-runbooks: inputs=%d valid=%d problems=%d failures=%d max_ms=%d seed=%d"
                .formatted(inputs, valid, problems, failures.size(), maxMs, seed);
        System.out.println(figures);
        Files.createDirectories(findings);
        Files.writeString(findings.resolve("last-run.txt"), figures + System.lineSeparator(), StandardCharsets.UTF_8);

        assertThat(failures).as("replay with -Dfuzz.seed=%d", seed).isEmpty();
        assertThat(inputs).as("inputs tried").isGreaterThan(20);
    }

    /** What is wrong with the problems the validation answered, or null when they are fine. */
    private static String wrongProblem(List<RunbookProblem> found, String text) {
        long lines = text.lines().count() + 1;
        for (RunbookProblem problem : found) {
            if (problem.line() < 1 || problem.line() > lines || problem.column() < 1) {
                return "outside the file (" + lines + " lines): " + problem;
            }
            if (problem.message() == null || problem.message().isBlank() || problem.field() == null) {
                return "says nothing: " + problem;
            }
            Matcher java = JAVA_NAME.matcher(problem.message());
            while (java.find()) {
                if (!text.contains(java.group())) {
                    return "names Java: " + problem;
                }
            }
        }
        return null;
    }

    private static List<String> seeds() throws IOException {
        List<String> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("runbooks"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                seeds.add(Files.readString(file));
            }
        }
        seeds.add(RunbookParserTest.VALID);
        return seeds;
    }
}
