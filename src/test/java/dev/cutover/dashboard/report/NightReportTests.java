package dev.cutover.dashboard.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import dev.cutover.testsupport.TestRunbooks;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The report of a whole rehearsal night over real HTTP: a wait, a command with a declared rollback,
 * a manual gate approved with a comment and a checklist, a command that fails once and succeeds on its
 * retry, a command that prints a secret; then a rollback of everything. The report is read in JSON,
 * Markdown and HTML, and a second night is compared with the first.
 */
public class NightReportTests extends ServiceTest {

    /** Also used by the dashboard's browser test of the report. */
    public static final String RUNBOOK = """
            name: night-report
            description: A rehearsal night for the report's tests; wait, command and manual steps only
            environments:
              local: { connections: {} }
            phases:
              - name: prepare
                steps:
                  - id: settle
                    type: wait
                    owner: devops-lead
                    with: { duration: 1s }
                  - id: write-marker
                    type: command
                    owner: devops-lead
                    with: { run: "echo prepared >> @WORK@/$CUTOVER_ID.night" }
                    rollback: { type: command, with: { run: "echo undone >> @WORK@/$CUTOVER_ID.night" } }
              - name: go
                steps:
                  - id: go-no-go
                    type: manual
                    owner: cto
                    with: { instructions: "Say go when the bridge agrees", checklist: ["snapshot taken", "TTL is 60 s"] }
                  - id: flaky
                    type: command
                    owner: dba
                    retries: 1
                    with: { run: "test -f @WORK@/$CUTOVER_ID.tried || { touch @WORK@/$CUTOVER_ID.tried; echo 'first try: replica not caught up' >&2; exit 3; }; echo caught up" }
                    rollback: { type: command, with: { run: "echo flaky undone" } }
                  - id: leak-check
                    type: command
                    owner: devops-lead
                    with: { run: "echo \\"token is $TOKEN\\"", env: { TOKEN: "${file:@WORK@/secret-token}" } }
                    rollback: { type: command, with: { run: "echo leak-check undone" } }
            """;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeEach
    void addRunbook() {
        if (api.get("viewer", "/api/runbooks/night-report").status() != 200) {
            RUNBOOKS.add("night-report.yaml", RUNBOOK);
            assertThat(api.post("operator", "/api/runbooks/reload", null).status()).isEqualTo(200);
        }
    }

    /** Runs the whole night: both phases, the approval, then a rollback; returns the cutover's id. */
    public static String night(Api api, String comment) {
        Api.Answer created = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"night-report\",\"environment\":\"local\",\"rehearsal\":true}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.body().path("id").asString();
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/prepare/start", null).status()).isEqualTo(202);
        api.awaitState(id, "READY");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/go/start", null).status()).isEqualTo(202);
        api.awaitState(id, "AWAITING_APPROVAL");
        Api.Answer approved = api.post("approver", "/api/cutovers/" + id + "/steps/go-no-go/approve",
                "{\"comment\":\"" + comment + "\",\"checkedItems\":[\"snapshot taken\",\"TTL is 60 s\"]}");
        assertThat(approved.status()).as(approved.text()).isEqualTo(200);
        api.awaitCutover(id, c -> "COMPLETED".equals(c.path("state").asString()), 30);
        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
        api.awaitState(id, "ROLLED_BACK");
        return id;
    }

    @Test
    void theReportOfARehearsalHoldsTheNightInJsonMarkdownAndHtml() throws Exception {
        String first = night(api, "first night, bridge agrees");
        JsonNode firstReport = JSON.readTree(fetch("/api/cutovers/" + first + "/report", "application/json").body());
        // Earlier rehearsals of this runbook may exist (other tests create some that never ran): count from here.
        int before = firstReport.at("/comparison/previousRehearsals").asInt();
        assertThat(firstReport.at("/comparison/previous").valueStream().map(p -> p.path("cutoverId").asString()))
                .doesNotContain(first);

        String id = night(api, "bridge agrees | go");
        JsonNode cutover = api.get("viewer", "/api/cutovers/" + id).body();
        long events = api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").body().path("total").asLong();

        // ---- JSON: well-formed, with every part of the night ----
        HttpResponse<String> jsonAnswer = fetch("/api/cutovers/" + id + "/report", null);
        assertThat(jsonAnswer.statusCode()).isEqualTo(200);
        assertThat(jsonAnswer.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode report = JSON.readTree(jsonAnswer.body());

        JsonNode header = report.path("header");
        assertThat(header.path("runbook").asString()).isEqualTo("night-report");
        assertThat(header.path("runbookSha256").asString()).isEqualTo(cutover.path("runbookSha256").asString())
                .hasSize(64);
        assertThat(header.path("environment").asString()).isEqualTo("local");
        assertThat(header.path("rehearsal").asBoolean()).isTrue();
        assertThat(header.path("state").asString()).isEqualTo("ROLLED_BACK");
        assertThat(header.path("createdBy").asString()).isEqualTo("operator");
        assertThat(header.path("startedAt").isNull()).isFalse();
        assertThat(header.path("endedAt").isNull()).isFalse();
        assertThat(header.path("durationSeconds").asDouble()).isGreaterThan(2.0);

        // Timeline: every step with its durations, attempts and the first night's forecast.
        assertThat(report.path("timeline").valueStream().map(p -> p.path("name").asString())).containsExactly("prepare", "go");
        JsonNode settle = stepLine(report, "settle");
        assertThat(settle.path("durationSeconds").asDouble()).isBetween(1.0, 10.0);
        assertThat(settle.path("outcome").asString()).isEqualTo("succeeded");
        assertThat(settle.path("state").asString()).isEqualTo("ROLLED_BACK");
        assertThat(settle.path("forecast").path("samples").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(settle.path("forecast").path("p50Seconds").asDouble()).isGreaterThanOrEqualTo(1.0);
        assertThat(settle.path("forecast").path("verdict").asString())
                .isIn("as forecast", "under p50", "between p50 and p90", "over p90");
        JsonNode flaky = stepLine(report, "flaky");
        assertThat(flaky.path("attempts").asInt()).as("one failure and its retry").isEqualTo(2);
        assertThat(flaky.path("runs").asInt()).isEqualTo(1);
        assertThat(flaky.path("outcome").asString()).isEqualTo("succeeded");
        assertThat(flaky.path("durationSeconds").asDouble()).as("the retry's back-off is in the step's time")
                .isGreaterThanOrEqualTo(1.0);
        JsonNode gate = stepLine(report, "go-no-go");
        assertThat(gate.path("attempts").asInt()).isEqualTo(1);
        assertThat(gate.path("durationSeconds").asDouble()).isPositive();
        for (JsonNode phase : report.path("timeline")) {
            for (JsonNode step : phase.path("steps")) {
                assertThat(step.path("startedAt").isNull()).as(step.toString()).isFalse();
                assertThat(step.path("endedAt").isNull()).as(step.toString()).isFalse();
            }
        }

        // Decisions: who, when, from where, and what they saw.
        JsonNode approval = decision(report, "approve");
        assertThat(approval.path("actor").asString()).isEqualTo("approver");
        assertThat(approval.path("origin").asString()).isEqualTo("127.0.0.1");
        assertThat(approval.path("stepId").asString()).isEqualTo("go-no-go");
        assertThat(approval.path("evidence").path("comment").asString()).isEqualTo("bridge agrees | go");
        assertThat(approval.path("evidence").path("checkedItems").valueStream().map(JsonNode::asString))
                .containsExactly("snapshot taken", "TTL is 60 s");
        assertThat(approval.path("asked").path("instructions").asString()).isEqualTo("Say go when the bridge agrees");
        assertThat(approval.path("waitedSeconds").asDouble()).isPositive();
        assertThat(decision(report, "rollback").path("actor").asString()).isEqualTo("approver");
        assertThat(decision(report, "create").path("actor").asString()).isEqualTo("operator");
        assertThat(report.path("decisions").valueStream().filter(d -> "start-phase".equals(d.path("action").asString()))
                .map(d -> d.path("phase").asString())).containsExactly("prepare", "go");

        // The gate's evidence, as recorded when it opened.
        JsonNode gateEvidence = evidenceOf(report, "go-no-go");
        assertThat(gateEvidence.path("gate").asBoolean()).isTrue();
        assertThat(gateEvidence.path("evidence").path("approver").asString()).isEqualTo("approver");
        assertThat(gateEvidence.path("evidence").path("comment").asString()).isEqualTo("bridge agrees | go");
        assertThat(evidenceOf(report, "flaky").path("evidence").path("exitCode").asInt()).isZero();

        // The failure and its retry.
        List<JsonNode> incidents = report.path("failures").valueStream().toList();
        assertThat(incidents).anySatisfy(incident -> {
            assertThat(incident.path("stepId").asString()).isEqualTo("flaky");
            assertThat(incident.path("outcome").asString()).isEqualTo("retrying");
            assertThat(incident.path("message").asString()).contains("attempt 1 of 2 failed");
            assertThat(incident.path("evidence").path("stderrTail").asString()).contains("replica not caught up");
        });

        // The rollback: every step's inverse, last step first, each with its outcome.
        JsonNode rollback = report.path("rollback");
        assertThat(rollback.path("orderedBy").asString()).isEqualTo("approver");
        assertThat(rollback.path("outcome").asString()).isEqualTo("completed");
        List<String> order = rollback.path("inverses").valueStream().map(i -> i.path("stepId").asString()).toList();
        assertThat(order).containsExactly("leak-check", "flaky", "go-no-go", "write-marker", "settle");
        assertThat(rollback.path("inverses").valueStream().map(i -> i.path("outcome").asString()))
                .containsOnly("succeeded");
        assertThat(rollback.path("inverses").get(0).path("what").asString()).contains("command");

        // Against the first night.
        JsonNode comparison = report.path("comparison");
        assertThat(comparison.path("previousRehearsals").asInt()).isEqualTo(before + 1);
        assertThat(comparison.path("previous").get(before).path("cutoverId").asString()).isEqualTo(first);
        assertThat(comparison.path("steps")).hasSize(5);
        assertThat(comparison.path("thisTotalSeconds").asDouble()).isPositive();
        assertThat(comparison.path("total").path("p50Seconds").asDouble()).isPositive();

        assertThat(report.path("footer").path("eventCount").asLong()).isEqualTo(events);
        assertThat(report.path("footer").path("serviceVersion").asString()).isNotBlank().doesNotContain("@");
        assertThat(jsonAnswer.body()).doesNotContain(TestRunbooks.SECRET);

        // ---- Markdown ----
        HttpResponse<String> markdown = fetch("/api/cutovers/" + id + "/report", "text/markdown");
        java.nio.file.Path artifacts = java.nio.file.Files.createDirectories(java.nio.file.Paths.get("target", "screenshots"));
        java.nio.file.Files.writeString(artifacts.resolve("report.md"), markdown.body());
        java.nio.file.Files.writeString(artifacts.resolve("report.json"), jsonAnswer.body());
        assertThat(markdown.statusCode()).isEqualTo(200);
        assertThat(markdown.headers().firstValue("Content-Type").orElse("")).startsWith("text/markdown");
        String md = markdown.body();
        assertThat(md).contains("| Phase | Step | Type | Owner | Outcome | Start | End | Duration | Attempts | p50 | p90 | vs p50 |")
                .contains("|---|---|---|---|---|---|---|---|---|---|---|---|")
                .contains("|  | flaky | command | dba | succeeded, now rolled back |")
                .contains("approver from 127.0.0.1")
                .contains("comment: bridge agrees | go")            // in a list, a pipe needs no escape
                .contains("checkedItems: snapshot taken, TTL is 60 s")
                .contains("attempt 1 of 2 failed")
                .contains(header.path("runbookSha256").asString())
                .contains("## Against the previous rehearsals")
                .doesNotContain(TestRunbooks.SECRET);
        assertThat(md.indexOf("| 1 | leak-check |")).isPositive()
                .isLessThan(md.indexOf("| 2 | flaky |"));
        assertThat(md.indexOf("| 2 | flaky |")).isLessThan(md.indexOf("| 3 | go-no-go |"));
        assertThat(md.indexOf("| 4 | write-marker |")).isLessThan(md.indexOf("| 5 | settle |"));
        HttpResponse<String> byParameter = fetch("/api/cutovers/" + id + "/report?format=md", "application/json");
        assertThat(byParameter.headers().firstValue("Content-Type").orElse("")).as("format= wins over Accept")
                .startsWith("text/markdown");
        assertThat(byParameter.body()).startsWith("# Report of rehearsal " + id);

        // ---- HTML ----
        HttpResponse<String> html = fetch("/api/cutovers/" + id + "/report?format=html", null);
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(html.body()).contains("@media print").contains("@page")
                .contains("bridge agrees | go").contains("snapshot taken").contains("TTL is 60 s")
                .contains("approver").contains("127.0.0.1").contains("replica not caught up")
                .contains("Against the earlier rehearsals").doesNotContain(TestRunbooks.SECRET);
        // The dashboard's own path, for the browser: HTML by default.
        HttpResponse<String> page = fetch("/cutovers/" + id + "/report", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    }

    @Test
    void aMissingCutoverOrAnUnknownFormatIsAProblemThatSaysWhatExists() throws Exception {
        HttpResponse<String> anonymous = api.client().send(api.request(null, "/api/cutovers/any/report").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        HttpResponse<String> missing = fetch("/api/cutovers/no-such-cutover/report", "text/markdown");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(missing.body()).path("detail").asString()).contains("no-such-cutover");

        String id = createCutover("night-report");
        HttpResponse<String> pdf = fetch("/api/cutovers/" + id + "/report?format=pdf", null);
        assertThat(pdf.statusCode()).isEqualTo(400);
        assertThat(pdf.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(pdf.body()).path("detail").asString()).contains("'pdf'").contains("format=html")
                .contains("format=json").contains("format=md");

        HttpResponse<String> xml = fetch("/api/cutovers/" + id + "/report", "application/xml");
        assertThat(xml.statusCode()).isEqualTo(406);
        assertThat(xml.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(xml.body()).path("allowedFormats").valueStream().map(JsonNode::asString))
                .containsExactly("html", "json", "md");

        // Before anything ran, the report is short but true.
        JsonNode report = JSON.readTree(fetch("/api/cutovers/" + id + "/report", "*/*").body());
        assertThat(report.path("header").path("state").asString()).isEqualTo("READY");
        assertThat(report.path("header").path("startedAt").isNull()).isTrue();
        assertThat(report.path("rollback").isNull()).isTrue();
        assertThat(fetch("/api/cutovers/" + id + "/report", "text/html;q=0.5, text/markdown").body())
                .startsWith("# Report of rehearsal " + id);
    }

    private HttpResponse<String> fetch(String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = api.request("viewer", path).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        return api.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode stepLine(JsonNode report, String stepId) {
        for (JsonNode phase : report.path("timeline")) {
            for (JsonNode step : phase.path("steps")) {
                if (stepId.equals(step.path("id").asString())) {
                    return step;
                }
            }
        }
        throw new AssertionError("no step " + stepId + " in the timeline: " + report.path("timeline"));
    }

    private static JsonNode decision(JsonNode report, String action) {
        List<JsonNode> found = new ArrayList<>();
        report.path("decisions").forEach(d -> {
            if (action.equals(d.path("action").asString())) {
                found.add(d);
            }
        });
        assertThat(found).as("a decision " + action + " in " + report.path("decisions")).isNotEmpty();
        return found.get(found.size() - 1);
    }

    private static JsonNode evidenceOf(JsonNode report, String stepId) {
        return report.path("evidence").valueStream().filter(e -> stepId.equals(e.path("stepId").asString()))
                .findFirst().orElseThrow(() -> new AssertionError("no evidence of " + stepId));
    }
}
