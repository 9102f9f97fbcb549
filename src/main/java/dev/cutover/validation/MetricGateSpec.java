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

    /** How long one read may take: the interval, within 2 s to 30 s (a sample must not outlast its interval by much). */
    Duration requestTimeout() {
        return interval.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2)
                : interval.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : interval;
    }


    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
    static final Duration DEFAULT_PERIOD = Duration.ofSeconds(60);
    private static final Set<String> CLOUDWATCH_KEYS = Set.of("expression", "metric", "namespace", "stat", "dimensions", "period");
    private static final Set<String> QUERY_KEYS = Set.of("name", "query", "pass", "failWhen", "unit", "expression",
            "metric", "namespace", "stat", "dimensions", "period");
    private static final java.util.regex.Pattern PERIOD = java.util.regex.Pattern.compile("(\\d+)(s|m|h)");

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
        for (int i = 1; i < queries.size(); i++) {
            if (!queries.get(i).query().connectionType().equals(queries.get(0).query().connectionType())) {
                problems.add(StepArgumentProblem.at("queries[" + i + "]", "query '" + queries.get(i).name() + "' reads "
                        + queries.get(i).query().connectionType() + " but '" + queries.get(0).name() + "' reads "
                        + queries.get(0).query().connectionType() + "; one gate reads one connection, so its queries "
                        + "are all PromQL (query:) or all CloudWatch (expression: / metric:)"));
                break;
            }
        }
        String connection = with.string(guardConnection == null ? "connection" : guardConnection).orElse("");
        return new MetricGateSpec(connection, interval, window, noData, List.copyOf(queries));
    }

    private static Optional<GateQuery> query(Map<String, String> item, String path, Set<String> names,
                                             List<StepArgumentProblem> problems) {
        int before = problems.size();
        item.keySet().stream().filter(k -> !QUERY_KEYS.contains(k)).forEach(k -> problems.add(StepArgumentProblem.at(
                path + "." + k, "unknown key '" + k + "' in a query; a query has name, pass, failWhen and unit, and what it "
                        + "reads: query (prometheus), or expression or metric with namespace, stat, dimensions and "
                        + "period (cloudwatch)")));
        String name = item.getOrDefault("name", "").trim();
        if (name.isEmpty()) {
            problems.add(StepArgumentProblem.at(path + ".name", "every query needs a name (it names the query in "
                    + "progress lines, evidence and charts), e.g. name: error-rate"));
        } else if (!names.add(name)) {
            problems.add(StepArgumentProblem.at(path + ".name", "query name '" + name + "' is used twice; names must be unique"));
        }
        Optional<MetricQuery> what = what(item, path, problems);
        Optional<Condition> pass = condition(item, "pass", path, problems);
        Optional<Condition> failWhen = condition(item, "failWhen", path, problems);
        if (!item.containsKey("pass") && !item.containsKey("failWhen")) {
            problems.add(StepArgumentProblem.at(path + ".pass", "query '" + name + "' needs pass: (what must hold for "
                    + "the whole window, e.g. \"< 0.01\") or failWhen: (what fails the gate at once, e.g. \"> 0.05\")"));
        }
        Optional<String> unit = Optional.ofNullable(item.get("unit")).map(String::trim).filter(u -> !u.isEmpty());
        if (unit.isPresent() && unit.get().length() > 32) {
            problems.add(StepArgumentProblem.at(path + ".unit", "unit '" + unit.get() + "' is longer than 32 characters; "
                    + "a unit labels the chart's axis, e.g. s, ms or req/s"));
        }
        return problems.size() == before && what.isPresent()
                ? Optional.of(new GateQuery(name, what.get(), pass, failWhen, unit)) : Optional.empty();
    }

    /**
     * What the query reads. The keys say which connection type it is for, so a key of the other
     * type is named with the type it belongs to rather than as merely unknown.
     */
    private static Optional<MetricQuery> what(Map<String, String> item, String path, List<StepArgumentProblem> problems) {
        List<String> kinds = java.util.stream.Stream.of("query", "expression", "metric").filter(item::containsKey).toList();
        if (kinds.isEmpty()) {
            problems.add(StepArgumentProblem.at(path + ".query", "every query needs what to read: query: (PromQL, on a "
                    + "prometheus connection), e.g. \"sum(rate(http_errors_total[1m])) / sum(rate(http_requests_total[1m]))\"; "
                    + "or on a cloudwatch connection expression: (metric math) or metric: with namespace: and stat:"));
            return Optional.empty();
        }
        if (kinds.size() > 1) {
            problems.add(StepArgumentProblem.at(path + "." + kinds.get(1), "give one of query: (prometheus), expression: "
                    + "or metric: (cloudwatch) per query, not " + String.join(" and ", kinds)));
            return Optional.empty();
        }
        int before = problems.size();
        String kind = kinds.get(0);
        if (kind.equals("query")) {
            CLOUDWATCH_KEYS.stream().filter(item::containsKey).forEach(k -> problems.add(StepArgumentProblem.at(path + "." + k,
                    "'" + k + "' belongs to a cloudwatch query (expression: or metric:); a prometheus query: says "
                            + "everything in its PromQL (a range like [5m] goes inside it)")));
            String query = item.get("query").trim();
            if (query.isEmpty()) {
                problems.add(StepArgumentProblem.at(path + ".query", "query: is empty; write the PromQL, e.g. "
                        + "\"sum(rate(http_errors_total[1m])) / sum(rate(http_requests_total[1m]))\""));
            }
            return problems.size() == before ? Optional.of(new MetricQuery.PromQl(query)) : Optional.empty();
        }
        Duration period = period(item, path, problems);
        if (kind.equals("expression")) {
            List.of("namespace", "stat", "dimensions").stream().filter(item::containsKey).forEach(k -> problems.add(
                    StepArgumentProblem.at(path + "." + k, "'" + k + "' belongs to a metric: query; an expression: "
                            + "names its metrics inside it (e.g. SEARCH('{AWS/ApplicationELB,LoadBalancer} "
                            + "MetricName=\"HTTPCode_Target_5XX_Count\"', 'Sum'))")));
            String expression = item.get("expression").trim();
            if (expression.isEmpty()) {
                problems.add(StepArgumentProblem.at(path + ".expression", "expression: is empty; write CloudWatch metric "
                        + "math, e.g. \"SUM(SEARCH('{AWS/ApplicationELB,LoadBalancer} HTTPCode_Target_5XX_Count', "
                        + "'Sum'))\""));
            }
            return problems.size() == before ? Optional.of(new MetricQuery.Expression(expression, period)) : Optional.empty();
        }
        String metric = item.get("metric").trim();
        if (metric.isEmpty()) {
            problems.add(StepArgumentProblem.at(path + ".metric", "metric: is empty; name the CloudWatch metric, e.g. "
                    + "TargetResponseTime"));
        }
        String namespace = item.getOrDefault("namespace", "").trim();
        if (namespace.isEmpty()) {
            problems.add(StepArgumentProblem.at(path + ".namespace", "a metric: query needs namespace:, e.g. "
                    + "AWS/ApplicationELB"));
        }
        String stat = item.getOrDefault("stat", "").trim();
        if (stat.isEmpty()) {
            problems.add(StepArgumentProblem.at(path + ".stat", "a metric: query needs stat:, e.g. Average, Sum, "
                    + "Maximum or p95"));
        }
        Map<String, String> dimensions = dimensions(item.getOrDefault("dimensions", ""), path, problems);
        return problems.size() == before
                ? Optional.of(new MetricQuery.Stat(namespace, metric, stat, dimensions, period)) : Optional.empty();
    }

    /** CloudWatch keeps 1, 5, 10 and 30 s buckets for high-resolution metrics, otherwise whole minutes. */
    private static Duration period(Map<String, String> item, String path, List<StepArgumentProblem> problems) {
        if (!item.containsKey("period")) {
            return DEFAULT_PERIOD;
        }
        java.util.regex.Matcher m = PERIOD.matcher(item.get("period").trim());
        long seconds = !m.matches() ? -1 : Long.parseLong(m.group(1)) * switch (m.group(2)) {
            case "h" -> 3600;
            case "m" -> 60;
            default -> 1;
        };
        if (seconds <= 0 || (seconds % 60 != 0 && !List.of(1L, 5L, 10L, 30L).contains(seconds))) {
            problems.add(StepArgumentProblem.at(path + ".period", "period '" + item.get("period") + "' is not a CloudWatch "
                    + "period: give 1s, 5s, 10s, 30s or a whole number of minutes, e.g. 60s or 5m"));
            return DEFAULT_PERIOD;
        }
        return Duration.ofSeconds(seconds);
    }

    /** {@code "LoadBalancer=app/shop/123, TargetGroup=targetgroup/shop/456"}: a flat text, as every query value is. */
    private static Map<String, String> dimensions(String text, String path, List<StepArgumentProblem> problems) {
        Map<String, String> dimensions = new java.util.LinkedHashMap<>();
        if (text.isBlank()) {
            return dimensions;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? "" : pair.substring(0, eq).trim();
            String value = eq < 0 ? "" : pair.substring(eq + 1).trim();
            if (key.isEmpty() || value.isEmpty()) {
                problems.add(StepArgumentProblem.at(path + ".dimensions", "dimensions: '" + pair.trim() + "' is not "
                        + "Name=Value; write the pairs separated by commas, e.g. \"LoadBalancer=app/shop/123\""));
                return Map.of();
            }
            dimensions.put(key, value);
        }
        return dimensions;
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
