package dev.cutover.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cutover.eventlog.CutoverEvent;
import dev.cutover.runbook.NotifyEvent;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookNotify;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifyEventKindsTest {

    private static final Runbook RUNBOOK = new Runbook("r", null, "r.yaml", null, Map.of(), List.of(), RunbookNotify.NONE);

    @Test
    void anAutomaticRollbackThatWasRefusedIsItsOwnKindSoSomeoneDecides() {
        assertThat(NotificationRouter.kindOf(event("rollback", "refused", null), RUNBOOK))
                .contains(NotifyEvent.ROLLBACK_REFUSED);
        assertThat(NotifyEvent.ROLLBACK_REFUSED.yamlName()).isEqualTo("rollback-refused");
    }

    @Test
    void theRollbackAsAWholeIsRoutedNotEachInverse() {
        assertThat(NotificationRouter.kindOf(event("rollback", "started", null), RUNBOOK))
                .contains(NotifyEvent.ROLLBACK_STARTED);
        assertThat(NotificationRouter.kindOf(event("rollback", "started", "step-a"), RUNBOOK)).isEmpty();
        assertThat(NotificationRouter.kindOf(event("rollback", "not-requested", null), RUNBOOK)).isEmpty();
    }

    private static CutoverEvent event(String action, String outcome, String stepId) {
        return new CutoverEvent(1, "c-1", Instant.now(), "go", stepId, "system", null, action, outcome, "m", Map.of());
    }
}
