package dev.cutover.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Notifications delivered to real receivers: a recording HTTP server standing in for Slack, Teams,
 * PagerDuty and a webhook, and GreenMail as the SMTP server. Webhook URLs, the routing key and the
 * SMTP password come from secret files and must show up nowhere: not in the event log, not in the
 * cutover's API answers, not in the log output.
 */
@ExtendWith(OutputCaptureExtension.class)
class NotificationTests extends ServiceTest {

    private static final String SECRET_PATH = "XyZ0secretWebhookPath0987";
    private static final String PD_KEY = "R0UTINGkey0f0the0pager0service";
    private static final String SMTP_PASSWORD = "smtp-Pa55word-n0t-for-logs";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static RecordingReceiver receiver;

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("cutover@example.com", "cutover", SMTP_PASSWORD))
            .withPerMethodLifecycle(false);

    @BeforeAll
    static void receivers() throws Exception {
        receiver = new RecordingReceiver();
        secret("slack-url", receiver.url("/slack/T0/B0/" + SECRET_PATH));
        secret("teams-url", receiver.url("/teams/workflows/" + SECRET_PATH));
        for (String hook : List.of("hook", "retry", "final", "hang", "overrun", "rollback")) {
            secret(hook + "-url", receiver.url("/" + hook + "/" + SECRET_PATH));
        }
        secret("pd-url", receiver.url("/pd/v2/enqueue"));
        secret("pd-key", PD_KEY);
        secret("smtp-password", SMTP_PASSWORD);
        secret("smtp-wrong", "not-the-password");
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    private static void secret(String file, String value) throws Exception {
        Files.writeString(RUNBOOKS.work().resolve(file), value + "\n");
    }

    private static String runbook(String name, String steps, String notify) {
        return "name: " + name + "\nenvironments: { local: { connections: {} } }\nphases:\n  - name: only\n    steps:\n"
                + steps.indent(6) + "notify:\n" + notify.indent(2);
    }

    @Test
    void aWaitingGateReachesSlackTeamsAndTheWebhookInTheirOwnShapes(CapturedOutput output) {
        addRunbook("notify-gate.yaml", runbook("notify-gate", """
                - id: go-no-go
                  type: manual
                  owner: cto
                  with: { instructions: "Say go", checklist: ["snapshot taken"] }
                - id: done
                  type: command
                  with: { run: "true" }
                """, """
                channels:
                  war-room: { type: slack, url: "${file:@WORK@/slack-url}" }
                  ops-teams: { type: teams, url: "${file:@WORK@/teams-url}" }
                  audit: { type: webhook, url: "${file:@WORK@/hook-url}", headers: { X-Team: cutover } }
                routes:
                  - { on: [approval-waiting], to: [war-room, ops-teams, audit], mention: [owner, approvers] }
                  - { on: [cutover-completed], to: [audit] }
                """));
        String id = createCutover("notify-gate");
        String link = "http://localhost:8080/cutovers/" + id;
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/only/start", "").status()).isEqualTo(202);

        JsonNode slack = body(receiver.await("/slack/T0/B0/" + SECRET_PATH, forCutover(id), 1, Duration.ofSeconds(15)));
        String title = "REHEARSAL · notify-gate/local: gate go-no-go is waiting for an approver";
        assertThat(slack.path("text").asString()).isEqualTo(title + ": waiting for an approver");
        assertThat(slack.path("blocks").get(0).path("type").asString()).isEqualTo("header");
        assertThat(slack.path("blocks").get(0).path("text").path("text").asString()).isEqualTo(title);
        assertThat(slack.path("blocks").get(1).path("text").path("type").asString()).isEqualTo("mrkdwn");
        assertThat(slack.path("blocks").get(1).path("text").path("text").asString())
                .contains("*Step*: go-no-go", "*For*: owner cto, approvers (role APPROVER)");
        assertThat(slack.path("blocks").get(2).path("elements").get(0).path("text").asString())
                .startsWith("<" + link + "|Open the cutover>");

        JsonNode teams = body(receiver.await("/teams/workflows/" + SECRET_PATH, forCutover(id), 1, Duration.ofSeconds(15)));
        assertThat(teams.path("type").asString()).isEqualTo("message");
        JsonNode attachment = teams.path("attachments").get(0);
        assertThat(attachment.path("contentType").asString()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode card = attachment.path("content");
        assertThat(card.path("type").asString()).isEqualTo("AdaptiveCard");
        assertThat(card.path("version").asString()).isEqualTo("1.4");
        assertThat(card.path("body").get(0).path("text").asString()).isEqualTo(title);
        assertThat(card.path("actions").get(0).path("type").asString()).isEqualTo("Action.OpenUrl");
        assertThat(card.path("actions").get(0).path("url").asString()).isEqualTo(link);

        RecordingReceiver.Request hookRequest = receiver.await("/hook/" + SECRET_PATH, forCutover(id), 1,
                Duration.ofSeconds(15)).get(0);
        assertThat(hookRequest.header("X-Team")).isEqualTo("cutover");
        assertThat(hookRequest.header("Content-Type")).isEqualTo("application/json");
        JsonNode hook = body(List.of(hookRequest));
        assertThat(hook.path("event").asString()).isEqualTo("approval-waiting");
        assertThat(hook.path("cutoverId").asString()).isEqualTo(id);
        assertThat(hook.path("runbook").asString()).isEqualTo("notify-gate");
        assertThat(hook.path("environment").asString()).isEqualTo("local");
        assertThat(hook.path("rehearsal").asBoolean()).isTrue();
        assertThat(hook.path("step").asString()).isEqualTo("go-no-go");
        assertThat(hook.path("action").asString()).isEqualTo("approval");
        assertThat(hook.path("outcome").asString()).isEqualTo("requested");
        assertThat(hook.path("message").asString()).isEqualTo("waiting for an approver");
        assertThat(hook.path("link").asString()).isEqualTo(link);

        Api.Answer approved = api.post("approver", "/api/cutovers/" + id + "/steps/go-no-go/approve",
                "{\"comment\":\"go\",\"checkedItems\":[\"snapshot taken\"]}");
        assertThat(approved.status()).as(approved.text()).isEqualTo(200);
        api.awaitState(id, "COMPLETED");
        JsonNode completed = body(receiver.await("/hook/" + SECRET_PATH,
                forCutover(id).and(r -> r.body().contains("cutover-completed")), 1, Duration.ofSeconds(15)));
        assertThat(completed.path("title").asString()).isEqualTo("REHEARSAL · notify-gate/local: cutover completed");

        List<JsonNode> delivered = awaitNotifyEvents(id, "delivered", 4);
        assertThat(delivered).extracting(e -> e.path("evidence").path("channel").asString())
                .containsExactlyInAnyOrder("war-room", "ops-teams", "audit", "audit");
        assertThat(delivered).allSatisfy(event -> {
            assertThat(event.path("actor").asString()).isEqualTo("notifier");
            assertThat(event.path("evidence").path("attempts").asInt()).isEqualTo(1);
            assertThat(event.path("evidence").path("httpStatus").asInt()).isEqualTo(200);
        });
        assertThat(delivered.get(0).path("message").asString()).matches("approval-waiting sent to [a-z-]+ \\((slack|teams|webhook)\\)");
        assertNoSecretAnywhere(id, output);
    }

    @Test
    void aFiveHundredIsRetriedAndAFourHundredFourIsFinal(CapturedOutput output) {
        receiver.answer("/retry/", 500);
        receiver.answer("/final/", 404);
        addRunbook("notify-retry.yaml", runbook("notify-retry", """
                - id: check
                  type: command
                  with: { run: "exit 3" }
                """, """
                channels:
                  flaky: { type: webhook, url: "${file:@WORK@/retry-url}" }
                  gone: { type: webhook, url: "${file:@WORK@/final-url}" }
                routes:
                  - { on: step-failed, to: [flaky, gone] }
                """));
        double failuresBefore = webhookStepFailedFailures();
        String id = createCutover("notify-retry");
        api.post("operator", "/api/cutovers/" + id + "/phases/only/start", "");
        api.awaitState(id, "FAILED");

        JsonNode delivered = awaitNotifyEvents(id, "delivered", 1).get(0);
        assertThat(delivered.path("message").asString()).isEqualTo("step-failed sent to flaky (webhook) at attempt 2");
        assertThat(delivered.path("evidence").path("attempts").asInt()).isEqualTo(2);
        assertThat(receiver.requests("/retry/")).hasSize(2);

        JsonNode failed = awaitNotifyEvents(id, "failed", 1).get(0);
        assertThat(failed.path("stepId").asString()).isEqualTo("check");
        assertThat(failed.path("message").asString()).startsWith(
                "step-failed not delivered to gone (webhook) after 1 attempt(s): the receiver answered HTTP 404");
        assertThat(failed.path("evidence").path("httpStatus").asInt()).isEqualTo(404);
        assertThat(failed.path("evidence").path("type").asString()).isEqualTo("webhook");
        assertThat(receiver.requests("/final/")).hasSize(1);
        assertThat(webhookStepFailedFailures()).as("cutover_notification_failures_total counts the notice given up on")
                .isGreaterThanOrEqualTo(failuresBefore + 1);
        assertNoSecretAnywhere(id, output);
    }

    /** The counter is shared by every test of this context: read before and after, never compared with a fixed number. */
    private double webhookStepFailedFailures() {
        String line = api.get("viewer", "/actuator/prometheus").text().lines()
                .filter(l -> l.startsWith("cutover_notification_failures_total{channel_type=\"webhook\",event=\"step-failed\"}"))
                .findFirst().orElseThrow(() -> new AssertionError("cutover_notification_failures_total for webhook/step-failed "
                        + "is not exported (every channel type and event should be, at 0)"));
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    @Test
    void aReceiverThatHangsDoesNotSlowTheGateOrThePhase() {
        receiver.hang("/hang/", Duration.ofSeconds(10));
        addRunbook("notify-hang.yaml", runbook("notify-hang", """
                - id: gate
                  type: manual
                - id: pause
                  type: wait
                  with: { duration: 500ms }
                """, """
                channels:
                  stuck: { type: webhook, url: "${file:@WORK@/hang-url}" }
                routes:
                  - { on: [approval-waiting, cutover-completed], to: stuck }
                """));
        String id = createCutover("notify-hang");
        long started = System.nanoTime();
        api.post("operator", "/api/cutovers/" + id + "/phases/only/start", "");
        api.awaitState(id, "AWAITING_APPROVAL");
        receiver.await("/hang/", forCutover(id), 1, Duration.ofSeconds(5));
        api.post("approver", "/api/cutovers/" + id + "/steps/gate/approve", "{\"comment\":\"go\",\"checkedItems\":[]}");
        api.awaitState(id, "COMPLETED");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        // The gate's notice is still hanging at the receiver (10 s), yet the gate asked, was
        // approved and the phase ended: nothing waited for the delivery.
        assertThat(took).as("the phase with a receiver hanging 10 s").isLessThan(Duration.ofSeconds(8));
        assertThat(api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").body().path("events").toString())
                .as("no delivery has ended yet").doesNotContain("\"notify\"");
    }

    @Test
    void pagerDutyIsTriggeredWhenAStepFailsAndResolvedWhenItSucceeds(CapturedOutput output) {
        addRunbook("notify-pager.yaml", runbook("notify-pager", """
                - id: check
                  type: command
                  escalation: dba-oncall@example.com
                  with: { run: "test -f @WORK@/$CUTOVER_ID.fixed" }
                """, """
                channels:
                  pager: { type: pagerduty, routingKey: "${file:@WORK@/pd-key}", url: "${file:@WORK@/pd-url}" }
                routes:
                  - { on: step-failed, to: pager, mention: escalation }
                """));
        String id = createCutover("notify-pager");
        api.post("operator", "/api/cutovers/" + id + "/phases/only/start", "");
        api.awaitState(id, "FAILED");

        JsonNode trigger = body(receiver.await("/pd/", forCutover(id), 1, Duration.ofSeconds(15)));
        assertThat(trigger.path("routing_key").asString()).isEqualTo(PD_KEY);
        assertThat(trigger.path("event_action").asString()).isEqualTo("trigger");
        assertThat(trigger.path("dedup_key").asString()).isEqualTo(id + "/check/step-failed");
        JsonNode payload = trigger.path("payload");
        assertThat(payload.path("summary").asString()).startsWith("REHEARSAL · notify-pager/local: step check failed: ");
        assertThat(payload.path("severity").asString()).isEqualTo("critical");
        assertThat(payload.path("source").asString()).isEqualTo("cutover-orchestrator");
        assertThat(payload.path("custom_details").path("mentions").get(0).asString())
                .isEqualTo("escalation dba-oncall@example.com");
        assertThat(trigger.path("links").get(0).path("href").asString()).isEqualTo("http://localhost:8080/cutovers/" + id);

        RUNBOOKS.touch(id + ".fixed");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/only/restart", "").status()).isEqualTo(202);
        api.awaitState(id, "COMPLETED");
        JsonNode resolve = body(receiver.await("/pd/", r -> r.body().contains("\"resolve\"")
                && r.body().contains(id), 1, Duration.ofSeconds(15)));
        assertThat(resolve.path("dedup_key").asString()).isEqualTo(id + "/check/step-failed");
        assertThat(resolve.path("routing_key").asString()).isEqualTo(PD_KEY);
        assertNoSecretAnywhere(id, output);
    }

    @Test
    void mailArrivesThroughARealSmtpServerWithThePasswordFromASecretFile(CapturedOutput output) throws Exception {
        int port = SMTP.getSmtp().getPort();
        SMTP.getUserManager().setAuthRequired(true);
        addRunbook("notify-mail.yaml", runbook("notify-mail", """
                - id: check
                  type: command
                  escalation: dba-oncall@example.com
                  with: { run: "exit 1" }
                """, """
                channels:
                  mail:
                    type: email
                    to: [dba@example.com]
                    from: cutover@example.com
                    smtp: { host: 127.0.0.1, port: %d, user: cutover, password: "${file:@WORK@/smtp-password}" }
                  wrong-password:
                    type: email
                    to: [dba@example.com]
                    from: cutover@example.com
                    smtp: { host: 127.0.0.1, port: %d, user: cutover, password: "${file:@WORK@/smtp-wrong}" }
                routes:
                  - { on: step-failed, to: [mail, wrong-password], mention: escalation }
                """.formatted(port, port)));
        String id = createCutover("notify-mail");
        api.post("operator", "/api/cutovers/" + id + "/phases/only/start", "");
        api.awaitState(id, "FAILED");

        assertThat(SMTP.waitForIncomingEmail(15_000, 1)).as("a mail within 15 s").isTrue();
        MimeMessage mail = SMTP.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[cutover] REHEARSAL · notify-mail/local: step check failed");
        List<String> to = new ArrayList<>();
        for (var address : mail.getRecipients(Message.RecipientType.TO)) {
            to.add(address.toString());
        }
        assertThat(to).containsExactly("dba@example.com", "dba-oncall@example.com");
        assertThat(((String) mail.getContent())).contains("For: escalation dba-oncall@example.com",
                "Open the cutover: http://localhost:8080/cutovers/" + id);

        assertThat(awaitNotifyEvents(id, "delivered", 1).get(0).path("evidence").path("channel").asString())
                .isEqualTo("mail");
        JsonNode refused = awaitNotifyEvents(id, "failed", 1).get(0);
        assertThat(refused.path("evidence").path("channel").asString()).isEqualTo("wrong-password");
        assertThat(refused.path("evidence").path("attempts").asInt()).isEqualTo(1);
        assertThat(refused.path("message").asString()).contains("the SMTP server refused the login of user cutover");
        assertNoSecretAnywhere(id, output);
    }

    @Test
    void aStepRunningPastTheP90OfItsRehearsalsIsReportedOnce() throws Exception {
        String steps = """
                - id: slow-step
                  type: command
                  escalation: oncall@example.com
                  with: { run: "sleep $(cat @WORK@/overrun-seconds)" }
                """;
        addRunbook("notify-overrun.yaml", runbook("notify-overrun", steps, """
                channels:
                  hook: { type: webhook, url: "${file:@WORK@/overrun-url}" }
                routes:
                  - { on: step-overrun, to: hook, mention: escalation }
                """));
        secret("overrun-seconds", "0.2");
        String first = createCutover("notify-overrun");
        api.post("operator", "/api/cutovers/" + first + "/phases/only/start", "");
        api.awaitState(first, "COMPLETED");

        secret("overrun-seconds", "5");
        String second = createCutover("notify-overrun");
        api.post("operator", "/api/cutovers/" + second + "/phases/only/start", "");
        JsonNode overrun = body(receiver.await("/overrun/", forCutover(second), 1, Duration.ofSeconds(10)));
        assertThat(overrun.path("event").asString()).isEqualTo("step-overrun");
        assertThat(overrun.path("step").asString()).isEqualTo("slow-step");
        assertThat(overrun.path("message").asString()).startsWith("step slow-step has run ")
                .contains(", past the p90 of its rehearsals (");
        assertThat(overrun.path("mentions").get(0).asString()).isEqualTo("escalation oncall@example.com");
        api.awaitState(second, "COMPLETED");
        assertThat(receiver.requests("/overrun/").stream().filter(forCutover(second))).hasSize(1);
        assertThat(receiver.requests("/overrun/").stream().filter(forCutover(first))).isEmpty();
    }

    @Test
    void aStepPastItsTimeoutIsReportedOnceUnderItsOwnDedupKey() {
        addRunbook("notify-timeout.yaml", runbook("notify-timeout", """
                - id: stuck
                  type: command
                  timeout: 1s
                  retries: 2
                  with: { run: "sleep 3" }
                """, """
                channels:
                  pager: { type: pagerduty, routingKey: "${file:@WORK@/pd-key}", url: "${file:@WORK@/pd-url}" }
                routes:
                  - { on: step-overrun, to: pager }
                """));
        String id = createCutover("notify-timeout");
        api.post("operator", "/api/cutovers/" + id + "/phases/only/start", "");
        api.awaitState(id, "FAILED");
        JsonNode trigger = body(receiver.await("/pd/", forCutover(id), 1, Duration.ofSeconds(10)));
        assertThat(trigger.path("dedup_key").asString()).isEqualTo(id + "/stuck/step-overrun-timeout");
        assertThat(trigger.path("payload").path("severity").asString()).isEqualTo("warning");
        assertThat(trigger.path("payload").path("summary").asString())
                .contains("step stuck is overrunning: step stuck has run ", ", past its timeout of 1s");
        Api.sleep(2500); // another overrun check or two: still one notice
        assertThat(receiver.requests("/pd/").stream().filter(forCutover(id))).hasSize(1);
    }

    @Test
    void aRollbackIsAnnouncedWhenItStartsAndWhenItIsDone() {
        addRunbook("notify-rollback.yaml", runbook("notify-rollback", """
                - id: marker
                  type: command
                  with: { run: "true" }
                  rollback: none
                - id: breaks
                  type: command
                  with: { run: "exit 1" }
                """, """
                channels:
                  audit: { type: webhook, url: "${file:@WORK@/rollback-url}" }
                routes:
                  - { on: [rollback-started, cutover-rolled-back, cutover-completed], to: audit }
                """));
        String id = createCutover("notify-rollback");
        api.post("operator", "/api/cutovers/" + id + "/phases/only/start", "");
        api.awaitState(id, "FAILED");
        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
        api.awaitState(id, "ROLLED_BACK");

        List<RecordingReceiver.Request> sent = receiver.await("/rollback/", forCutover(id), 2, Duration.ofSeconds(15));
        assertThat(sent).extracting(request -> JSON.readTree(request.body()).path("event").asString())
                .containsExactly("rollback-started", "cutover-rolled-back");
        assertThat(JSON.readTree(sent.get(1).body()).path("title").asString())
                .isEqualTo("REHEARSAL · notify-rollback/local: cutover rolled back");
    }

    // ---------------------------------------------------------------------------------------------

    private static Predicate<RecordingReceiver.Request> forCutover(String id) {
        return request -> request.body().contains(id);
    }

    private static JsonNode body(List<RecordingReceiver.Request> requests) {
        return JSON.readTree(requests.get(0).body());
    }

    private List<JsonNode> awaitNotifyEvents(String id, String outcome, int count) {
        long deadline = System.currentTimeMillis() + 20_000;
        List<JsonNode> found = List.of();
        while (System.currentTimeMillis() < deadline) {
            found = new ArrayList<>();
            for (JsonNode event : api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").body().path("events")) {
                if ("notify".equals(event.path("action").asString()) && outcome.equals(event.path("outcome").asString())) {
                    found.add(event);
                }
            }
            if (found.size() >= count) {
                return found;
            }
            Api.sleep(100);
        }
        throw new AssertionError(count + " notify/" + outcome + " event(s) expected for cutover " + id + ", got " + found);
    }

    private void assertNoSecretAnywhere(String id, CapturedOutput output) {
        String events = api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").text();
        String cutover = api.get("viewer", "/api/cutovers/" + id).text();
        for (String secret : List.of(SECRET_PATH, PD_KEY, SMTP_PASSWORD)) {
            assertThat(events).as("the event log").doesNotContain(secret);
            assertThat(cutover).as("the cutover's API answer").doesNotContain(secret);
            assertThat(output.getAll()).as("the log output").doesNotContain(secret);
        }
    }
}
