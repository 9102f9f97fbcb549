package dev.cutover.cutover;

import dev.cutover.testsupport.Api;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import tools.jackson.databind.JsonNode;

/**
 * Drives {@link CutoverMoves} sequences against a service over HTTP and checks
 * {@link CutoverInvariants} after every move: the service in the test's JVM
 * ({@link StateMachinePropertyTests}), or the packaged jar that {@link CrashPropertiesBench} kills
 * with -9 and starts again between moves. Prints each sequence, and writes the failing ones and the
 * figures to {@code target/properties/last-run.txt}.
 */
final class CutoverPropertyRun {

    /** Kills the service with -9 and starts it again (the bench only). */
    interface Crash {
        void killAndRestart() throws Exception;
    }

    record Result(long sequences, long actions, List<String> failures, long seed) {
    }

    private final Api api;
    private final long seed;
    private final Crash crash;

    CutoverPropertyRun(Api api, long seed, Crash crash) {
        this.api = api;
        this.seed = seed;
        this.crash = crash;
    }

    Result run(Duration budget) throws IOException {
        System.out.println("state machine properties: seed=" + seed + " (replay with -Dproperties.seed=" + seed + ")");
        CutoverMoves moves = new CutoverMoves(seed, crash != null);
        CutoverInvariants invariants = new CutoverInvariants();
        List<String> failures = new ArrayList<>();
        long sequences = 0;
        long actions = 0;
        long deadline = System.nanoTime() + budget.toNanos();
        while (System.nanoTime() < deadline && failures.size() < 3) {
            sequences++;
            String id = createCutover();
            List<CutoverMoves.Move> done = new ArrayList<>();
            List<String> violations = new ArrayList<>();
            JsonNode view = cutover(id);
            int length = moves.sequenceLength();
            for (int i = 0; i < length && violations.isEmpty() && System.nanoTime() < deadline; i++) {
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
        return new Result(sequences, actions, failures, seed);
    }

    private String createCutover() {
        Api.Answer created = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"properties\",\"environment\":\"local\",\"rehearsal\":true}");
        if (created.status() != 201) {
            throw new AssertionError("could not create a cutover of properties: " + created.text());
        }
        return created.body().path("id").asString();
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
        if (move.kind() == CutoverMoves.Kind.KILL) {
            try {
                crash.killAndRestart();
            } catch (Exception e) {
                throw new AssertionError("could not kill and restart the service", e);
            }
            // Runs open at the last event written before the restart ended with the process.
            invariants.crashed(lastEventId());
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
            case WAIT, KILL -> throw new IllegalArgumentException(move + " sends nothing");
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

    /** The newest event id of any cutover: every cutover's log is read, newest cutover first. */
    private long lastEventId() {
        long last = 0;
        for (JsonNode cutover : api.get("viewer", "/api/cutovers?limit=50").body()) {
            List<JsonNode> log = events(cutover.path("id").asString());
            if (!log.isEmpty()) {
                last = Math.max(last, log.get(log.size() - 1).path("id").asLong());
            }
        }
        return last;
    }
}
