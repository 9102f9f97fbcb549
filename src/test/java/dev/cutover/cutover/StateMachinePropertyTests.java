package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Random sequences of what people do to a cutover ({@link CutoverMoves}: start, pause, resume,
 * approve, restart, abort, rollback, the same button pressed twice at once) against the running
 * service over HTTP, with {@link CutoverInvariants} checked after every move: the state is a state,
 * refusals are 409 problem+json with {@code allowedActions}, no 500, no step ran twice at once, the
 * event log only grows, and a finished rollback undid every completed step once. Runs for
 * {@code -Dproperties.duration} (5 s by default; {@code bench/state-machine-properties.sh} runs
 * minutes) from {@code -Dproperties.seed} (random by default, printed); a failure prints the seed and
 * the failing sequence of moves.
 */
class StateMachinePropertyTests extends ServiceTest {

    @Test
    void randomSequencesOfActionsKeepTheStateMachinesInvariants() throws Exception {
        addRunbook("properties.yaml", resource("/test-runbooks/properties.yaml"));
        Duration budget = Duration.parse(System.getProperty("properties.duration", "PT5S"));
        long seed = Long.getLong("properties.seed", System.nanoTime());
        System.out.println("state machine properties: seed=" + seed + " (replay with -Dproperties.seed=" + seed + ")");
        CutoverMoves moves = new CutoverMoves(seed);
        CutoverInvariants invariants = new CutoverInvariants();
        List<String> failures = new ArrayList<>();
        long sequences = 0;
        long actions = 0;
        long deadline = System.nanoTime() + budget.toNanos();
        while (System.nanoTime() < deadline && failures.size() < 3) {
            sequences++;
            String id = createCutover("properties");
            List<CutoverMoves.Move> done = new ArrayList<>();
            List<String> violations = new ArrayList<>();
            JsonNode view = cutover(id);
            int length = moves.sequenceLength();
            for (int i = 0; i < length && violations.isEmpty(); i++) {
                CutoverMoves.Move move = moves.next(view);
                done.add(move);
                actions++;
                violations.addAll(perform(id, move, invariants));
                view = cutover(id);
                violations.addAll(invariants.cutover(id, view, events(id)));
            }
            if (violations.isEmpty()) {
                violations.addAll(finish(id, moves, done, invariants));
            }
            System.out.println("sequence " + sequences + ": " + done + " -> " + cutover(id).path("state").asString());
            if (!violations.isEmpty()) {
                failures.add("cutover " + id + " after " + done + ": " + violations);
            }
        }
        String figures = "properties: sequences=%d actions=%d violations=%d seed=%d"
                .formatted(sequences, actions, failures.size(), seed);
        System.out.println(figures);
        Path results = Files.createDirectories(Path.of("target", "properties"));
        Files.writeString(results.resolve("last-run.txt"), String.join(System.lineSeparator(), failures)
                + System.lineSeparator() + figures + System.lineSeparator(), StandardCharsets.UTF_8);

        assertThat(failures).as("replay with -Dproperties.seed=%d", seed).isEmpty();
        assertThat(sequences).as("sequences tried").isGreaterThan(0);
    }

    /**
     * Ends a sequence: half the time a rollback when one is allowed, awaited so its invariant is
     * checked; otherwise an abort so that no cutover is left waiting for an approver in the shared service.
     */
    private List<String> finish(String id, CutoverMoves moves, List<CutoverMoves.Move> done, CutoverInvariants invariants) {
        JsonNode view = cutover(id);
        boolean rollBack = view.path("allowedActions").toString().contains("\"rollback\"") && moves.endWithRollback();
        CutoverMoves.Move end = new CutoverMoves.Move(rollBack ? CutoverMoves.Kind.ROLLBACK : CutoverMoves.Kind.ABORT,
                null, false, 0);
        List<String> violations = new ArrayList<>();
        if (view.path("allowedActions").toString().contains("\"" + end.kind().apiName + "\"")) {
            done.add(end);
            violations.addAll(perform(id, end, invariants));
        }
        JsonNode settled = api.awaitCutover(id, c -> !"ROLLING_BACK".equals(c.path("state").asString())
                && !"PAUSING".equals(c.path("state").asString()), 20);
        violations.addAll(invariants.cutover(id, settled, events(id)));
        return violations;
    }

    private List<String> perform(String id, CutoverMoves.Move move, CutoverInvariants invariants) {
        if (move.kind() == CutoverMoves.Kind.WAIT) {
            Api.sleep(move.waitMs());
            return List.of();
        }
        List<Api.Answer> answers = new ArrayList<>();
        if (move.twice()) {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Api.Answer>> presses = List.of(
                    CompletableFuture.supplyAsync(() -> pressWhen(go, id, move)),
                    CompletableFuture.supplyAsync(() -> pressWhen(go, id, move)));
            go.countDown();
            presses.forEach(press -> answers.add(press.join()));
        } else {
            answers.add(send(id, move));
        }
        List<String> violations = new ArrayList<>();
        answers.forEach(answer -> violations.addAll(invariants.answer(move, answer)));
        violations.addAll(invariants.duplicates(move, answers));
        return violations;
    }

    private Api.Answer pressWhen(CountDownLatch go, String id, CutoverMoves.Move move) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return send(id, move);
    }

    private Api.Answer send(String id, CutoverMoves.Move move) {
        String cutover = "/api/cutovers/" + id;
        return switch (move.kind()) {
            case START -> api.post("operator", cutover + "/phases/" + move.target() + "/start", null);
            case RESTART -> api.post("operator", cutover + "/phases/" + move.target() + "/restart", null);
            case PAUSE -> api.post("operator", cutover + "/pause", null);
            case RESUME -> api.post("operator", cutover + "/resume", null);
            case APPROVE -> api.post("approver", cutover + "/steps/" + move.target() + "/approve", "{\"checkedItems\":[]}");
            case ABORT -> api.post("approver", cutover + "/abort", null);
            case ROLLBACK -> api.post("approver", cutover + "/rollback", null);
            case WAIT -> throw new IllegalArgumentException("a wait sends nothing");
        };
    }

    private JsonNode cutover(String id) {
        Api.Answer answer = api.get("viewer", "/api/cutovers/" + id);
        if (answer.status() != 200) {
            throw new AssertionError("GET cutover " + id + " answered " + answer.status() + ": " + answer.text());
        }
        return answer.body();
    }

    /** The whole event log of the cutover, page by page. */
    private List<JsonNode> events(String id) {
        List<JsonNode> log = new ArrayList<>();
        long after = 0;
        while (true) {
            Api.Answer page = api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000&after=" + after);
            if (page.status() != 200) {
                throw new AssertionError("events of " + id + " answered " + page.status() + ": " + page.text());
            }
            page.body().path("events").forEach(log::add);
            JsonNode next = page.body().path("next");
            if (next.isNull() || next.isMissingNode()) {
                return log;
            }
            after = next.asLong();
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = StateMachinePropertyTests.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
