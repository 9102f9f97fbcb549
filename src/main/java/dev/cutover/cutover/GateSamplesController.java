package dev.cutover.cutover;

import dev.cutover.cutover.state.CutoverStepRepository;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The readings of a cutover's sampled gates, per replica, member or metric query, for charts and scripts. */
@RestController
class GateSamplesController {

    private final CutoverTransitions transitions;
    private final CutoverStepRepository steps;
    private final GateSamples samples;

    GateSamplesController(CutoverTransitions transitions, CutoverStepRepository steps, GateSamples samples) {
        this.transitions = transitions;
        this.steps = steps;
        this.samples = samples;
    }

    /** The answer: one series per gate step and replica, member or query. */
    record GateSampleAnswer(String cutoverId, List<GateSeries> series) {
    }

    @GetMapping("/api/cutovers/{id}/gate-samples")
    @Operation(summary = "Samples of the cutover's sampled gates (lag and metric)",
            description = "Every sample of mysql-lag-gate and mongo-lag-gate steps (kind lag: one series per step and "
                    + "replica or member) and of metric-gate steps and dns-shift guards (kind metric: one series per step "
                    + "and query, a guard's named 'guard: <query>'), oldest point first. Each point is an array "
                    + "[t, value, verdict]; for lag the same as [t, lagMs, verdict]: t in milliseconds since the epoch; "
                    + "value null when there was none (lag unknown because replication stopped or broke, or a query with "
                    + "no data — never 0). Lag: value in whole ms, verdict within, outside or broken, thresholdMs the "
                    + "gate's maxLag. Metric: value a decimal in the series' unit (null when the query has no unit:), "
                    + "verdict pass, fail (missed pass), fail-when (met failWhen) or no-data, thresholdMs null. pass and "
                    + "failWhen are {operator, value, text} (a lag gate's pass is <= thresholdMs). Open dashboards also "
                    + "receive new samples on the event stream as 'gate-sample' events in the same shape.")
    GateSampleAnswer gateSamples(@PathVariable String id,
                                 @Parameter(description = "only this step's samples")
                                 @RequestParam(required = false) String step,
                                 @Parameter(description = "only samples taken after this instant (ISO-8601, e.g. "
                                         + "2026-12-02T12:00:00.123Z); what a page that lost its stream missed")
                                 @RequestParam(required = false) String since) {
        transitions.require(id);
        if (step != null && steps.find(id, step).isEmpty()) {
            throw CutoverProblems.problem(HttpStatus.NOT_FOUND, "Step not found",
                    "Cutover " + id + " has no step '" + step + "'.", Map.of());
        }
        return new GateSampleAnswer(id, samples.series(id, step, parse(since)));
    }

    private static Instant parse(String since) {
        if (since == null || since.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw CutoverProblems.problem(HttpStatus.BAD_REQUEST, "Bad since",
                    "since must be an ISO-8601 instant such as 2026-12-02T12:00:00Z; got '" + since + "'.", Map.of());
        }
    }
}
