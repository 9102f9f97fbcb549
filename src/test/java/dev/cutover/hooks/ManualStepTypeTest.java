package dev.cutover.hooks;

import dev.cutover.testsupport.RecordingStepContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cutover.step.Approval;
import dev.cutover.step.ApprovalRequest;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepStoppedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ManualStepTypeTest {

    private static final List<String> CHECKLIST = List.of("writes frozen on GCP", "replica lag is 0", "DNS TTL is 60s");
    private static final Instant AT = Instant.parse("2025-06-14T02:00:00Z");

    private final ManualStepType manual = new ManualStepType();

    private static RecordingStepContext context() {
        return new RecordingStepContext(Map.of("instructions", "Confirm the freeze before promotion", "checklist", CHECKLIST));
    }

    @Test
    void succeedsWhenEveryItemIsTicked() throws Exception {
        var context = context();
        context.offer(new Approval("dba-anna", AT, "go", CHECKLIST));

        StepOutcome outcome = manual.execute(context);

        assertThat(outcome.evidence())
                .containsEntry("approver", "dba-anna")
                .containsEntry("approvedAt", "2025-06-14T02:00:00Z")
                .containsEntry("comment", "go")
                .containsEntry("checkedItems", CHECKLIST);
        assertThat(context.approvalRequests())
                .containsExactly(new ApprovalRequest("Confirm the freeze before promotion", CHECKLIST));
    }

    @Test
    void failsNamingTheUntickedItems() {
        var context = context();
        context.offer(new Approval("cto-bob", AT, null, List.of("writes frozen on GCP", "DNS TTL is 60")));

        StepFailedException failure = catchThrowableOfType(() -> manual.execute(context), StepFailedException.class);

        assertThat(failure).hasMessage("cto-bob approved but did not tick 'replica lag is 0', 'DNS TTL is 60s'");
        assertThat(failure.evidence()).containsEntry("approver", "cto-bob")
                .containsEntry("checkedItems", List.of("writes frozen on GCP", "DNS TTL is 60"));
    }

    @Test
    void waitsForAnApprovalGivenLater() throws Exception {
        var context = context();
        CompletableFuture<StepOutcome> running = CompletableFuture.supplyAsync(() -> {
            try {
                return manual.execute(context);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(running).isNotDone();

        context.offer(new Approval("owner-carl", AT, "ok", CHECKLIST));

        assertThat(running.get(5, java.util.concurrent.TimeUnit.SECONDS).evidence()).containsEntry("approver", "owner-carl");
    }

    @Test
    void withoutAChecklistAnyApprovalWillDo() throws Exception {
        var context = new RecordingStepContext(Map.of());
        context.offer(new Approval("owner-carl", AT, null, List.of()));

        assertThat(manual.execute(context).summary()).isEqualTo("approved by owner-carl");
        assertThat(context.approvalRequests()).containsExactly(new ApprovalRequest(null, List.of()));
    }

    @Test
    void aStopWhileWaitingIsNotAFailure() {
        var context = context();
        context.requestStopAfter(Duration.ofMillis(200));

        assertThatThrownBy(() -> manual.execute(context)).isInstanceOf(StepStoppedException.class);
    }
}
