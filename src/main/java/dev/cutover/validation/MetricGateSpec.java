package dev.cutover.validation;

import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.StepArguments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code with:} of a {@code metric-gate}, read and checked: the same rules when the runbook
 * loads ({@link #problems}) and when the step runs ({@link #of}).
 */
record MetricGateSpec(String connection, Duration interval, Duration window, NoData noData, List<GateQuery> queries) {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
    private static final Set<String> QUERY_KEYS = Set.of("name", "query", "pass", "failWhen");

    /** What to make of a query that answers no series (or NaN). Missing data is never success by default. */
    enum NoData {
        /** Fails the gate at once. */
        FAIL,
        /** Neither passes nor fails: the window starts again with the next sample that has data. */
        HOLD,
        /** Counts as meeting the query's conditions. */
        PASS
    }

    static List<StepArgumentProblem> problems(StepArguments with, Duration stepTimeout) {
        List<StepArgumentProblem> problems = new ArrayList<>();
        read(with, problems, stepTimeout);
        return problems;
    }

    /** The spec of a runbook already validated; a problem left is a bug, not a runbook mistake. */
    static MetricGateSpec of(StepArguments with) {
        List<StepArgumentProblem> problems = new ArrayList<>();
        MetricGateSpec spec = read(with, problems, null);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0).field() + ": " + problems.get(0).message());
        }
        return spec;
    }

    /**
     * The guard settings of another step ({@code interval}, {@code noData}, {@code queries}, the
     * connection under {@code connectionParameter}): the gate's rules without a {@code for:} window.
     */
    static MetricGateSpec guard(StepArguments with, String connectionParameter, List<StepArgumentProblem> problems) {
        return read(with, problems, null, connectionParameter);
    }

    private static MetricGateSpec read(StepArguments with, List<StepArgumentProblem> problems, Duration stepTimeout) {
        return read(with, problems, stepTimeout, null);
    }

    /** @param guardConnection null for a gate; for a guard, the parameter naming its connection */
    private static MetricGateSpec read(StepArguments with, List<StepArgumentProblem> problems, Duration stepTimeout,
                                       String guardConnection) {
        Duration interval = with.duration("interval").orElse(DEFAULT_INTERVAL);
        if (interval.isZero() || interval.isNegative()) {
            problems.add(StepArgumentProblem.at("interval", "interval must be longer than zero (time between samples)"));
        }
        Duration window = with.duration("for").orElse(Duration.ZERO);
        if (guardConnection != null) {
            window = Duration.ZERO;  // a guard watches for as long as its step holds
        } else if (window.compareTo(interval) < 0) {
            problems.add(StepArgumentProblem.at("for", "for (" + with.string("for").orElse("0s")
                    + ") must be at least interval (" + with.string("interval").orElse("15s, the default")
                    + "): the gate needs two samples at least, one at each end of the window"));
        } else if (stepTimeout != null && window.compareTo(stepTimeout) >= 0) {
            problems.add(StepArgumentProblem.at("for", "for (" + with.string("for").orElse("") + ") must be shorter than "
                    + "the step's timeout, or the gate can never pass; raise timeout: or shorten for:"));
        }
        NoData noData = NoData.valueOf(with.string("noData").orElse("hold").trim().toUpperCase(java.util.Locale.ROOT));
        List<Map<String, String>> items = with.mappings("queries");
        if (items.isEmpty()) {
            problems.add(StepArgumentProblem.at("queries", "a metric gate needs at least one query, e.g. "
                    + "- { name: error-rate, query: \"sum(rate(http_errors_total[1m]))\", pass: \"< 0.01\" }"));
        }
        List<GateQuery> queries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            query(items.get(i), "queries[" + i + "]", names, problems).ifPresent(queries::add);
        }
        String connection = with.string(guardConnection == null ? "connection" : guardConnection).orElse("");
        return new MetricGateSpec(connection, interval, window, noData, List.copyOf(queries));
    }

    private static Optional<GateQuery> query(Map<String, String> item, String path, Set<String> names,
                                             List<StepArgumentProblem> problems) {
        int before = problems.size();
        item.keySet().stream().filter(k -> !QUERY_KEYS.contains(k)).forEach(k -> problems.add(StepArgumentProblem.at(
                path + "." + k, "unknown key '" + k + "' in a query; a query has name, query, pass and failWhen")));
        String name = item.getOrDefault("name", "").trim();
        if (name.isEmpty()) {
            problems.add(StepArgumentProblem.at(path + ".name", "every query needs a name (it names the query in "
                    + "progress lines, evidence and charts), e.g. name: error-rate"));
        } else if (!names.add(name)) {
            problems.add(StepArgumentProblem.at(path + ".name", "query name '" + name + "' is used twice; names must be unique"));
        }
        String query = item.getOrDefault("query", "").trim();
        if (query.isEmpty()) {
            problems.add(StepArgumentProblem.at(path + ".query", "every query needs query: (PromQL), e.g. "
                    + "\"sum(rate(http_errors_total[1m])) / sum(rate(http_requests_total[1m]))\""));
        }
        Optional<Condition> pass = condition(item, "pass", path, problems);
        Optional<Condition> failWhen = condition(item, "failWhen", path, problems);
        if (!item.containsKey("pass") && !item.containsKey("failWhen")) {
            problems.add(StepArgumentProblem.at(path + ".pass", "query '" + name + "' needs pass: (what must hold for "
                    + "the whole window, e.g. \"< 0.01\") or failWhen: (what fails the gate at once, e.g. \"> 0.05\")"));
        }
        return problems.size() == before ? Optional.of(new GateQuery(name, query, pass, failWhen)) : Optional.empty();
    }

    private static Optional<Condition> condition(Map<String, String> item, String key, String path,
                                                 List<StepArgumentProblem> problems) {
        if (!item.containsKey(key)) {
            return Optional.empty();
        }
        StringBuilder problem = new StringBuilder();
        Optional<Condition> condition = Condition.parse(item.get(key), problem);
        if (condition.isEmpty()) {
            problems.add(StepArgumentProblem.at(path + "." + key, key + ": " + problem));
        }
        return condition;
    }
}
