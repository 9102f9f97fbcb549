package dev.cutover.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunbookCatalogTest {

    @TempDir
    Path dir;

    private RunbookCatalog catalog() {
        return new RunbookCatalog(TestStepTypes.catalog(), dir.toString());
    }

    @Test
    void listsValidAndInvalidRunbooksSortedByNameWithoutThrowing() throws IOException {
        Files.writeString(dir.resolve("gcp-to-aws.yaml"), RunbookParserTest.VALID);
        Files.writeString(dir.resolve("broken.yml"), "name: a-broken\nphases: [ {\n");
        Files.writeString(dir.resolve("half.yaml"), """
                name: half-done
                environments: { staging: {} }
                phases:
                  - name: one
                    steps: [ { id: a, type: nope } ]
                """);
        Files.writeString(dir.resolve("notes.txt"), "not a runbook");

        RunbookCatalog catalog = catalog();

        assertThat(catalog.list()).extracting(RunbookEntry::name, RunbookEntry::file, RunbookEntry::valid).containsExactly(
                tuple("broken", "broken.yml", false),
                tuple("gcp-to-aws", "gcp-to-aws.yaml", true),
                tuple("half-done", "half.yaml", false));
        assertThat(catalog.find("half-done")).get().satisfies(e -> {
            assertThat(e.runbook()).isNull();
            assertThat(e.problems()).singleElement().extracting(RunbookProblem::field).isEqualTo("phases[0].steps[0].type");
        });
        assertThat(catalog.find("broken").orElseThrow().problems().get(0).message()).startsWith("YAML syntax error");
        assertThat(catalog.findValid("gcp-to-aws")).get().extracting(Runbook::name).isEqualTo("gcp-to-aws");
        assertThat(catalog.findValid("half-done")).isEmpty();
        assertThat(catalog.find("unknown")).isEmpty();
    }

    @Test
    void missingDirectoryGivesAnEmptyCatalog() {
        RunbookCatalog catalog = new RunbookCatalog(TestStepTypes.catalog(), dir.resolve("absent").toString());

        assertThat(catalog.list()).isEmpty();
    }

    @Test
    void secondFileWithTheSameNameIsListedInvalid() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), RunbookParserTest.VALID);
        Files.writeString(dir.resolve("b.yaml"), "# copy\n" + RunbookParserTest.VALID);

        RunbookCatalog catalog = catalog();

        assertThat(catalog.list()).extracting(RunbookEntry::file, RunbookEntry::valid)
                .containsExactly(tuple("a.yaml", true), tuple("b.yaml", false));
        assertThat(catalog.list().get(1).problems()).singleElement().satisfies(p -> {
            assertThat(p).extracting(RunbookProblem::file, RunbookProblem::line, RunbookProblem::column, RunbookProblem::field)
                    .containsExactly("b.yaml", 2, 7, "name");
            assertThat(p.message()).contains("'gcp-to-aws' is already used by a.yaml");
        });
        assertThat(catalog.find("gcp-to-aws")).get().extracting(RunbookEntry::file).isEqualTo("a.yaml");
    }

    @Test
    void reloadPicksUpChanges() throws IOException {
        RunbookCatalog catalog = catalog();
        assertThat(catalog.list()).isEmpty();

        Files.writeString(dir.resolve("gcp-to-aws.yaml"), RunbookParserTest.VALID);
        catalog.reload();

        assertThat(catalog.list()).extracting(RunbookEntry::name).containsExactly("gcp-to-aws");
    }

    @Test
    void validatesAPostedRunbookWithoutAddingIt() {
        RunbookCatalog catalog = catalog();

        assertThat(catalog.validate("posted.yaml", RunbookParserTest.VALID)).isEmpty();
        List<RunbookProblem> problems = catalog.validate("posted.yaml", RunbookParserTest.VALID.replace("retries: 2", "retries: two"));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("posted.yaml");
            assertThat(p.field()).isEqualTo("phases[0].steps[0].retries");
            assertThat(p.line()).isEqualTo(20);
            assertThat(p.column()).isEqualTo(18);
        });
        assertThat(catalog.list()).isEmpty();
    }
}
