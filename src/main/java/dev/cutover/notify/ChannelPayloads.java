package dev.cutover.notify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON each kind of HTTP channel expects, built as plain maps (Jackson writes them):
 * the generic webhook gets the event itself; Slack an incoming-webhook message ({@code text} for
 * notifications and clients without blocks, and blocks); Teams a message with one Adaptive Card,
 * the format Teams workflows ("when a Teams webhook request is received") accept; PagerDuty an
 * Events API v2 trigger or resolve.
 */
final class ChannelPayloads {

    static final String SOURCE = "cutover-orchestrator";

    private ChannelPayloads() {
    }

    static Map<String, Object> webhook(Notice notice) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", notice.event().yamlName());
        body.put("title", notice.title());
        body.put("cutoverId", notice.cutoverId());
        body.put("runbook", notice.runbook());
        body.put("environment", notice.environment());
        body.put("rehearsal", notice.rehearsal());
        body.put("phase", notice.phase());
        body.put("step", notice.stepId());
        body.put("action", notice.action());
        body.put("outcome", notice.outcome());
        body.put("message", notice.message());
        body.put("occurredAt", notice.occurredAt().toString());
        body.put("eventId", notice.eventId());
        body.put("mentions", notice.mentions());
        body.put("link", notice.link());
        return body;
    }

    static Map<String, Object> slack(Notice notice) {
        List<Object> blocks = new ArrayList<>();
        blocks.add(Map.of("type", "header", "text", Map.of("type", "plain_text", "text", cut(notice.title(), 150))));
        blocks.add(Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", cut(details(notice, "*", "*"), 3000))));
        blocks.add(Map.of("type", "context", "elements", List.of(Map.of("type", "mrkdwn",
                "text", "<" + notice.link() + "|Open the cutover> · event " + notice.eventId()))));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", notice.title() + ": " + notice.message());
        body.put("blocks", blocks);
        return body;
    }

    static Map<String, Object> teams(Notice notice) {
        List<Object> facts = new ArrayList<>();
        fact(facts, "Cutover", notice.cutoverId());
        fact(facts, "Phase", notice.phase());
        fact(facts, "Step", notice.stepId());
        fact(facts, "Event", notice.action() + " " + notice.outcome());
        fact(facts, "For", String.join(", ", notice.mentions()));
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        card.put("body", List.of(
                Map.of("type", "TextBlock", "text", notice.title(), "weight", "Bolder", "size", "Medium", "wrap", true,
                        "color", notice.severity().equals("info") ? "Good" : "Attention"),
                Map.of("type", "TextBlock", "text", notice.message() == null ? "" : notice.message(), "wrap", true),
                Map.of("type", "FactSet", "facts", facts)));
        card.put("actions", List.of(Map.of("type", "Action.OpenUrl", "title", "Open the cutover", "url", notice.link())));
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.put("contentUrl", null);
        attachment.put("content", card);
        return Map.of("type", "message", "attachments", List.of(attachment));
    }

    static Map<String, Object> pagerDutyTrigger(Notice notice, String routingKey) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("summary", cut(notice.title() + ": " + notice.message(), 1024));
        payload.put("severity", notice.severity());
        payload.put("source", SOURCE);
        payload.put("timestamp", notice.occurredAt().toString());
        payload.put("component", notice.stepId() == null ? notice.runbook() : notice.stepId());
        payload.put("group", notice.runbook() + "/" + notice.environment());
        payload.put("class", notice.event().yamlName());
        payload.put("custom_details", webhook(notice));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("routing_key", routingKey);
        body.put("event_action", "trigger");
        body.put("dedup_key", notice.dedupKey());
        body.put("payload", payload);
        body.put("links", List.of(Map.of("href", notice.link(), "text", "Open the cutover")));
        return body;
    }

    static Map<String, Object> pagerDutyResolve(String dedupKey, String routingKey) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("routing_key", routingKey);
        body.put("event_action", "resolve");
        body.put("dedup_key", dedupKey);
        return body;
    }

    /** The plain-text body of an e-mail. */
    static String mailText(Notice notice) {
        return details(notice, "", "") + "\n\nOpen the cutover: " + notice.link() + "\n(event " + notice.eventId()
                + " of the cutover's log, " + notice.occurredAt() + ")\n";
    }

    private static String details(Notice notice, String boldOpen, String boldClose) {
        StringBuilder text = new StringBuilder();
        text.append(notice.message() == null ? "" : notice.message());
        line(text, boldOpen + "Cutover" + boldClose, notice.cutoverId() + (notice.rehearsal() ? " (REHEARSAL)" : ""));
        line(text, boldOpen + "Phase" + boldClose, notice.phase());
        line(text, boldOpen + "Step" + boldClose, notice.stepId());
        if (!notice.mentions().isEmpty()) {
            line(text, boldOpen + "For" + boldClose, String.join(", ", notice.mentions()));
        }
        return text.toString();
    }

    private static void line(StringBuilder text, String label, String value) {
        if (value != null) {
            text.append('\n').append(label).append(": ").append(value);
        }
    }

    private static void fact(List<Object> facts, String title, String value) {
        if (value != null && !value.isEmpty()) {
            facts.add(Map.of("title", title, "value", value));
        }
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
