package dev.cutover.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunbookParserTest {

    private final RunbookParser parser = new RunbookParser(TestStepTypes.catalog());

    static final String VALID = """
            name: gcp-to-aws
            description: Move assets from GCP to AWS
            environments:
              staging:
                connections:
                  assets-gcs: { type: gcs, project: stage-proj, credentials: "${env:GCP_CREDENTIALS_FILE}" }
                  assets-s3:  { type: s3, region: eu-west-1 }
              production:
                connections:
                  assets-gcs: { type: gcs, project: prod-proj, credentials: "${file:/run/secrets/gcp.json}" }
                  assets-s3:  { type: s3, region: eu-west-1 }
            phases:
              - name: data-migration
                steps:
                  - id: full-sync
                    type: storage-sync
                    owner: devops-lead
                    escalation: "dba-oncall@example.com"
                    timeout: 6h
                    retries: 2
                    with: { source: assets-gcs, target: assets-s3, mode: full, concurrency: 32, dry-run: false }
                    rollback: none
              - name: cutover
                description: the window
                pointOfNoReturn: true
                steps:
                  - id: freeze-writes
                    type: command
                    timeout: 1h30m
                    with:
                      run: scripts/freeze.sh
                      timeout: 60s
                      env: { TARGET: db-1 }
                      args: [--all, --force]
                    rollback:
                      type: command
                      with: { run: scripts/unfreeze.sh }
                  - id: go-no-go
                    type: manual
            """;

    private List<RunbookProblem> problems(String yaml) {
        return parser.parse("test.yaml", yaml).entry().problems();
    }

    /** A runbook of one phase over connections a (gcs) and b (s3) with the given steps (YAML indented as a phase's). */
    private static String fromGcsToS3(String name, String steps) {
        return """
                name: %s
                environments:
                  staging: { connections: { a: { type: gcs }, b: { type: s3 } } }
                phases:
                  - name: one
                    steps:
                """.formatted(name) + steps;
    }

    @Test
    void validRunbookParsesIntoTheModel() {
        RunbookEntry entry = parser.parse("gcp-to-aws.yaml", VALID).entry();

        assertThat(entry.problems()).isEmpty();
        assertThat(entry.valid()).isTrue();
        Runbook runbook = entry.runbook();
        assertThat(runbook.name()).isEqualTo("gcp-to-aws");
        assertThat(runbook.description()).isEqualTo("Move assets from GCP to AWS");
        assertThat(runbook.file()).isEqualTo("gcp-to-aws.yaml");
        assertThat(runbook.environments()).containsOnlyKeys("staging", "production");
        RunbookConnection gcs = runbook.environments().get("staging").connections().get("assets-gcs");
        assertThat(gcs).isEqualTo(new RunbookConnection("assets-gcs", "gcs",
                Map.of("project", "stage-proj", "credentials", "${env:GCP_CREDENTIALS_FILE}")));

        assertThat(runbook.phases()).extracting(RunbookPhase::name, RunbookPhase::pointOfNoReturn, RunbookPhase::description)
                .containsExactly(tuple("data-migration", false, null), tuple("cutover", true, "the window"));

        RunbookStep sync = runbook.step("full-sync").orElseThrow();
        assertThat(sync).isEqualTo(new RunbookStep("full-sync", "storage-sync", "devops-lead", "dba-oncall@example.com",
                Duration.ofHours(6), 2,
                Map.of("source", "assets-gcs", "target", "assets-s3", "mode", "full", "concurrency", "32", "dry-run", "false"),
                StepRollback.none()));

        RunbookStep freeze = runbook.step("freeze-writes").orElseThrow();
        assertThat(freeze.timeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(freeze.retries()).isZero();
        assertThat(freeze.owner()).isNull();
        assertThat(freeze.with()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "run", "scripts/freeze.sh", "timeout", "60s", "env", Map.of("TARGET", "db-1"),
                "args", List.of("--all", "--force")));
        assertThat(freeze.rollback()).isEqualTo(new StepRollback(StepRollback.Kind.STEP, "command",
                Map.of("run", "scripts/unfreeze.sh")));

        RunbookStep approval = runbook.step("go-no-go").orElseThrow();
        assertThat(approval.timeout()).isEqualTo(Duration.ofHours(1));
        assertThat(approval.with()).isEmpty();
        assertThat(approval.rollback()).isEqualTo(StepRollback.typeDefault());
        assertThat(runbook.phaseOf("go-no-go")).map(RunbookPhase::name).contains("cutover");
    }

    @Test
    void threeMistakesGiveExactlyThreeProblemsWithTheirPlaces() {
        String yaml = """
                name: three-mistakes
                environments:
                  staging:
                    connections:
                      assets-gcs: { type: gcs }
                      assets-s3: { type: s3 }
                phases:
                  - name: one
                    steps:
                      - id: typo-type
                        type: comand
                        with: { run: x }
                  - name: two
                    steps:
                      - id: no-source
                        type: storage-sync
                        with:
                          target: assets-s3
                          mode: delta
                      - id: slow
                        type: command
                        timeout: 5 minutes
                        with: { run: scripts/x.sh }
                """;

        List<RunbookProblem> problems = problems(yaml);

        assertThat(problems).extracting(RunbookProblem::file, RunbookProblem::line, RunbookProblem::column, RunbookProblem::field)
                .containsExactly(
                        tuple("test.yaml", 11, 15, "phases[0].steps[0].type"),
                        tuple("test.yaml", 18, 11, "phases[1].steps[0].with.source"),
                        tuple("test.yaml", 22, 18, "phases[1].steps[1].timeout"));
        assertThat(problems.get(0).message()).contains("unknown step type 'comand'", "did you mean 'command'?",
                "known types: command, http-check, manual, storage-sync");
        assertThat(problems.get(1).message()).contains("missing required parameter 'source'", "storage-sync",
                "the bucket connection to copy from");
        assertThat(problems.get(2).message()).contains("bad timeout", "'5 minutes' is not a duration", "1h30m", "PT5M");
        assertThat(problems.get(0).toString()).startsWith("test.yaml:11:15: phases[0].steps[0].type: unknown step type");
    }

    @Test
    void windowIsTheCutoversTimeBudget() {
        Runbook withWindow = parser.parse("test.yaml", VALID.replace("description: Move assets from GCP to AWS\n",
                "description: Move assets from GCP to AWS\nwindow: 6h30m\n")).entry().runbook();
        Runbook without = parser.parse("test.yaml", VALID).entry().runbook();

        assertThat(withWindow.window()).isEqualTo(Duration.ofMinutes(390));
        assertThat(without.window()).as("no budget declared").isNull();
    }

    @Test
    void badWindowNamesFileLineAndField() {
        List<RunbookProblem> problems = problems(VALID.replace("description: Move assets from GCP to AWS\n",
                "description: Move assets from GCP to AWS\nwindow: six hours\n"));
        List<RunbookProblem> zero = problems(VALID.replace("description: Move assets from GCP to AWS\n",
                "description: Move assets from GCP to AWS\nwindow: 0s\n"));

        assertThat(problems).extracting(RunbookProblem::file, RunbookProblem::line, RunbookProblem::column,
                RunbookProblem::field).containsExactly(tuple("test.yaml", 3, 9, "window"));
        assertThat(problems.get(0).message()).contains("bad window", "'six hours' is not a duration", "window: 6h");
        assertThat(zero).extracting(RunbookProblem::line, RunbookProblem::field).containsExactly(tuple(3, "window"));
        assertThat(zero.get(0).message()).contains("longer than zero");
    }

    @Test
    void duplicateStepIdPointsAtTheSecondAndNamesTheFirst() {
        String yaml = """
                name: dup
                environments: { staging: {} }
                phases:
                  - name: one
                    steps:
                      - { id: probe, type: http-check, with: { url: "https://a" } }
                  - name: two
                    steps:
                      - id: probe
                        type: manual
                """;

        assertThat(problems(yaml)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("phases[1].steps[0].id");
            assertThat(p.line()).isEqualTo(9);
            assertThat(p.column()).isEqualTo(13);
            assertThat(p.message()).contains("duplicate step id 'probe'", "line 6, column 15", "phases[0].steps[0].id");
        });
    }

    @Test
    void connectionParameterMustNameAConnectionOfEveryEnvironment() {
        String yaml = """
                name: conn
                environments:
                  staging:
                    connections:
                      assets-gcs: { type: gcs }
                      assets-s3: { type: s3 }
                  production:
                    connections:
                      assets-gcs: { type: gcs }
                phases:
                  - name: sync
                    steps:
                      - id: copy
                        type: storage-sync
                        with: { source: assets-gsc, target: assets-s3, mode: full }
                """;

        assertThat(problems(yaml)).extracting(RunbookProblem::line, RunbookProblem::column, RunbookProblem::field,
                        RunbookProblem::message)
                .containsExactly(
                        tuple(15, 25, "phases[0].steps[0].with.source", "'source': no environment defines a connection "
                                + "named 'assets-gsc' (did you mean 'assets-gcs'?); connections defined: assets-gcs, assets-s3"),
                        tuple(15, 45, "phases[0].steps[0].with.target", "'target': connection 'assets-s3' is not defined "
                                + "in environment production; every environment must define the connections its steps use"));
    }

    @Test
    void unknownKeySuggestsTheClosestKnownOne() {
        String yaml = """
                name: keys
                environments: { staging: {} }
                phases:
                  - name: one
                    steps:
                      - id: wait
                        type: manual
                        timout: 5m
                """;

        assertThat(problems(yaml)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("phases[0].steps[0].timout");
            assertThat(p.line()).isEqualTo(8);
            assertThat(p.column()).isEqualTo(9);
            assertThat(p.message()).isEqualTo("unknown key 'timout' (did you mean 'timeout'?); a step accepts: "
                    + "id, type, owner, escalation, timeout, retries, onFailure, autoResume, with, rollback");
        });
    }

    @Test
    void yamlSyntaxErrorNamesLineAndColumn() {
        String yaml = """
                name: broken
                phases:
                  - name: one
                    steps: [ { id: a, type: manual }
                  - name: two
                """;

        List<RunbookProblem> problems = problems(yaml);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("test.yaml");
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.column()).isEqualTo(3);
            assertThat(p.message()).startsWith("YAML syntax error: ");
        });
        assertThat(parser.parse("broken-file.yaml", yaml).entry().name()).isEqualTo("broken-file");
    }

    @Test
    void wrongKindsOfWithParametersAreReported() {
        String yaml = fromGcsToS3("kinds", """
                      - id: sync
                        type: storage-sync
                        with: { source: a, target: b, mode: fulll, concurrency: many, dry-run: yes, extra: 1 }
                      - id: cmd
                        type: command
                        with: { run: [a, b], timeout: 60, env: [x], args: just-one }
                """);

        assertThat(problems(yaml)).extracting(RunbookProblem::field, RunbookProblem::message).containsExactly(
                tuple("phases[0].steps[0].with.mode", "'mode': 'fulll' is not one of full, delta, final (did you mean 'full'?)"),
                tuple("phases[0].steps[0].with.concurrency", "'concurrency': 'many' is not an integer: write digits only, e.g. 3"),
                tuple("phases[0].steps[0].with.dry-run", "'dry-run': 'yes' is not a boolean: write true or false"),
                tuple("phases[0].steps[0].with.extra", "unknown parameter 'extra' for step type 'storage-sync'; step type "
                        + "'storage-sync' accepts: source (required), target (required), mode (required), concurrency, dry-run"),
                tuple("phases[0].steps[1].with.run", "'run' must be a single value, not a list (the command line)"),
                tuple("phases[0].steps[1].with.timeout", "'timeout': '60' is not a duration: it has no unit; write e.g. 60s or 60m"),
                tuple("phases[0].steps[1].with.env", "'env' must be a mapping of names to values, e.g. { KEY: value }; found a list"),
                tuple("phases[0].steps[1].with.args", "'args' must be a list, e.g. [a, b] or one '- item' per line; found 'just-one'"));
    }

    @Test
    void aNegativeCountIsRefusedNotReadAsZero() {
        String yaml = fromGcsToS3("counts", """
                      - id: sync
                        type: storage-sync
                        with: { source: a, target: b, mode: full, concurrency: -2 }
                """);

        assertThat(problems(yaml)).extracting(RunbookProblem::field, RunbookProblem::message).containsExactly(
                tuple("phases[0].steps[0].with.concurrency", "'concurrency': '-2' is negative: it counts something; "
                        + "write 0 or more"));
    }

    @Test
    void structuralProblemsAreAllCollected() {
        String yaml = """
                name: Bad_Name
                colour: blue
                environments:
                  staging:
                    connections:
                      db: { url: "jdbc:mysql://db/orders", password: "${env:MYSQL-PASSWORD}" }
                phases:
                  - name: one
                    pointOfNoReturn: maybe
                    steps:
                      - id: Step_1
                        type: manual
                        retries: -1
                        rollback: undo
                  - name: one
                  - description: nameless
                    steps: []
                """;

        assertThat(problems(yaml)).extracting(RunbookProblem::line, RunbookProblem::field).containsExactly(
                tuple(1, "name"),
                tuple(2, "colour"),
                tuple(6, "environments.staging.connections.db.type"),
                tuple(6, "environments.staging.connections.db.password"),
                tuple(9, "phases[0].pointOfNoReturn"),
                tuple(11, "phases[0].steps[0].id"),
                tuple(13, "phases[0].steps[0].retries"),
                tuple(14, "phases[0].steps[0].rollback"),
                tuple(15, "phases[1].steps"),
                tuple(15, "phases[1].name"),
                tuple(16, "phases[2].name"),
                tuple(17, "phases[2].steps"));
    }

    @Test
    void missingTopLevelPartsAreReported() {
        assertThat(problems("description: nothing else\n")).extracting(RunbookProblem::field)
                .containsExactly("name", "environments", "phases");
        assertThat(problems("")).singleElement().extracting(RunbookProblem::message)
                .asString().contains("the file is empty");
        assertThat(problems("- a\n- b\n")).singleElement().extracting(RunbookProblem::message)
                .asString().contains("must be a mapping");
    }

    @Test
    void rollbackStepIsValidatedLikeAStep() {
        String yaml = """
                name: rb
                environments: { staging: {} }
                phases:
                  - name: one
                    steps:
                      - id: a
                        type: manual
                        rollback: { type: command, with: { script: x }, when: always }
                """;

        assertThat(problems(yaml)).extracting(RunbookProblem::field, RunbookProblem::message).containsExactly(
                tuple("phases[0].steps[0].rollback.with.run", "missing required parameter 'run' of step type 'command' "
                        + "(the command line); add it under with:"),
                tuple("phases[0].steps[0].rollback.with.script", "unknown parameter 'script' for step type 'command'; "
                        + "step type 'command' accepts: run (required), timeout, env, args"),
                tuple("phases[0].steps[0].rollback.when", "unknown key 'when'; a rollback accepts: type, with"));
    }

    @Test
    void malformedSecretReferencesAreReportedAnywhere() {
        String yaml = """
                name: secrets
                environments:
                  staging:
                    connections:
                      db: { type: mysql, password: "${env:OK_NAME}", token: "${vault:x}", key: "${file: }", cert: "${file:relative/path}" }
                phases:
                  - name: one
                    steps:
                      - id: a
                        type: command
                        with: { run: "echo ${HOME}", env: { PASSWORD: "${env:1BAD}" } }
                """;

        assertThat(problems(yaml)).extracting(RunbookProblem::field).containsExactly(
                "environments.staging.connections.db.token",
                "environments.staging.connections.db.key",
                "phases[0].steps[0].with.env.PASSWORD");
        assertThat(problems(yaml).get(0).message()).contains("${env:NAME}", "${file:/path}");
    }

    @Test
    void malformedReferencesInsideLongerValuesAreReportedWithLineAndColumn() {
        String yaml = """
                name: embedded
                environments:
                  staging:
                    connections:
                      db: { type: mysql, url: "jdbc:mysql://${vault:db-host}/orders" }
                phases:
                  - name: one
                    steps:
                      - id: a
                        type: http-check
                        with:
                          url: https://example.com/health
                          headers: { Authorization: "Bearer ${file:/etc/token" }
                      - id: b
                        type: command
                        with: { run: "curl -u ${env:USER}:${env:API_TOKEN} https://x ${HOME} ${PATH:-/bin}" }
                """;

        List<RunbookProblem> found = new RunbookParser(TestStepTypes.catalog()).parse("test.yaml", yaml).entry().problems();

        assertThat(found).extracting(RunbookProblem::line, RunbookProblem::column, RunbookProblem::field).containsExactly(
                tuple(5, 45, "environments.staging.connections.db.url"),
                tuple(13, 45, "phases[0].steps[0].with.headers.Authorization"));
        assertThat(found.get(0).message()).contains("${vault:", "${env:NAME}", "${file:/path}");
        assertThat(found.get(1).message()).contains("${file:", "not closed");
    }

    @Test
    void aConnectionOfTheWrongTypeIsRefusedWithFileLineFieldAndWhy() {
        String yaml = """
                name: shift
                environments:
                  production:
                    connections:
                      public-zone: { type: rfc2136, server: 127.0.0.1, zone: example.test. }
                phases:
                  - name: traffic
                    steps:
                      - id: shift-traffic
                        type: dns-shift
                        with:
                          connection: public-zone
                """;

        dev.cutover.step.StepTypeCatalog catalog = new dev.cutover.step.StepTypeCatalog(List.of(
                new TestStepTypes.FakeStepType("dns-shift", List.of(dev.cutover.step.StepParameter.connectionOf(
                        "connection", true, "dns-shift needs Route 53 weighted record sets; an rfc2136 zone has no "
                        + "weights, so use dns-switch there", "route53")))));

        List<RunbookProblem> found = new RunbookParser(catalog).parse("shift.yaml", yaml).entry().problems();

        assertThat(found).extracting(RunbookProblem::file, RunbookProblem::line, RunbookProblem::field).containsExactly(
                tuple("shift.yaml", 12, "phases[0].steps[0].with.connection"));
        assertThat(found.get(0).message()).contains("connection 'public-zone' must be of type route53",
                "production (type rfc2136)", "no weights", "use dns-switch");
    }

    @Test
    void duplicateKeysAndDuplicatePhaseNamesAreReported() {
        String yaml = """
                name: dups
                name: dups-again
                environments: { staging: {} }
                phases:
                  - { name: one, steps: [ { id: a, type: manual } ] }
                  - { name: one, steps: [ { id: b, type: manual } ] }
                """;

        assertThat(problems(yaml)).extracting(RunbookProblem::line, RunbookProblem::field, RunbookProblem::message)
                .containsExactly(
                        tuple(2, "name", "duplicate key 'name': it is already given at line 1, column 1; keep only one"),
                        tuple(6, "phases[1].name", "duplicate phase name 'one': it is first used at line 5, column 13 "
                                + "(phases[0].name); phase names must be unique"));
    }

    @Test
    void onFailureOfAPhaseIsTheDefaultOfItsStepsAndAStepsOwnOverridesIt() {
        Runbook runbook = parser.parse("test.yaml", """
                name: on-failure
                environments: { staging: {} }
                phases:
                  - name: plain
                    steps:
                      - { id: a, type: manual }
                  - name: guarded
                    onFailure: rollback
                    steps:
                      - { id: b, type: manual }
                      - { id: c, type: manual, onFailure: stop }
                  - name: mixed
                    steps:
                      - { id: d, type: manual, onFailure: rollback }
                """).entry().validRunbook().orElseThrow();

        assertThat(runbook.phases()).extracting(RunbookPhase::name, RunbookPhase::onFailure).containsExactly(
                tuple("plain", OnFailure.STOP), tuple("guarded", OnFailure.ROLLBACK), tuple("mixed", OnFailure.STOP));
        assertThat(runbook.phases().stream().flatMap(phase -> phase.steps().stream()))
                .extracting(RunbookStep::id, RunbookStep::onFailure).containsExactly(
                        tuple("a", OnFailure.STOP), tuple("b", OnFailure.ROLLBACK), tuple("c", OnFailure.STOP),
                        tuple("d", OnFailure.ROLLBACK));
    }

    @Test
    void autoResumeIsReadOnlyOnStepTypesThatMayRunAgainAndRefusedElsewhereWithLineAndField() {
        Runbook runbook = parser.parse("test.yaml", """
                name: resumable
                environments: { staging: {} }
                phases:
                  - name: one
                    steps:
                      - { id: probe, type: http-check, autoResume: true, with: { url: "http://example.com/" } }
                      - { id: approve, type: manual }
                """).entry().validRunbook().orElseThrow();
        assertThat(runbook.phases().get(0).steps()).extracting(RunbookStep::id, RunbookStep::autoResume)
                .containsExactly(tuple("probe", true), tuple("approve", false));

        List<RunbookProblem> found = problems("""
                name: not-resumable
                environments: { staging: {} }
                phases:
                  - name: one
                    steps:
                      - id: migrate
                        type: command
                        autoResume: true
                        with: { run: ./migrate.sh }
                      - { id: probe, type: http-check, autoResume: maybe, with: { url: "http://example.com/" } }
                """);
        assertThat(found).hasSize(2);
        assertThat(found.get(0).file()).isEqualTo("test.yaml");
        assertThat(found.get(0).line()).isEqualTo(8);
        assertThat(found.get(0).field()).isEqualTo("phases[0].steps[0].autoResume");
        assertThat(found.get(0).message()).startsWith("a command step cannot resume by itself after its service "
                + "instance died").endsWith("it is allowed on step types that are safe to run again: http-check, "
                + "storage-sync");
        assertThat(found.get(1).field()).isEqualTo("phases[0].steps[1].autoResume");
        assertThat(found.get(1).message()).isEqualTo("autoResume must be true or false, found 'maybe'");
    }

    @Test
    void anUnknownOnFailureNamesTheFileLineFieldAndTheAllowedValues() {
        List<RunbookProblem> found = problems("""
                name: on-failure
                environments: { staging: {} }
                phases:
                  - name: one
                    onFailure: rolback
                    steps:
                      - id: a
                        type: manual
                        onFailure: explode
                """);

        assertThat(found).extracting(RunbookProblem::line, RunbookProblem::field).containsExactly(
                tuple(5, "phases[0].onFailure"), tuple(9, "phases[0].steps[0].onFailure"));
        assertThat(found.get(0).message()).contains("'rolback'", "did you mean 'rollback'", "allowed values: stop, rollback");
        assertThat(found.get(1).toString()).startsWith("test.yaml:9:")
                .contains("phases[0].steps[0].onFailure", "unknown onFailure 'explode'", "allowed values: stop, rollback");
    }
}
