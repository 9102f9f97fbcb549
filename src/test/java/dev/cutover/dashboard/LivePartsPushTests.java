package dev.cutover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The live parts the service pushes on a page's event stream are rendered once per audience: what a
 * viewer is sent never holds an approver's controls, and nothing in them belongs to one session.
 * A script's stream (no {@code ?parts=true}) gets the log only.
 */
class LivePartsPushTests extends ServiceTest {

    private static final String RUNBOOK = """
            name: push-parts
            description: a gate to wait at
            environments:
              local: { connections: {} }
            phases:
              - name: go
                steps:
                  - id: go-no-go
                    type: manual
                    owner: cto
                    with: { instructions: "Say go", checklist: [ "snapshot taken" ] }
            """;

    @Test
    void eachAudienceIsPushedItsOwnControlsAndAScriptsStreamNoParts() throws Exception {
        addRunbook("push-parts.yaml", RUNBOOK);
        String id = createCutover("push-parts");
        List<String> toViewer = new CopyOnWriteArrayList<>();
        List<String> toApprover = new CopyOnWriteArrayList<>();
        List<String> toScript = new CopyOnWriteArrayList<>();
        String path = "/api/cutovers/" + id + "/events/stream";
        try (SseConnection viewer = SseConnection.open(port, path + "?parts=true",
                BrowserSession.login(port, "viewer").cookieHeader(), event -> keepParts(event, toViewer));
             SseConnection approver = SseConnection.open(port, path + "?parts=true",
                BrowserSession.login(port, "approver").cookieHeader(), event -> keepParts(event, toApprover));
             SseConnection script = SseConnection.open(port, path,
                BrowserSession.login(port, "operator").cookieHeader(), event -> keepParts(event, toScript))) {

            within5s(() -> !toViewer.isEmpty() && !toApprover.isEmpty());
            assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/go/start", null).status()).isEqualTo(202);

            within5s(() -> last(toApprover).contains("Review and approve"));
            within5s(() -> last(toViewer).contains("Waiting on an approver"));
            assertThat(last(toViewer)).doesNotContain("Review and approve").doesNotContain("dlg-approve");
            assertThat(last(toApprover)).contains("dlg-approve").contains("snapshot taken");
            for (String parts : List.of(last(toViewer), last(toApprover))) {
                assertThat(parts).as("rendered for everyone: no session's CSRF token").doesNotContain("_csrf");
                assertThat(parts).contains("id=\"summary\"").contains("data-live");
            }
            assertThat(toScript).isEmpty();
        }
    }

    private static void within5s(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 5 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void keepParts(SseConnection.Event event, List<String> kept) {
        if (LivePartsPublisher.EVENT_NAME.equals(event.name())) {
            kept.add(event.data());
        }
    }

    private static String last(List<String> parts) {
        return parts.isEmpty() ? "" : parts.get(parts.size() - 1);
    }
}
