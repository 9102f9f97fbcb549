package dev.cutover.hooks;

import dev.cutover.step.StepArguments;
import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.DurationText;

import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepStoppedException;
import dev.cutover.step.StepType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Waits a fixed time (e.g. for a lowered DNS TTL to expire), returning early on a stop request. */
@Component
public class WaitStepType implements StepType {

    /** Changes nothing outside: after its instance died it may simply run again from the start. */
    @Override
    public boolean resumable() {
        return true;
    }

    private static final long SLICE_MS = 200;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "wait";
    }

    @Override
    public String description() {
        return "Waits a fixed time (e.g. for an old DNS TTL to run out); a pause or abort ends the wait at once";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(StepParameter.required("duration", Kind.DURATION, "how long to wait, e.g. 90s or 5m"));
    }

    @Override
    public List<StepArgumentProblem> validate(StepArguments with, Duration stepTimeout) {
        return with.duration("duration").filter(duration -> longerThan(duration, stepTimeout))
                .map(duration -> List.of(StepArgumentProblem.at("duration", "wait of " + DurationText.of(duration)
                        + " is longer than the step's timeout of " + DurationText.of(stepTimeout)
                        + "; raise the step's timeout or wait less")))
                .orElse(List.of());
    }

    private static boolean longerThan(Duration duration, Duration stepTimeout) {
        return stepTimeout != null && !stepTimeout.isZero() && duration.compareTo(stepTimeout) > 0;
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        Duration duration = context.arguments().duration("duration")
                .orElseThrow(() -> new IllegalArgumentException("missing parameter 'duration'"));
        Duration stepTimeout = context.timeout();
        if (longerThan(duration, stepTimeout)) {  // also found at validation; kept for runbooks pinned before it
            throw new StepFailedException("wait of " + DurationText.of(duration) + " is longer than the step's timeout of "
                    + DurationText.of(stepTimeout) + "; raise the step's timeout",
                    Map.of("durationMs", duration.toMillis(), "timeoutMs", stepTimeout.toMillis()));
        }
        long started = System.nanoTime();
        long until = started + duration.toNanos();
        long lastProgress = started;
        long now;
        while ((now = System.nanoTime()) < until) {
            if (context.stopRequested()) {
                throw new StepStoppedException("wait stopped on request after "
                        + DurationText.of(Duration.ofMillis(Duration.ofNanos(now - started).toMillis())) + " of "
                        + DurationText.of(duration));
            }
            if (now - lastProgress >= PROGRESS_EVERY.toNanos()) {
                long leftMs = (until - now) / 1_000_000;
                context.progress("waiting, " + DurationText.of(Duration.ofSeconds(leftMs / 1000)) + " left",
                        Map.of("remainingMs", leftMs));
                lastProgress = now;
            }
            Thread.sleep(Math.max(1, Math.min(SLICE_MS, (until - now) / 1_000_000)));
        }
        long waitedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        return StepOutcome.succeeded("waited " + DurationText.of(duration), Map.of("waitedMs", waitedMs));
    }
}
