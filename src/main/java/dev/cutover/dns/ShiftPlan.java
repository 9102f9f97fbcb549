package dev.cutover.dns;

import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.StepArguments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code with:} of a {@code dns-shift}, read and checked: the same rules when the runbook loads
 * ({@link #problems}) and when the step runs ({@link #of}).
 *
 * @param from       the set identifier of the target traffic leaves (e.g. {@code gcp})
 * @param fromValues its values; empty: those of the record as found (plain, or the weighted set {@code from})
 * @param to         the set identifier of the target traffic moves to (e.g. {@code aws})
 * @param toValues   its values
 * @param percents   percent of the traffic on {@code to} after each step, ascending
 * @param ttl        the TTL of both weighted sets; empty: the TTL of the record as found
 */
record ShiftPlan(String type, String from, List<String> fromValues, String to, List<String> toValues,
                 List<Integer> percents, Duration hold, Optional<Long> ttl, Optional<String> guard) {

    static List<StepArgumentProblem> problems(StepArguments with, Duration stepTimeout) {
        List<StepArgumentProblem> problems = new ArrayList<>();
        read(with, problems, stepTimeout);
        return problems;
    }

    static ShiftPlan of(StepArguments with) {
        List<StepArgumentProblem> problems = new ArrayList<>();
        ShiftPlan plan = read(with, problems, null);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0).field() + ": " + problems.get(0).message());
        }
        return plan;
    }

    /** Weight of {@code from} at a step: weights are relative in Route 53, so 100 − p and p share 100. */
    static long fromWeight(int percent) {
        return 100L - percent;
    }

    private static ShiftPlan read(StepArguments with, List<StepArgumentProblem> problems, Duration stepTimeout) {
        String from = with.string("from").orElse("").trim();
        String to = with.string("to").orElse("").trim();
        if (!from.isEmpty() && from.equals(to)) {
            problems.add(StepArgumentProblem.at("to", "from and to are both '" + to + "': they must be the set "
                    + "identifiers of two different targets, e.g. from: gcp, to: aws"));
        }
        for (String field : List.of("from", "to")) {
            String id = with.string(field).orElse("");
            if (id.length() > 128) {
                problems.add(StepArgumentProblem.at(field, "a Route 53 set identifier has at most 128 characters"));
            }
        }
        List<Integer> percents = new ArrayList<>();
        List<String> steps = with.list("steps");
        if (steps.isEmpty()) {
            problems.add(StepArgumentProblem.at("steps", "steps needs at least one percentage, e.g. [10, 50, 100]"));
        }
        int previous = 0;
        for (int i = 0; i < steps.size(); i++) {
            String text = steps.get(i).trim();
            int percent;
            try {
                percent = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                problems.add(StepArgumentProblem.at("steps[" + i + "]", "'" + text + "' is not a whole percentage "
                        + "(1 to 100) of the traffic on '" + to + "'"));
                continue;
            }
            if (percent < 1 || percent > 100 || percent <= previous) {
                problems.add(StepArgumentProblem.at("steps[" + i + "]", "steps must rise from 1 to at most 100 percent, "
                        + "each above the one before, e.g. [10, 50, 100]; found " + percent + " after " + previous));
                continue;
            }
            previous = percent;
            percents.add(percent);
        }
        Duration hold = with.duration("hold").orElse(Duration.ZERO);
        if (hold.isNegative() || hold.isZero()) {
            problems.add(StepArgumentProblem.at("hold", "hold must be longer than zero: how long each step is watched "
                    + "before the next, e.g. 5m"));
        } else if (stepTimeout != null && hold.multipliedBy(Math.max(1, steps.size())).compareTo(stepTimeout) >= 0) {
            problems.add(StepArgumentProblem.at("hold", "the shift holds " + steps.size() + " steps of "
                    + with.string("hold").orElse("") + ", which does not fit in the step's timeout; raise timeout: "
                    + "(it bounds the whole shift) or shorten hold:"));
        }
        Optional<String> guard = with.string("guard").filter(g -> !g.isBlank());
        if (guard.isEmpty()) {
            for (String field : List.of("queries", "interval", "noData")) {
                if (field.equals("queries") ? !with.mappings(field).isEmpty() : with.string(field).isPresent()) {
                    problems.add(StepArgumentProblem.at(field, field + " belongs to the guard: add guard: <a prometheus "
                            + "connection> to evaluate the queries while each step holds, or remove " + field));
                }
            }
        }
        return new ShiftPlan(with.string("type").orElse("CNAME"), from, with.list("fromValues"), to,
                with.list("toValues"), List.copyOf(percents), hold, with.duration("ttl").map(Duration::toSeconds), guard);
    }
}
