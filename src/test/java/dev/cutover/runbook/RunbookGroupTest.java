package dev.cutover.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code - group:} elements of a phase: what they become, and what validation refuses, with file, line and field. */
class RunbookGroupTest {

    private final RunbookParser parser = new RunbookParser(TestStepTypes.catalog());

    private static String runbook(String steps) {
        return """
                name: grouped
                environments:
                  staging:
                    connections:
                      assets-gcs: { type: gcs, project: p }
                      assets-s3:  { type: s3, region: eu-west-1 }
                phases:
                  - name: cutover
                    steps:
                """ + steps.indent(6);
    }

    private List<RunbookProblem> problems(String steps) {
        return parser.parse("grouped.yaml", runbook(steps)).entry().problems();
    }

    @Test
    void aParallelGroupKeepsItsStepsInThePhaseAndRunsAsOneElement() {
        Runbook runbook = parser.parse("grouped.yaml", runbook("""
                - { id: freeze, type: command, with: { run: freeze.sh } }
                - group: checks-while-frozen
                  parallel: true
                  steps:
                    - { id: verify-a, type: command, with: { run: a.sh } }
                    - { id: verify-b, type: http-check, with: { url: "http://b" } }
                - group: labelled
                  steps:
                    - { id: promote, type: command, with: { run: promote.sh } }
                """)).entry().runbook();

        RunbookPhase phase = runbook.phases().get(0);
        assertThat(phase.steps()).extracting(RunbookStep::id).containsExactly("freeze", "verify-a", "verify-b", "promote");
        assertThat(phase.groups()).containsExactly(new RunbookGroup("checks-while-frozen", true, List.of("verify-a", "verify-b")),
                new RunbookGroup("labelled", false, List.of("promote")));
        assertThat(phase.elements()).extracting(e -> e.steps().stream().map(RunbookStep::id).toList())
                .containsExactly(List.of("freeze"), List.of("verify-a", "verify-b"), List.of("promote"));
        assertThat(phase.elements()).extracting(RunbookPhase.Element::parallel).containsExactly(false, true, false);
        assertThat(phase.parallelGroupOf("verify-b")).map(RunbookGroup::name).contains("checks-while-frozen");
        assertThat(phase.parallelGroupOf("promote")).isEmpty();
        assertThat(runbook.step("verify-b")).isPresent();
    }

    @Test
    void anEmptyGroupIsRefusedWhereItIsWritten() {
        assertThat(problems("""
                - group: nothing
                  parallel: true
                  steps: []
                """)).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("grouped.yaml");
            assertThat(p.line()).isEqualTo(12);
            assertThat(p.field()).isEqualTo("phases[0].steps[0].steps");
            assertThat(p.message()).contains("group 'nothing' has no steps");
        });
    }

    @Test
    void aStepOfAGroupWithAListForItsIdIsAProblemAtItsLineNotAnException() {
        // Found by RunbookFuzzTests in CI: the group's step ids were copied with the null of this step.
        assertThat(problems("""
                - group: checks
                  parallel: true
                  steps:
                    - { id: a, type: command, with: { run: a.sh } }
                    - { id: [b], type: command, with: { run: b.sh } }
                """)).isNotEmpty().allSatisfy(p -> assertThat(p.line()).isPositive())
                .anySatisfy(p -> assertThat(p.field()).startsWith("phases[0].steps[0].steps[1]"));
    }

    @Test
    void aGroupInsideAGroupIsRefused() {
        assertThat(problems("""
                - group: outer
                  parallel: true
                  steps:
                    - { id: a, type: command, with: { run: a.sh } }
                    - group: inner
                      steps: [ { id: b, type: command, with: { run: b.sh } } ]
                """)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(14);
            assertThat(p.field()).isEqualTo("phases[0].steps[0].steps[1]");
            assertThat(p.message()).contains("cannot hold another group");
        });
    }

    @Test
    void aStepIdUsedInAGroupAndOutsideIsADuplicate() {
        assertThat(problems("""
                - { id: a, type: command, with: { run: a.sh } }
                - group: checks
                  parallel: true
                  steps:
                    - { id: a, type: command, with: { run: again.sh } }
                """)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(14);
            assertThat(p.field()).isEqualTo("phases[0].steps[1].steps[0].id");
            assertThat(p.message()).contains("duplicate step id 'a'").contains("line 10");
        });
    }

    @Test
    void aStepThatNamesASiblingCannotRunBesideIt() {
        assertThat(problems("""
                - group: checks
                  parallel: true
                  steps:
                    - { id: sync, type: command, with: { run: sync.sh } }
                    - { id: after-sync, type: command, with: { run: check.sh, args: [sync] } }
                """)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(14);
            assertThat(p.field()).isEqualTo("phases[0].steps[0].steps[1].with");
            assertThat(p.message()).contains("'after-sync' names its sibling 'sync'");
        });
        assertThat(problems("""
                - group: plain-sequence
                  steps:
                    - { id: sync, type: command, with: { run: sync.sh } }
                    - { id: after-sync, type: command, with: { run: check.sh, args: [sync] } }
                """)).as("a plain sequence may depend on the step before").isEmpty();
    }

    @Test
    void aStepThatWaitsForAPersonCannotRunInParallel() {
        assertThat(problems("""
                - group: checks
                  parallel: true
                  steps:
                    - { id: approve, type: manual }
                    - { id: verify, type: command, with: { run: v.sh } }
                """)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("phases[0].steps[0].steps[0].type");
            assertThat(p.message()).contains("a manual step waits for a person");
        });
    }

    @Test
    void groupNamesAreUniqueAndParallelIsABoolean() {
        assertThat(problems("""
                - group: checks
                  parallel: yes-please
                  steps: [ { id: a, type: command, with: { run: a.sh } } ]
                - group: checks
                  steps: [ { id: b, type: command, with: { run: b.sh } } ]
                """)).extracting(RunbookProblem::message).satisfiesExactly(
                m -> assertThat(m).contains("parallel must be true or false"),
                m -> assertThat(m).contains("duplicate group name 'checks'"));
    }
}
