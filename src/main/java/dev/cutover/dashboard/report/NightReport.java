package dev.cutover.dashboard.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The report of one cutover night, for the post-mortem and the auditors: what ran and for how long
 * against the forecast, who decided what and on which evidence, what failed and was retried, and
 * the rollback. Built only from the cutover's steps and its event log (which is masked already), so
 * it shows nothing the API does not. Durations are in seconds; a null means "did not happen" or
 * "not known", never zero.
 */
public record NightReport(Header header, List<PhaseLine> timeline, List<Decision> decisions,
                          List<StepEvidence> evidence, List<LagSummary> lagGates, List<MetricSummary> metricGates,
                          List<Incident> failures, Rollback rollback, Comparison comparison, Footer footer) {

    /** The same report with the lag gates' summaries (from the stored samples, not from the event log). */
    public NightReport withLagGates(List<LagSummary> summaries) {
        return new NightReport(header, timeline, decisions, evidence, List.copyOf(summaries), metricGates, failures,
                rollback, comparison, footer);
    }

    /** The same report with the metric gates' (and guards') summaries, from the stored samples too. */
    public NightReport withMetricGates(List<MetricSummary> summaries) {
        return new NightReport(header, timeline, decisions, evidence, lagGates, List.copyOf(summaries), failures,
                rollback, comparison, footer);
    }

    /**
     * What every sample of one query of one metric gate (or a step's guard, series {@code guard: <query>}) adds up to.
     *
     * @param noData    samples without a value (no data, unreadable, refused)
     * @param min       the smallest value read; null when none was
     * @param max       the largest value read; null when none was
     * @param pass      the pass condition as written, e.g. {@code < 0.01}; null when none
     * @param failWhen  the failWhen condition as written; null when none
     * @param firstPass the first sample that met the query's conditions; null when there was none
     */
    public record MetricSummary(String phase, String stepId, String series, String unit, long samples, long noData,
                                Double min, Double max, String pass, String failWhen, Instant first, Instant last,
                                Instant firstPass) {
    }

    /**
     * What every sample of one replica or member of one lag gate adds up to.
     *
     * @param unknown     samples whose lag was unknown (replication stopped or broken, status unreadable)
     * @param maxLagMs    the largest known lag; null when no lag was ever known
     * @param firstWithin the first sample within the threshold; null when there was none
     */
    public record LagSummary(String phase, String stepId, String series, long samples, long unknown, Long maxLagMs,
                             Long thresholdMs, Instant first, Instant last, Instant firstWithin) {
    }

    /**
     * @param endedAt         when the cutover reached a final state; null while it can still move
     * @param durationSeconds from the first step's start to the end, or to now while it has not ended
     * @param window          the time budget the pinned runbook declares (e.g. {@code 6h}); null when none
     * @param windowVerdict   the duration against the window in words, e.g. "over the window by 25 min"
     * @param pointOfNoReturn which phase is the point of no return and when it was passed, in words
     */
    public record Header(String cutoverId, String runbook, String runbookSha256, String environment, boolean rehearsal,
                         String state, String createdBy, Instant createdAt, Instant startedAt, Instant endedAt,
                         Double durationSeconds, boolean ended, String forecastBasis, String window,
                         String windowVerdict, String pointOfNoReturn) {
    }

    /** One phase: from its first step's start to its last step's end, against the forecast of the phase. */
    public record PhaseLine(String name, String state, boolean pointOfNoReturn, Instant startedAt, Instant endedAt,
                            Double durationSeconds, Forecast forecast, List<StepLine> steps) {
    }

    /**
     * One step's forward run. When it ran more than once (a restart after a failure or a pause), the
     * times are those of its last run, which is what the forecast measures too.
     *
     * @param state    the step's state now (a step undone by the rollback says {@code ROLLED_BACK})
     * @param outcome  how its last forward run ended: succeeded, failed, stopped, interrupted, running; null if it never ran
     * @param attempts tries in all, each retry counted
     * @param runs     how many times the step was started (a restart starts it again)
     * @param parallelGroup the parallel group the step ran in, beside its siblings; null for a step on its own
     */
    public record StepLine(String phase, String id, String type, String owner, String state, String outcome,
                           Instant startedAt, Instant endedAt, Double durationSeconds, int attempts, int runs,
                           Forecast forecast, String summary, String parallelGroup) {
    }

    /**
     * The rehearsals' figures for a step or phase, and how this run compares.
     *
     * @param differenceSeconds this run minus the p50 (positive: over, negative: under)
     * @param verdict           "as forecast" (within 0.5 s or 5 % of the p50), "under p50", "between p50 and p90",
     *                          "over p90", or why there is none
     */
    public record Forecast(Integer samples, Double p50Seconds, Double p90Seconds, Double differenceSeconds,
                           String verdict) {

        static Forecast none(String why) {
            return new Forecast(null, null, null, null, why);
        }

        public boolean available() {
            return p50Seconds != null;
        }
    }

    /**
     * Something a person decided (create, start, approve, pause, resume, restart, abort, roll back), or a
     * gate that opened on its own evidence.
     *
     * @param origin   the address the request came from; null for the system
     * @param asked    for an approval: the instructions and checklist the gate showed; else empty
     * @param waitedSeconds for an approval: how long the gate waited for it
     * @param evidence what was recorded with the decision (comment and checked items, or the gate's figures)
     */
    public record Decision(Instant at, String actor, String origin, String action, String phase, String stepId,
                           String outcome, String message, Map<String, Object> asked, Double waitedSeconds,
                           Map<String, Object> evidence) {

        public Shown shownEvidence() {
            return Shown.of(evidence);
        }

        public Shown shownAsked() {
            return Shown.of(asked);
        }
    }

    /** The evidence a step recorded when its last run ended (for a gate: when it opened). */
    public record StepEvidence(String phase, String stepId, String type, boolean gate, String outcome, Instant at,
                               String summary, Map<String, Object> evidence) {

        public Shown shown() {
            return Shown.of(evidence);
        }
    }

    /** A failure or a retry, as the event log recorded it. */
    public record Incident(Instant at, String phase, String stepId, String action, String outcome, String message,
                           Map<String, Object> evidence) {

        public Shown shown() {
            return Shown.of(evidence);
        }
    }

    /**
     * The rollback, when one was ordered.
     *
     * @param outcome  completed, failed, or running
     * @param inverses in the order they ran (the order the rollback fixed when it began)
     */
    public record Rollback(Instant orderedAt, String orderedBy, String origin, String reason, Instant startedAt,
                           Instant endedAt, Double durationSeconds, String outcome, List<Inverse> inverses) {
    }

    /**
     * One step's inverse.
     *
     * @param what     what ran: the declared rollback's type, the step's own inverse, or nothing to roll back
     * @param outcome  succeeded, failed, stopped, running, or "not run" (the rollback stopped before it)
     */
    public record Inverse(int order, String phase, String stepId, String what, Instant startedAt, Instant endedAt,
                          Double durationSeconds, String outcome, int retries, String message) {
    }

    /**
     * A rehearsal against the rehearsals of the same runbook and environment that came before it.
     *
     * @param previous the earlier rehearsals, oldest first
     */
    public record Comparison(int previousRehearsals, List<PreviousRun> previous, List<StepComparison> steps,
                             Double thisTotalSeconds, Forecast total, String basis) {
    }

    /** An earlier rehearsal: its id, when it was created, how it ended, and the time of the steps it timed. */
    public record PreviousRun(String cutoverId, Instant createdAt, String state, int stepsTimed, boolean complete,
                              double totalSeconds) {
    }

    /** One step of this rehearsal against the same step in the earlier ones. */
    public record StepComparison(String phase, String stepId, Double thisSeconds, Forecast others, Double minSeconds,
                                 Double maxSeconds) {
    }

    /** When and by what the report was made, from how many events. */
    public record Footer(Instant generatedAt, String generatedFor, String serviceVersion, int eventCount) {
    }
}
