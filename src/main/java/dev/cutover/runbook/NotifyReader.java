package dev.cutover.runbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code notify:}: named channels (webhook, slack, teams, pagerduty, email) and routes of
 * events to them. Credentials (webhook URLs, routing keys, SMTP passwords) must be written as
 * secret references, so that they live in the environment or a file and never in the runbook.
 */
final class NotifyReader {

    private static final List<String> NOTIFY_KEYS = List.of("channels", "routes");
    private static final List<String> ROUTE_KEYS = List.of("on", "to", "mention");
    private static final List<String> SMTP_KEYS = List.of("host", "port", "user", "password", "startTls");
    private static final String CHANNEL_EXAMPLE = "e.g. war-room: { type: slack, url: \"${env:SLACK_WEBHOOK}\" }";
    private static final String ROUTE_EXAMPLE = "e.g. - { on: [step-failed], to: [war-room] }";
    private static final String REFERENCE = "${env:NAME} or ${file:/path}";

    private final YamlProblems problems;
    /** Every channel name written, valid or not: a route to an invalid channel needs no second problem. */
    private final java.util.Set<String> declared = new java.util.LinkedHashSet<>();

    NotifyReader(YamlProblems problems) {
        this.problems = problems;
    }

    RunbookNotify read(Optional<MappingFields.Field> field) {
        if (field.isEmpty() || YamlNodes.isNull(field.get().value())) {
            return RunbookNotify.NONE;
        }
        if (!(field.get().value() instanceof MappingNode mapping)) {
            problems.at(field.get().value(), "notify", "notify must be a mapping with channels and routes, found "
                    + YamlNodes.describe(field.get().value()));
            return RunbookNotify.NONE;
        }
        MappingFields fields = MappingFields.read(mapping, "notify", NOTIFY_KEYS, "notify", problems);
        Map<String, NotifyChannel> channels = channels(fields.get("channels"), mapping);
        List<NotifyRoute> routes = routes(fields.get("routes"), mapping);
        return new RunbookNotify(channels, routes);
    }

    private Map<String, NotifyChannel> channels(Optional<MappingFields.Field> field, MappingNode notify) {
        Map<String, NotifyChannel> channels = new LinkedHashMap<>();
        if (field.isEmpty() || YamlNodes.isNull(field.get().value())) {
            problems.at(field.map(MappingFields.Field::keyNode).orElse(notify), "notify.channels",
                    "no channels: notify needs at least one, " + CHANNEL_EXAMPLE);
            return channels;
        }
        if (!(field.get().value() instanceof MappingNode mapping) || mapping.getValue().isEmpty()) {
            problems.at(field.get().value(), "notify.channels", "channels must be a mapping of channel names to "
                    + "their settings, " + CHANNEL_EXAMPLE);
            return channels;
        }
        for (MappingFields.Field channel : MappingFields.read(mapping, "notify.channels", null, "channels", problems).all()) {
            declared.add(channel.key());
            if (!RunbookParser.NAME.matcher(channel.key()).matches()) {
                problems.at(channel.keyNode(), channel.path(), "channel name '" + channel.key() + "' must be lowercase "
                        + "letters, digits and '-', e.g. war-room");
            }
            channel(channel).ifPresent(c -> channels.put(c.name(), c));
        }
        return channels;
    }

    private Optional<NotifyChannel> channel(MappingFields.Field channel) {
        if (!(channel.value() instanceof MappingNode mapping)) {
            problems.at(YamlNodes.isNull(channel.value()) ? channel.keyNode() : channel.value(), channel.path(),
                    "channel '" + channel.key() + "' must be a mapping with a type and its settings, " + CHANNEL_EXAMPLE);
            return Optional.empty();
        }
        MappingFields any = MappingFields.read(mapping, channel.path(), null, "a channel", new YamlProblems("-"));
        Optional<String> typeName = typeText(any, channel);
        if (typeName.isEmpty()) {
            return Optional.empty();
        }
        Optional<NotifyChannel.Type> type = NotifyChannel.Type.fromYaml(typeName.get());
        if (type.isEmpty()) {
            MappingFields.Field typeField = any.get("type").orElseThrow();
            problems.at(typeField.value(), typeField.path(), "unknown channel type '" + typeName.get() + "'"
                    + ClosestMatch.hint(typeName.get(), NotifyChannel.Type.yamlNames()) + "; a channel is one of: "
                    + String.join(", ", NotifyChannel.Type.yamlNames()));
            return Optional.empty();
        }
        String name = channel.key();
        NotifyChannel.Type kind = type.get();
        switch (kind) {
            case WEBHOOK -> {
                MappingFields fields = MappingFields.read(mapping, channel.path(), List.of("type", "url", "headers"),
                        "a webhook channel", problems);
                Optional<String> url = credential(fields, "url", "the webhook's URL", true);
                Map<String, String> headers = headers(fields.get("headers"));
                return url.map(u -> new NotifyChannel(name, kind, u, null, headers, null));
            }
            case SLACK, TEAMS -> {
                MappingFields fields = MappingFields.read(mapping, channel.path(), List.of("type", "url"),
                        "a " + kind.yamlName() + " channel", problems);
                Optional<String> url = credential(fields, "url", kind == NotifyChannel.Type.SLACK
                        ? "the Slack incoming webhook's URL" : "the Teams workflow webhook's URL", true);
                return url.map(u -> new NotifyChannel(name, kind, u, null, Map.of(), null));
            }
            case PAGERDUTY -> {
                MappingFields fields = MappingFields.read(mapping, channel.path(), List.of("type", "routingKey", "url"),
                        "a pagerduty channel", problems);
                Optional<String> key = credential(fields, "routingKey", "the PagerDuty integration (routing) key", false);
                String url = fields.optionalText("url", problems).orElse(NotifyChannel.PAGERDUTY_EVENTS_URL);
                checkHttp(fields, url);
                return key.map(k -> new NotifyChannel(name, kind, url, k, Map.of(), null));
            }
            default -> {
                return mail(mapping, channel).map(mail -> new NotifyChannel(name, kind, null, null, Map.of(), mail));
            }
        }
    }

    private Optional<String> typeText(MappingFields any, MappingFields.Field channel) {
        String hint = "every channel needs a type, one of " + String.join(", ", NotifyChannel.Type.yamlNames());
        Optional<MappingFields.Field> type = any.get("type");
        if (type.isEmpty() || YamlNodes.isNull(type.get().value())) {
            problems.at(type.map(MappingFields.Field::keyNode).orElse(channel.value()), YamlNodes.child(channel.path(), "type"),
                    "missing 'type': " + hint);
            return Optional.empty();
        }
        if (!YamlNodes.isScalar(type.get().value())) {
            problems.at(type.get().value(), type.get().path(), "'type' must be a single value: " + hint);
            return Optional.empty();
        }
        return Optional.of(YamlNodes.text(type.get().value()));
    }

    /**
     * A value that gives access to something (a webhook URL, a routing key, a password): required
     * when {@code required}, and written as a secret reference.
     */
    private Optional<String> credential(MappingFields fields, String key, String what, boolean url) {
        Optional<String> value = fields.requiredText(key, what + ", written as a secret reference: " + REFERENCE, problems);
        if (value.isPresent() && !SecretReferences.containsReference(value.get())) {
            MappingFields.Field field = fields.get(key).orElseThrow();
            problems.at(field.value(), field.path(), what + " is a credential (whoever has it can "
                    + (url ? "post to the channel" : "use it") + "): write it as a secret reference, " + REFERENCE
                    + ", not in the runbook");
            return Optional.empty();
        }
        return value;
    }

    private void checkHttp(MappingFields fields, String url) {
        if (!SecretReferences.containsReference(url) && !url.startsWith("https://") && !url.startsWith("http://")) {
            MappingFields.Field field = fields.get("url").orElseThrow();
            problems.at(field.value(), field.path(), "url '" + url + "' must start with https:// or http://");
        }
    }

    private Map<String, String> headers(Optional<MappingFields.Field> field) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (field.isEmpty() || YamlNodes.isNull(field.get().value())) {
            return headers;
        }
        if (!(field.get().value() instanceof MappingNode mapping)) {
            problems.at(field.get().value(), field.get().path(), "headers must be a mapping of header names to values, "
                    + "e.g. headers: { X-Team: cutover }");
            return headers;
        }
        for (MappingFields.Field header : MappingFields.read(mapping, field.get().path(), null, "headers", problems).all()) {
            if (!YamlNodes.isScalar(header.value())) {
                problems.at(header.value() == null ? header.keyNode() : header.value(), header.path(),
                        "header '" + header.key() + "' must have a single value");
            } else {
                headers.put(header.key(), YamlNodes.text(header.value()));
            }
        }
        return headers;
    }

    private Optional<NotifyChannel.Mail> mail(MappingNode mapping, MappingFields.Field channel) {
        MappingFields fields = MappingFields.read(mapping, channel.path(), List.of("type", "to", "from", "smtp"),
                "an email channel", problems);
        List<String> to = list(fields, "to", "the recipients, e.g. to: [dba@example.com]", Optional::of, List.of());
        to.stream().filter(address -> !address.contains("@")).findFirst().ifPresent(bad -> {
            MappingFields.Field field = fields.get("to").orElseThrow();
            problems.at(field.value(), field.path(), "'" + bad + "' is not an e-mail address");
        });
        Optional<String> from = fields.requiredText("from", "the sender's address, e.g. from: cutover@example.com", problems);
        Optional<MappingFields.Field> smtp = fields.get("smtp");
        String smtpExample = "e.g. smtp: { host: smtp.example.com, port: 587, user: cutover, password: \"${env:SMTP_PASSWORD}\" }";
        if (smtp.isEmpty() || !(smtp.get().value() instanceof MappingNode smtpMapping)) {
            problems.at(smtp.map(s -> YamlNodes.isNull(s.value()) ? s.keyNode() : s.value()).orElse(mapping),
                    YamlNodes.child(channel.path(), "smtp"), "an email channel needs its SMTP server, " + smtpExample);
            return Optional.empty();
        }
        MappingFields server = MappingFields.read(smtpMapping, smtp.get().path(), SMTP_KEYS, "smtp", problems);
        Optional<String> host = server.requiredText("host", "the SMTP server's host name, " + smtpExample, problems);
        int port = port(server);
        Optional<String> user = server.optionalText("user", problems);
        Optional<String> password = Optional.empty();
        if (server.get("password").isPresent()) {
            password = credential(server, "password", "the SMTP password", false);
            if (password.isEmpty()) {
                return Optional.empty();
            }
        }
        boolean startTls = server.optionalText("startTls", problems).map(Boolean::parseBoolean).orElse(port == 587);
        if (to.isEmpty() || from.isEmpty() || host.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new NotifyChannel.Mail(to, from.get(), host.get(), port, user.orElse(null),
                password.orElse(null), startTls));
    }

    private int port(MappingFields server) {
        Optional<String> text = server.optionalText("port", problems);
        if (text.isEmpty()) {
            return 25;
        }
        try {
            int port = Integer.parseInt(text.get());
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        MappingFields.Field field = server.get("port").orElseThrow();
        problems.at(field.value(), field.path(), "port must be a number from 1 to 65535, found '" + text.get() + "'");
        return 25;
    }

    private List<NotifyRoute> routes(Optional<MappingFields.Field> field, MappingNode notify) {
        List<NotifyRoute> routes = new ArrayList<>();
        if (field.isEmpty() || YamlNodes.isNull(field.get().value())) {
            problems.at(field.map(MappingFields.Field::keyNode).orElse(notify), "notify.routes",
                    "no routes: without them nothing is sent, " + ROUTE_EXAMPLE);
            return routes;
        }
        if (!(field.get().value() instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
            problems.at(field.get().value(), "notify.routes", "routes must be a non-empty list, " + ROUTE_EXAMPLE);
            return routes;
        }
        for (int i = 0; i < sequence.getValue().size(); i++) {
            route(sequence.getValue().get(i), YamlNodes.item("notify.routes", i)).ifPresent(routes::add);
        }
        return routes;
    }

    private Optional<NotifyRoute> route(Node node, String path) {
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, path, "a route must be a mapping with on and to, " + ROUTE_EXAMPLE);
            return Optional.empty();
        }
        MappingFields fields = MappingFields.read(mapping, path, ROUTE_KEYS, "a route", problems);
        int before = problems.count();
        List<NotifyEvent> on = list(fields, "on", "the events, one or more of " + String.join(", ", NotifyEvent.yamlNames()),
                NotifyEvent::fromYaml, NotifyEvent.yamlNames());
        List<String> to = list(fields, "to", "the channels, one or more of " + String.join(", ", declared),
                name -> Optional.of(name).filter(declared::contains), declared);
        List<NotifyRoute.Mention> mention = fields.get("mention").isEmpty() ? List.of()
                : list(fields, "mention", "whom to name, any of " + String.join(", ", NotifyRoute.Mention.yamlNames()),
                        NotifyRoute.Mention::fromYaml, NotifyRoute.Mention.yamlNames());
        return problems.count() == before ? Optional.of(new NotifyRoute(on, to, mention)) : Optional.empty();
    }

    /**
     * A value or a list of values, each turned into a {@code T} by {@code known}; an unknown one is
     * a problem at that value naming the accepted ones ({@code what}) and the closest of {@code candidates}.
     */
    private <T> List<T> list(MappingFields fields, String key, String what, Function<String, Optional<T>> known,
                             java.util.Collection<String> candidates) {
        List<T> values = new ArrayList<>();
        Optional<MappingFields.Field> field = fields.get(key);
        if (field.isEmpty() || YamlNodes.isNull(field.get().value())) {
            fields.requiredText(key, what, problems);
            return values;
        }
        List<Node> items = field.get().value() instanceof SequenceNode sequence ? sequence.getValue()
                : List.of(field.get().value());
        if (items.isEmpty()) {
            problems.at(field.get().value(), field.get().path(), "'" + key + "' is empty: give " + what);
        }
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = field.get().value() instanceof SequenceNode ? YamlNodes.item(field.get().path(), i)
                    : field.get().path();
            if (!YamlNodes.isScalar(item)) {
                problems.at(item, itemPath, "'" + key + "' must list plain values, found " + YamlNodes.describe(item));
                continue;
            }
            String text = YamlNodes.text(item);
            Optional<T> value = known.apply(text);
            if (value.isPresent()) {
                values.add(value.get());
            } else {
                problems.at(item, itemPath, "unknown " + singular(key) + " '" + text + "'" + ClosestMatch.hint(text, candidates)
                        + "; give " + what);
            }
        }
        return values;
    }

    private static String singular(String key) {
        return switch (key) {
            case "on" -> "event";
            case "to" -> "channel";
            case "mention" -> "mention";
            default -> "value";
        };
    }

}
