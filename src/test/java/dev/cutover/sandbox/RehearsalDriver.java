package dev.cutover.sandbox;

import dev.cutover.testsupport.Api;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Drives a cutover of {@code runbooks/rehearsal.yaml} over the REST API the way the README's
 * walk-through does: an operator starts each phase, an approver passes the go/no-go gate and may
 * order the rollback.
 */
public final class RehearsalDriver {

    public static final List<String> PHASES =
            List.of("network-checks", "data-migration", "database-sync", "application-migration", "cutover",
                    "traffic-validation");
    public static final String TRAFFIC_GATE = "traffic-healthy";
    private static final int PHASE_SECONDS = 300;

    private final Api api;

    public RehearsalDriver(Api api) {
        this.api = api;
    }

    public String create() {
        Api.Answer created = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"rehearsal\",\"environment\":\"local\",\"rehearsal\":true}");
        if (created.status() != 201) {
            throw new IllegalStateException("could not create a rehearsal: " + created.text());
        }
        return created.body().path("id").asString();
    }

    /**
     * Runs every phase; approves the go/no-go gate; calls {@code onFrozen} once the orders freeze
     * succeeded. Returns the cutover as the API shows it at the end (COMPLETED, ROLLED_BACK after
     * a failed traffic gate, or where it stopped).
     */
    public JsonNode runAll(String id, Runnable onFrozen) {
        return runAll(id, onFrozen, () -> { });
    }

    /**
     * As {@link #runAll(String, Runnable)}, and calls {@code onTrafficGate} once the traffic gate
     * runs. When the gate fails, the service rolls back by itself: this waits for that to end.
     */
    public JsonNode runAll(String id, Runnable onFrozen, Runnable onTrafficGate) {
        JsonNode cutover = runUntilCutoverPhaseEnds(id, onFrozen);
        if (!"READY".equals(cutover.path("state").asString())) {
            return cutover;
        }
        start(id, "traffic-validation");
        api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString())
                || !"PENDING".equals(Api.stepState(c, TRAFFIC_GATE)), PHASE_SECONDS);
        onTrafficGate.run();
        JsonNode end = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), PHASE_SECONDS);
        if ("FAILED".equals(end.path("state").asString())) {
            // the automatic rollback starts on the job's thread right after FAILED is written
            end = awaitLeaving(id, "FAILED", 10);
        }
        if ("ROLLING_BACK".equals(end.path("state").asString())) {
            end = api.awaitCutover(id, c -> !"ROLLING_BACK".equals(c.path("state").asString()), PHASE_SECONDS);
        }
        return end;
    }

    private JsonNode awaitLeaving(String id, String state, int seconds) {
        try {
            return api.awaitCutover(id, c -> !state.equals(c.path("state").asString()), seconds);
        } catch (AssertionError stayed) {
            return api.get("viewer", "/api/cutovers/" + id).body();
        }
    }

    private JsonNode runUntilCutoverPhaseEnds(String id, Runnable onFrozen) {
        for (String phase : PHASES.subList(0, PHASES.indexOf("cutover"))) {
            JsonNode after = runPhase(id, phase);
            if (!"READY".equals(after.path("state").asString())) {
                return after;
            }
        }
        start(id, "cutover");
        JsonNode waiting = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), PHASE_SECONDS);
        if (!"AWAITING_APPROVAL".equals(waiting.path("state").asString())) {
            return waiting;
        }
        Api.Answer approved = api.post("approver", "/api/cutovers/" + id + "/steps/go-no-go/approve",
                "{\"comment\":\"go\",\"checkedItems\":[\"TTL lowered to 60 s\",\"rollback owner on the call\"]}");
        if (approved.status() >= 300) {
            throw new IllegalStateException("go/no-go approval refused: " + approved.text());
        }
        api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString())
                || List.of("SUCCEEDED", "FAILED").contains(Api.stepState(c, "freeze-orders")), PHASE_SECONDS);
        onFrozen.run();
        return api.awaitCutover(id, c -> !List.of("RUNNING", "AWAITING_APPROVAL").contains(c.path("state").asString()),
                PHASE_SECONDS);
    }

    public JsonNode runPhase(String id, String phase) {
        start(id, phase);
        return api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), PHASE_SECONDS);
    }

    /** Orders the rollback as an approver and waits for its end. */
    public JsonNode rollback(String id) {
        Api.Answer accepted = api.post("approver", "/api/cutovers/" + id + "/rollback", null);
        if (accepted.status() != 202) {
            throw new IllegalStateException("rollback refused: " + accepted.text());
        }
        return api.awaitCutover(id, c -> !"ROLLING_BACK".equals(c.path("state").asString()), PHASE_SECONDS);
    }

    /** The cutover's event log, oldest first. */
    public JsonNode events(String id) {
        return api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").body().path("events");
    }

    /** Every event as {@code actor action outcome step}, oldest first. */
    public List<String> story(String id) {
        return events(id).valueStream().map(e -> e.path("actor").asString() + " " + e.path("action").asString() + " "
                + e.path("outcome").asString() + " " + e.path("stepId").asString("")).toList();
    }

    private void start(String id, String phase) {
        Api.Answer started = api.post("operator", "/api/cutovers/" + id + "/phases/" + phase + "/start", null);
        if (started.status() != 202) {
            throw new IllegalStateException("phase " + phase + " did not start: " + started.text());
        }
    }
}
