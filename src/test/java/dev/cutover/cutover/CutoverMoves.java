package dev.cutover.cutover;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import tools.jackson.databind.JsonNode;

/**
 * A seeded generator of what people do to a cutover of the {@code properties} test runbook: start a
 * phase, pause, resume, approve, restart, abort, roll back, or wait a moment — mostly what the
 * cutover allows now (other than ending it), sometimes anything (a stale screen), sometimes the same
 * action from two people at once. The same seed gives the same choices; the timing of the service does not replay exactly,
 * so a failure prints its sequence as well.
 */
final class CutoverMoves {

    static final List<String> PHASES = List.of("prepare", "go", "finish");

    enum Kind {
        START("start-phase"), PAUSE("pause"), RESUME("resume"), APPROVE("approve"), RESTART("restart-phase"),
        ABORT("abort"), ROLLBACK("rollback"), WAIT(null), KILL(null);

        final String apiName;

        Kind(String apiName) {
            this.apiName = apiName;
        }
    }

    /** One move: {@code target} is the phase or step it names, {@code twice} sends it from two threads at once. */
    record Move(Kind kind, String target, boolean twice, int waitMs) {

        @Override
        public String toString() {
            if (kind == Kind.WAIT) {
                return "wait " + waitMs + "ms";
            }
            if (kind == Kind.KILL) {
                return "kill -9 and restart";
            }
            return kind.apiName + (target == null ? "" : "(" + target + ")") + (twice ? " x2" : "");
        }
    }

    private static final List<Kind> ACTIONS = List.of(Kind.START, Kind.PAUSE, Kind.RESUME, Kind.APPROVE, Kind.RESTART,
            Kind.ABORT, Kind.ROLLBACK);

    private final Random random;
    private final boolean crashes;

    /** {@code crashes}: also kill the service with -9 and start it again now and then (the bench's jar only). */
    CutoverMoves(long seed, boolean crashes) {
        this.random = new Random(seed);
        this.crashes = crashes;
    }

    int sequenceLength() {
        return 6 + random.nextInt(15);
    }

    /** Whether a sequence ends with a rollback (awaited and checked) rather than an abort. */
    boolean endWithRollback() {
        return random.nextBoolean();
    }

    /** The next move, given the cutover as the API showed it last. */
    Move next(JsonNode cutover) {
        int roll = random.nextInt(100);
        if (crashes && random.nextInt(12) == 0) {
            return new Move(Kind.KILL, null, false, 0);
        }
        if (roll < 25) {
            return new Move(Kind.WAIT, null, false, 50 + random.nextInt(500));
        }
        Kind kind = roll < 85 ? allowed(cutover) : ACTIONS.get(random.nextInt(ACTIONS.size()));
        String target = switch (kind) {
            case START -> random.nextInt(8) == 0 ? PHASES.get(random.nextInt(PHASES.size())) : nextPhase(cutover);
            case RESTART -> random.nextInt(8) == 0 || cutover.path("currentPhase").isNull()
                    ? PHASES.get(random.nextInt(PHASES.size())) : cutover.path("currentPhase").asString();
            case APPROVE -> "go-no-go";
            default -> null;
        };
        return new Move(kind, target, random.nextInt(5) == 0, 0);
    }

    private Kind allowed(JsonNode cutover) {
        List<Kind> allowed = new ArrayList<>();
        cutover.path("allowedActions").forEach(action -> ACTIONS.stream()
                .filter(kind -> kind.apiName.equals(action.asString())).forEach(allowed::add));
        if (allowed.isEmpty()) {
            return ACTIONS.get(random.nextInt(ACTIONS.size()));
        }
        // Rollback and abort end a sequence's interesting part: while something else is allowed, they come
        // from the random picks (and from the sequence's end) only.
        List<Kind> onward = allowed.stream().filter(kind -> kind != Kind.ROLLBACK && kind != Kind.ABORT).toList();
        List<Kind> from = onward.isEmpty() ? allowed : onward;
        return from.get(random.nextInt(from.size()));
    }

    /** The first phase with a step that has not succeeded, as a person reading the page would start it. */
    static String nextPhase(JsonNode cutover) {
        for (JsonNode phase : cutover.path("phases")) {
            for (JsonNode step : phase.path("steps")) {
                if (!"SUCCEEDED".equals(step.path("state").asString())) {
                    return phase.path("name").asString();
                }
            }
        }
        return PHASES.get(PHASES.size() - 1);
    }
}
