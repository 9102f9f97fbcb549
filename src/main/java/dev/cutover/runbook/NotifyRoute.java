package dev.cutover.runbook;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which events go to which channels, and whom the message names.
 *
 * @param mention the people the message is for: the step's owner, the approver role, the step's
 *                escalation contact (an e-mail channel also sends to those that are addresses)
 */
public record NotifyRoute(List<NotifyEvent> on, List<String> to, List<Mention> mention) {

    public NotifyRoute {
        on = List.copyOf(on);
        to = List.copyOf(to);
        mention = List.copyOf(mention);
    }

    public enum Mention {
        OWNER, APPROVERS, ESCALATION;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Mention> fromYaml(String name) {
            return Arrays.stream(values()).filter(mention -> mention.yamlName().equals(name)).findFirst();
        }

        static List<String> yamlNames() {
            return Arrays.stream(values()).map(Mention::yamlName).toList();
        }
    }
}
