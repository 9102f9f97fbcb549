package dev.cutover.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runbooks built to exhaust the parser — alias expansion, deep nesting, huge scalars, huge keys —
 * are refused quickly with a problem that names a line, a column and what to do, never with an
 * exception or minutes of work.
 */
class YamlBombTest {

    private static final long QUICKLY_MS = 1_000;

    private final RunbookParser parser = new RunbookParser(TestStepTypes.catalog());

    @Test
    void aBillionLaughsAliasBombIsRefusedQuickly() {
        StringBuilder yaml = new StringBuilder("name: laughs\na0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int i = 1; i < 10; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                yaml.append(j == 0 ? "" : ",").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        yaml.append("phases: *a9\n");

        List<RunbookProblem> problems = refusedQuickly(yaml.toString());

        assertThat(problems.get(0).message()).contains("aliases", "more than 50 times");
    }

    @Test
    void deepNestingIsRefusedQuickly() {
        String yaml = "name: deep\nphases: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";

        List<RunbookProblem> problems = refusedQuickly(yaml);

        assertThat(problems.get(0).message()).contains("nested more than 50 deep");
    }

    @Test
    void aHugeScalarIsRefusedQuickly() {
        String yaml = "name: huge\ndescription: " + "x".repeat(5 * 1024 * 1024) + "\nphases: []\n";

        List<RunbookProblem> problems = refusedQuickly(yaml);

        assertThat(problems.get(0).message()).contains("MiB");
    }

    @Test
    void hugeValuesWhereNamesBelongAreAnsweredQuickly() {
        String big = "y".repeat(40 * 1024);
        String yaml = """
                name: %1$s
                environments:
                  local: { connections: { %1$s: { type: %1$s } } }
                phases:
                  - name: one
                    steps:
                      - { id: a, type: %1$s, with: { %1$s: x } }
                %1$s: x
                """.formatted(big);

        List<RunbookProblem> problems = refusedQuickly(yaml);

        assertThat(problems).allSatisfy(problem -> assertThat(problem.message().length()).isLessThan(2_000));
    }

    @Test
    void theLargestScalarALegalFileCanHoldIsAnsweredQuickly() {
        String yaml = "name: big\ndescription: " + "z".repeat(256 * 1024 - 100) + "\nphases: []\n";

        refusedQuickly(yaml);
    }

    private List<RunbookProblem> refusedQuickly(String yaml) {
        long started = System.nanoTime();
        List<RunbookProblem> problems = parser.parse("bomb.yaml", yaml).entry().problems();
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(problems).as("a problem for the bomb").isNotEmpty();
        assertThat(problems).allSatisfy(problem -> {
            assertThat(problem.line()).isPositive();
            assertThat(problem.column()).isPositive();
        });
        assertThat(tookMs).as("milliseconds to refuse it; problems: %s", problems.stream().limit(3)
                .map(p -> p.toString().substring(0, Math.min(300, p.toString().length()))).toList()).isLessThan(QUICKLY_MS);
        return problems;
    }
}
