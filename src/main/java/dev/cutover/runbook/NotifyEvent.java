package dev.cutover.runbook;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a runbook's {@code notify:} routes can be about, by the name written in YAML. */
public enum NotifyEvent {
    /** A manual gate starts waiting for its approver. */
    APPROVAL_WAITING,
    /** A step failed past its retries. */
    STEP_FAILED,
    /** A running step passed its timeout or its rehearsal forecast's p90. */
    STEP_OVERRUN,
    /** A rollback starts undoing steps. */
    ROLLBACK_STARTED,
    /** A rollback stopped at a failed inverse. */
    ROLLBACK_FAILED,
    /** A step asked for an automatic rollback and the service refused it (e.g. past a point of no return). */
    ROLLBACK_REFUSED,
    /** The last phase completed. */
    CUTOVER_COMPLETED,
    /** Every step that started was undone. */
    CUTOVER_ROLLED_BACK;

    /** The name written in runbooks, e.g. {@code step-failed}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Optional<NotifyEvent> fromYaml(String name) {
        return Arrays.stream(values()).filter(event -> event.yamlName().equals(name)).findFirst();
    }

    static List<String> yamlNames() {
        return Arrays.stream(values()).map(NotifyEvent::yamlName).toList();
    }
}
