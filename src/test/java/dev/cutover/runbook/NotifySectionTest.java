package dev.cutover.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runbook's {@code notify:} section: the model it gives and the problems it reports, each with file, line and field. */
class NotifySectionTest {

    private final RunbookParser parser = new RunbookParser(TestStepTypes.catalog());

    private static final String HEAD = """
            name: notified
            environments: { local: {} }
            phases:
              - name: only
                steps: [ { id: go, type: manual } ]
            """;

    private static final String VALID = HEAD + """
            notify:
              channels:
                war-room:  { type: slack,     url: "${env:SLACK_WEBHOOK}" }
                ops-teams: { type: teams,     url: "${file:/run/secrets/teams-url}" }
                pager:     { type: pagerduty, routingKey: "${env:PD_KEY}" }
                audit:     { type: webhook,   url: "https://audit.example.com/hooks/${env:AUDIT_TOKEN}", headers: { X-Team: cutover } }
                mail:
                  type: email
                  to: [dba@example.com]
                  from: cutover@example.com
                  smtp: { host: 127.0.0.1, port: 2525, user: x, password: "${env:SMTP_PASSWORD}" }
              routes:
                - { on: [approval-waiting], to: [war-room, mail], mention: [owner, approvers] }
                - { on: [step-failed, step-overrun], to: [pager, war-room], mention: [escalation] }
                - { on: rollback-started, to: audit }
            """;

    private List<RunbookProblem> problems(String notify) {
        return parser.parse("notified.yaml", HEAD + notify).entry().problems();
    }

    @Test
    void validSectionGivesChannelsAndRoutesWithReferencesUnresolved() {
        RunbookEntry entry = parser.parse("notified.yaml", VALID).entry();

        assertThat(entry.problems()).isEmpty();
        RunbookNotify notify = entry.runbook().notifications();
        assertThat(notify.channels()).containsOnlyKeys("war-room", "ops-teams", "pager", "audit", "mail");
        assertThat(notify.channels().get("war-room")).isEqualTo(new NotifyChannel("war-room", NotifyChannel.Type.SLACK,
                "${env:SLACK_WEBHOOK}", null, Map.of(), null));
        assertThat(notify.channels().get("pager").url()).isEqualTo("https://events.pagerduty.com/v2/enqueue");
        assertThat(notify.channels().get("pager").routingKey()).isEqualTo("${env:PD_KEY}");
        assertThat(notify.channels().get("audit").headers()).isEqualTo(Map.of("X-Team", "cutover"));
        assertThat(notify.channels().get("mail").mail()).isEqualTo(new NotifyChannel.Mail(List.of("dba@example.com"),
                "cutover@example.com", "127.0.0.1", 2525, "x", "${env:SMTP_PASSWORD}", false));
        assertThat(notify.routes()).extracting(NotifyRoute::on, NotifyRoute::to, NotifyRoute::mention).containsExactly(
                tuple(List.of(NotifyEvent.APPROVAL_WAITING), List.of("war-room", "mail"),
                        List.of(NotifyRoute.Mention.OWNER, NotifyRoute.Mention.APPROVERS)),
                tuple(List.of(NotifyEvent.STEP_FAILED, NotifyEvent.STEP_OVERRUN), List.of("pager", "war-room"),
                        List.of(NotifyRoute.Mention.ESCALATION)),
                tuple(List.of(NotifyEvent.ROLLBACK_STARTED), List.of("audit"), List.of()));
        assertThat(notify.routesFor(NotifyEvent.STEP_FAILED)).hasSize(1);
    }

    @Test
    void aRunbookWithoutNotifyNotifiesNobody() {
        assertThat(parser.parse("notified.yaml", HEAD).entry().runbook().notifications()).isEqualTo(RunbookNotify.NONE);
    }

    @Test
    void badChannelTypeNamesFileLineFieldAndTheClosestType() {
        assertThat(problems("""
                notify:
                  channels:
                    war-room: { type: slak, url: "${env:SLACK_WEBHOOK}" }
                  routes:
                    - { on: [step-failed], to: [war-room] }
                """)).extracting(RunbookProblem::file, RunbookProblem::line, RunbookProblem::field, RunbookProblem::message)
                .contains(tuple("notified.yaml", 8, "notify.channels.war-room.type",
                        "unknown channel type 'slak' (did you mean 'slack'?); a channel is one of: webhook, slack, teams, "
                                + "pagerduty, email"));
    }

    @Test
    void routeToAnUnknownChannelNamesTheChannelsThereAre() {
        assertThat(problems("""
                notify:
                  channels:
                    war-room: { type: slack, url: "${env:SLACK_WEBHOOK}" }
                  routes:
                    - { on: [step-failed], to: [war-rom, pager] }
                """)).extracting(RunbookProblem::line, RunbookProblem::field, RunbookProblem::message).containsExactly(
                tuple(10, "notify.routes[0].to[0]", "unknown channel 'war-rom' (did you mean 'war-room'?); give the "
                        + "channels, one or more of war-room"),
                tuple(10, "notify.routes[0].to[1]", "unknown channel 'pager'; give the channels, one or more of war-room"));
    }

    @Test
    void unknownEventNameNamesTheEventsThereAre() {
        List<RunbookProblem> found = problems("""
                notify:
                  channels:
                    war-room: { type: slack, url: "${env:SLACK_WEBHOOK}" }
                  routes:
                    - on: [step-failed, step-faild]
                      to: war-room
                """);
        assertThat(found).singleElement().satisfies(problem -> {
            assertThat(problem.toString()).startsWith("notified.yaml:10:25: notify.routes[0].on[1]: unknown event "
                    + "'step-faild' (did you mean 'step-failed'?)");
            assertThat(problem.message()).contains("approval-waiting", "step-overrun", "cutover-rolled-back");
        });
    }

    @Test
    void missingUrlIsReportedAtTheChannel() {
        assertThat(problems("""
                notify:
                  channels:
                    audit: { type: webhook, headers: { X-Team: cutover } }
                  routes:
                    - { on: [cutover-completed], to: [audit] }
                """)).extracting(RunbookProblem::line, RunbookProblem::column, RunbookProblem::field)
                .containsExactly(tuple(8, 12, "notify.channels.audit.url"));
    }

    @Test
    void credentialsWrittenInTheRunbookAreRefused() {
        List<RunbookProblem> found = problems("""
                notify:
                  channels:
                    war-room: { type: slack, url: "https://hooks.slack.com/services/T0/B0/abc" }
                    pager: { type: pagerduty, routingKey: R0UT1NG }
                    mail: { type: email, to: [a@example.com], from: b@example.com, smtp: { host: h, password: hunter2 } }
                  routes:
                    - { on: [step-failed], to: [war-room, pager, mail] }
                """);
        assertThat(found).extracting(RunbookProblem::field).containsExactly("notify.channels.war-room.url",
                "notify.channels.pager.routingKey", "notify.channels.mail.smtp.password");
        assertThat(found).allSatisfy(problem -> assertThat(problem.message()).contains("secret reference",
                "${env:NAME} or ${file:/path}"));
    }

    @Test
    void malformedReferenceInAChannelIsReportedLikeAnywhereElse() {
        assertThat(problems("""
                notify:
                  channels:
                    war-room: { type: slack, url: "${secret:SLACK_WEBHOOK}" }
                  routes:
                    - { on: [step-failed], to: [war-room] }
                """)).extracting(RunbookProblem::field, RunbookProblem::message).containsExactly(tuple(
                "notify.channels.war-room.url", "'${secret:SLACK_WEBHOOK}' uses an unknown kind of secret reference "
                        + "'${secret:': use ${env:NAME} (NAME of letters, digits and _, not starting with a digit) or "
                        + "${file:/path} (absolute, or relative to the service's working directory); secrets are "
                        + "resolved only when a step runs"));
    }

    @Test
    void noRoutesAndAnUnknownMentionAreReported() {
        assertThat(problems("""
                notify:
                  channels:
                    war-room: { type: slack, url: "${env:SLACK_WEBHOOK}" }
                """)).extracting(RunbookProblem::field).containsExactly("notify.routes");
        assertThat(problems("""
                notify:
                  channels:
                    war-room: { type: slack, url: "${env:SLACK_WEBHOOK}" }
                  routes:
                    - { on: [step-failed], to: [war-room], mention: [owner, oncall] }
                """)).extracting(RunbookProblem::field).containsExactly("notify.routes[0].mention[1]");
    }
}
