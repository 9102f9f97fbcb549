package dev.cutover.dashboard;

import dev.cutover.cutover.CutoverView;
import dev.cutover.cutover.RehearsalForecast;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * What is left of one step by the rehearsal forecast: nothing for a step that succeeded; the whole
 * median (p50) and p90 for a step still to come; for a running step (or a gate waiting for its
 * approver, which rehearsals time too) the forecast minus the time it has spent, never below zero.
 *
 * @param p50Seconds seconds left by the median of the rehearsals
 * @param p90Seconds seconds left by their p90
 * @param spentSeconds seconds the step has run so far (0 unless it runs now)
 * @param forecastP90Seconds the step's whole p90, to say by how much a running step is past it
 */
record StepRemaining(double p50Seconds, double p90Seconds, double spentSeconds, double forecastP90Seconds) {

    static final StepRemaining NONE = new StepRemaining(0, 0, 0, 0);
    private static final Set<String> UNDER_WAY = Set.of("RUNNING", "AWAITING_APPROVAL");

    static boolean done(CutoverView.StepView step) {
        return "SUCCEEDED".equals(step.state());
    }

    static boolean underWay(CutoverView.StepView step) {
        return UNDER_WAY.contains(step.state()) && step.startedAt() != null && step.endedAt() == null;
    }

    /** Null when the step is not done and was never rehearsed: nothing can be said about it. */
    static StepRemaining of(CutoverView.StepView step, RehearsalForecast.StepFigures figures, Instant now) {
        if (done(step)) {
            return NONE;
        }
        if (figures == null || figures.samples() == 0 || figures.medianSeconds() == null) {
            return null;
        }
        double spent = underWay(step) ? Math.max(0, Duration.between(step.startedAt(), now).toMillis() / 1000.0) : 0;
        return new StepRemaining(Math.max(0, figures.medianSeconds() - spent),
                Math.max(0, figures.p90Seconds() - spent), spent, figures.p90Seconds());
    }
}
