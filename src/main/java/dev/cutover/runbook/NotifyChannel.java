package dev.cutover.runbook;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One place a runbook's notifications go. Values are kept as written: the URL of a webhook, a
 * PagerDuty routing key and an SMTP password are secret references, resolved only when a
 * notification is sent.
 *
 * @param url        where to POST (webhook, Slack, Teams, PagerDuty); null for e-mail
 * @param routingKey PagerDuty's integration key; null for the other types
 * @param headers    extra HTTP headers of a generic webhook (values may hold secret references)
 * @param mail       the e-mail settings; null for the other types
 */
public record NotifyChannel(String name, Type type, String url, String routingKey, Map<String, String> headers,
                            Mail mail) {

    public NotifyChannel {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** PagerDuty's Events API v2 endpoint, used when a channel gives no {@code url}. */
    public static final String PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

    public enum Type {
        WEBHOOK, SLACK, TEAMS, PAGERDUTY, EMAIL;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Type> fromYaml(String name) {
            return Arrays.stream(values()).filter(type -> type.yamlName().equals(name)).findFirst();
        }

        static List<String> yamlNames() {
            return Arrays.stream(values()).map(Type::yamlName).toList();
        }
    }

    /**
     * E-mail over SMTP.
     *
     * @param password a secret reference, or null when the server needs no login
     * @param startTls upgrade the connection with STARTTLS (default true on port 587)
     */
    public record Mail(List<String> to, String from, String host, int port, String user, String password,
                       boolean startTls) {

        public Mail {
            to = List.copyOf(to);
        }
    }
}
