package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 16, defects 2 and 3: a cutover runs, restarts and rolls back from the runbook text it was
 * created with, whatever happens to the file; and each cutover's rollback restarts with its own
 * list of inverses, however many cutovers of the same runbook roll back.
 */
class RunbookPinningAndRollbackJobTests extends ServiceTest {

    @Test
    void aCutoverRunsAndRollsBackTheRunbookTextItWasCreatedWithAfterTheFileChangedAndWasReloaded() throws Exception {
        String first = pinnedRunbook("first");
        addRunbook("pinned.yaml", first);
        String id = createCutover("pinned");
        assertThat(api.get("viewer", "/api/cutovers/" + id).body().path("runbookSha256").asString())
                .isEqualTo(sha256(first.replace("@WORK@", RUNBOOKS.work().toAbsolutePath().toString())));

        addRunbook("pinned.yaml", pinnedRunbook("second"));

        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/only/start", "").status()).isEqualTo(202);
        api.awaitState(id, "COMPLETED");
        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", "").status()).isEqualTo(202);
        api.awaitState(id, "ROLLED_BACK");
        assertThat(RUNBOOKS.lines(id + ".trace")).containsExactly("first", "undo-first");

        String later = createCutover("pinned");
        assertThat(api.get("viewer", "/api/cutovers/" + later).body().path("runbookSha256").asString())
                .isNotEqualTo(api.get("viewer", "/api/cutovers/" + id).body().path("runbookSha256").asString());
    }

    @Test
    void eachCutoversRollbackRestartsWithItsOwnInversesWhileOtherCutoversOfTheRunbookRollBack() {
        addRunbook("two-rollbacks.yaml", """
                name: two-rollbacks
                environments:
                  local: { connections: {} }
                phases:
                  - name: one
                    steps:
                      - id: a
                        type: command
                        with: { run: "echo a >> @WORK@/$CUTOVER_ID.trace" }
                        rollback: { type: command, with: { run: "test -f @WORK@/$CUTOVER_ID.undo-ok && echo undo-a >> @WORK@/$CUTOVER_ID.trace" } }
                  - name: two
                    steps:
                      - id: b
                        type: command
                        with: { run: "echo b >> @WORK@/$CUTOVER_ID.trace" }
                        rollback: { type: command, with: { run: "echo undo-b >> @WORK@/$CUTOVER_ID.trace" } }
                """);
        // Two cutovers stop after phase one (inverses [a]), two run both phases (inverses [b, a]).
        List<String> oneDone = List.of(createCutover("two-rollbacks"), createCutover("two-rollbacks"));
        List<String> bothDone = List.of(createCutover("two-rollbacks"), createCutover("two-rollbacks"));
        List<String> ids = List.of(oneDone.get(0), bothDone.get(0), oneDone.get(1), bothDone.get(1));
        ids.forEach(id -> runPhase(id, "one", "READY"));
        bothDone.forEach(id -> runPhase(id, "two", "COMPLETED"));
        ids.forEach(id -> assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", "").status()).isEqualTo(202));
        ids.forEach(id -> api.awaitState(id, "ROLLBACK_FAILED"));

        ids.forEach(id -> RUNBOOKS.touch(id + ".undo-ok"));
        CompletableFuture.allOf(ids.stream().map(id -> CompletableFuture.runAsync(() ->
                assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", "").status()).isEqualTo(202)))
                .toArray(CompletableFuture[]::new)).join();
        for (String id : oneDone) {
            JsonNode rolledBack = api.awaitState(id, "ROLLED_BACK");
            assertThat(stepState(rolledBack, "a")).isEqualTo("ROLLED_BACK");
            assertThat(stepState(rolledBack, "b")).isEqualTo("PENDING");
            assertThat(RUNBOOKS.lines(id + ".trace")).containsExactly("a", "undo-a");
        }
        for (String id : bothDone) {
            JsonNode rolledBack = api.awaitState(id, "ROLLED_BACK");
            assertThat(stepState(rolledBack, "a")).isEqualTo("ROLLED_BACK");
            assertThat(stepState(rolledBack, "b")).isEqualTo("ROLLED_BACK");
            assertThat(RUNBOOKS.lines(id + ".trace")).containsExactly("a", "b", "undo-b", "undo-a");
        }
    }

    private void runPhase(String id, String phase, String endState) {
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/" + phase + "/start", "").status()).isEqualTo(202);
        api.awaitState(id, endState);
    }

    private static String pinnedRunbook(String word) {
        return """
                name: pinned
                environments:
                  local: { connections: {} }
                phases:
                  - name: only
                    steps:
                      - id: write
                        type: command
                        with: { run: "echo %1$s >> @WORK@/$CUTOVER_ID.trace" }
                        rollback: { type: command, with: { run: "echo undo-%1$s >> @WORK@/$CUTOVER_ID.trace" } }
                """.formatted(word);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
