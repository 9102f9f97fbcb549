package dev.cutover.cutover;

import dev.cutover.testsupport.Api;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What must hold after anything anyone does to a cutover, read back over the API: answers, the
 * cutover's state and allowed actions, and its event log. Each check returns the violations it saw,
 * in words, so a failing sequence says what broke. Remembers each cutover's event log and terminal
 * state between reads, to see that the log only grows and an ended cutover stays ended.
 */
final class CutoverInvariants {

    private static final Set<String> STATES = new HashSet<>(Arrays.stream(CutoverState.values()).map(Enum::name).toList());
    private static final Set<String> TERMINAL = Set.of("ROLLED_BACK", "ABORTED");
    private static final Set<String> RUN_ENDS = Set.of("succeeded", "failed", "stopped");
    /** Refusals that may name an allowed action: it is the phase or step named that is wrong, not the state. */
    private static final Set<CutoverMoves.Kind> REFUSED_FOR_THEIR_TARGET =
            EnumSet.of(CutoverMoves.Kind.START, CutoverMoves.Kind.RESTART, CutoverMoves.Kind.APPROVE);

    private final Map<String, List<JsonNode>> events = new HashMap<>();
    private final Map<String, String> ended = new HashMap<>();
    private final List<Long> crashes = new ArrayList<>();

    /** The service was killed and started again; no event after {@code lastEventId} was written before. */
    void crashed(long lastEventId) {
        crashes.add(lastEventId);
    }

    /** One answer to an action: 2xx, or 409 problem+json with the state and the actions that are allowed. */
    List<String> answer(CutoverMoves.Move move, Api.Answer answer) {
        List<String> violations = new ArrayList<>();
        if (answer.status() >= 500) {
            violations.add(move + " answered " + answer.status() + ": " + answer.text());
        } else if (answer.status() == 409) {
            JsonNode problem = answer.body();
            if (!answer.contentType().startsWith("application/problem+json") || problem == null) {
                violations.add(move + " refused with 409 but as " + answer.contentType() + ": " + answer.text());
                return violations;
            }
            if (!problem.path("allowedActions").isArray() || !STATES.contains(problem.path("state").asString())) {
                violations.add(move + " refused without a state and allowedActions: " + answer.text());
            }
            List<String> allowed = new ArrayList<>();
            problem.path("allowedActions").forEach(action -> allowed.add(action.asString()));
            if (allowed.contains(move.kind().apiName) && !REFUSED_FOR_THEIR_TARGET.contains(move.kind())) {
                violations.add(move + " refused although the answer lists it as allowed: " + answer.text());
            }
        } else if (answer.status() / 100 != 2) {
            violations.add(move + " answered " + answer.status() + " (only 2xx or 409 expected): " + answer.text());
        }
        return violations;
    }

    /** The same action sent twice at once: one of them at most may be accepted. */
    List<String> duplicates(CutoverMoves.Move move, List<Api.Answer> answers) {
        long accepted = answers.stream().filter(answer -> answer.status() / 100 == 2).count();
        return accepted > 1 ? List.of(move + " pressed twice at once was accepted " + accepted + " times") : List.of();
    }

    /** The cutover as {@code GET /api/cutovers/{id}} shows it, and its whole event log read after that. */
    List<String> cutover(String id, JsonNode view, List<JsonNode> log) {
        List<String> violations = new ArrayList<>();
        String state = view.path("state").asString();
        if (!STATES.contains(state)) {
            return List.of("state " + state + " is not a state of the state machine");
        }
        Set<String> legal = new HashSet<>();
        CutoverState.valueOf(state).allowedActions().forEach(action -> legal.add(action.apiName()));
        view.path("allowedActions").forEach(action -> {
            if (!legal.contains(action.asString())) {
                violations.add("allowedActions " + view.path("allowedActions") + " in state " + state
                        + " has " + action.asString());
            }
        });
        String endedAs = ended.get(id);
        if (endedAs != null && !endedAs.equals(state)) {
            violations.add("cutover ended " + endedAs + " but is " + state + " now");
        }
        if (TERMINAL.contains(state)) {
            ended.putIfAbsent(id, state);
        }
        violations.addAll(appendOnly(id, log));
        violations.addAll(noStepRanTwiceAtOnce(log));
        if ("ROLLED_BACK".equals(state)) {
            violations.addAll(everyCompletedStepRolledBackOnce(view, log));
        }
        return violations;
    }

    private List<String> appendOnly(String id, List<JsonNode> log) {
        List<String> violations = new ArrayList<>();
        for (int i = 1; i < log.size(); i++) {
            if (log.get(i).path("id").asLong() <= log.get(i - 1).path("id").asLong()) {
                violations.add("event ids out of order: " + log.get(i - 1).path("id") + " then " + log.get(i).path("id"));
            }
        }
        List<JsonNode> before = events.getOrDefault(id, List.of());
        if (log.size() < before.size()) {
            violations.add("the event log shrank from " + before.size() + " to " + log.size() + " events");
        } else {
            for (int i = 0; i < before.size(); i++) {
                if (!before.get(i).equals(log.get(i))) {
                    violations.add("event " + i + " changed between reads: was " + before.get(i) + ", is " + log.get(i));
                    break;
                }
            }
        }
        events.put(id, List.copyOf(log));
        return violations;
    }

    /**
     * A step's forward run and its inverse never overlap, nor two runs of either: every start has its
     * end first, or a kill -9 of the service in between.
     */
    private List<String> noStepRanTwiceAtOnce(List<JsonNode> log) {
        List<String> violations = new ArrayList<>();
        Map<String, JsonNode> open = new HashMap<>();
        int crash = 0;
        for (JsonNode event : log) {
            // A run open when the service was killed ended with it (the step is INTERRUPTED, never "ended").
            while (crash < crashes.size() && event.path("id").asLong() > crashes.get(crash)) {
                open.clear();
                crash++;
            }
            String step = stepId(event);
            String action = event.path("action").asString();
            if (step == null || !("step".equals(action) || "rollback".equals(action))) {
                continue;
            }
            String outcome = event.path("outcome").asString();
            if ("started".equals(outcome)) {
                JsonNode running = open.put(step, event);
                if (running != null) {
                    violations.add("step " + step + " " + action + " started (event " + event.path("id")
                            + ") while its " + running.path("action").asString() + " run from event "
                            + running.path("id") + " had not ended");
                }
            } else if (RUN_ENDS.contains(outcome)) {
                open.remove(step);
            }
        }
        return violations;
    }

    /** After a finished rollback: every step that completed forward was undone exactly once, and nothing is left done. */
    private static List<String> everyCompletedStepRolledBackOnce(JsonNode view, List<JsonNode> log) {
        List<String> violations = new ArrayList<>();
        Set<String> completed = new HashSet<>();
        Map<String, Integer> undone = new HashMap<>();
        for (JsonNode event : log) {
            String step = stepId(event);
            if (step == null || !"succeeded".equals(event.path("outcome").asString())) {
                continue;
            }
            if ("step".equals(event.path("action").asString())) {
                completed.add(step);
            } else if ("rollback".equals(event.path("action").asString())) {
                undone.merge(step, 1, Integer::sum);
            }
        }
        for (String step : completed) {
            int times = undone.getOrDefault(step, 0);
            if (times != 1) {
                violations.add("step " + step + " completed and was rolled back " + times + " times");
            }
        }
        for (JsonNode phase : view.path("phases")) {
            for (JsonNode step : phase.path("steps")) {
                String state = step.path("state").asString();
                if (!"PENDING".equals(state) && !"ROLLED_BACK".equals(state)) {
                    violations.add("step " + step.path("id").asString() + " is " + state + " after the rollback finished");
                }
            }
        }
        return violations;
    }

    private static String stepId(JsonNode event) {
        JsonNode step = event.get("stepId");
        return step == null || step.isNull() ? null : step.asString();
    }
}
