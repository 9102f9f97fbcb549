package dev.cutover.step;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A gate with hysteresis: it samples every {@code interval} and opens after {@code consecutive}
 * samples in a row were within bounds. One sample out of bounds starts the count again; a broken
 * sample (replication stopped, a member down) fails at once; the step's timeout fails it too. The
 * last samples are the evidence either way; every lag reading a sample carries is also handed to
 * {@link StepContext#recordSamples} for the dashboard's charts.
 */
public final class SampledGate {

    private static final int SAMPLES_KEPT = 20;

    public enum Verdict { WITHIN, OUTSIDE, BROKEN }

    /**
     * One observation: whether it lets the gate open, a line for the timeline, its figures, and the
     * lag readings to chart (one per replica or member; none for a gate with nothing to chart).
     */
    public record Sample(Verdict verdict, String summary, Map<String, Object> figures, List<GateSample> charted,
                         boolean proof) {

        public Sample {
            figures = figures == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
            charted = charted == null ? List.of() : List.copyOf(charted);
            if (proof && verdict != Verdict.WITHIN) {
                throw new IllegalArgumentException("only a sample within bounds can prove the gate open");
            }
        }

        public Sample(Verdict verdict, String summary, Map<String, Object> figures, List<GateSample> charted) {
            this(verdict, summary, figures, charted, false);
        }

        /**
         * This sample, marked as proof that the gate may open at once: what the hysteresis guards
         * against (a replica still catching up, flapping) cannot happen any more, e.g. the source is
         * read-only, its position stood still and the replica executed it.
         */
        public Sample proving() {
            return new Sample(verdict, summary, figures, charted, true);
        }

        public Sample(Verdict verdict, String summary, Map<String, Object> figures) {
            this(verdict, summary, figures, List.of());
        }
    }

    @FunctionalInterface
    public interface Sampler {
        Sample sample() throws Exception;
    }

    private final String what;
    private final int consecutive;
    private final Duration interval;

    /**
     * The rules every gate's {@code consecutive} and {@code interval} follow, for
     * {@link StepType#validate}: at least one sample, and time between samples.
     */
    public static List<StepArgumentProblem> validate(StepArguments with) {
        List<StepArgumentProblem> problems = new java.util.ArrayList<>();
        with.integer("consecutive").filter(consecutive -> consecutive < 1).ifPresent(consecutive -> problems.add(
                StepArgumentProblem.at("consecutive", "consecutive must be at least 1 (samples in a row within bounds), found "
                        + consecutive)));
        with.duration("interval").filter(interval -> interval.isZero() || interval.isNegative()).ifPresent(interval ->
                problems.add(StepArgumentProblem.at("interval", "interval must be longer than zero (time between samples)")));
        return problems;
    }

    /** @param what names the gate in messages, e.g. {@code lag of orders-replica} */
    public SampledGate(String what, int consecutive, Duration interval) {
        if (consecutive < 1) {
            throw new IllegalArgumentException("consecutive must be at least 1");
        }
        this.what = what;
        this.consecutive = consecutive;
        this.interval = interval;
    }

    /** Samples until the gate opens; the outcome's evidence holds the last samples. */
    public StepOutcome await(StepContext context, Sampler sampler) throws Exception {
        long started = System.nanoTime();
        long deadline = started + context.timeout().toNanos();
        Deque<Map<String, Object>> kept = new ArrayDeque<>();
        int inARow = 0;
        int taken = 0;
        Sample sample;
        while (true) {
            if (context.stopRequested()) {
                throw new StepStoppedException(what + ": gate stopped on request while closed");
            }
            long sampledAt = System.nanoTime();
            java.time.Instant at = java.time.Instant.now();
            sample = sampler.sample();
            context.waited("sample", Duration.ofNanos(System.nanoTime() - sampledAt));
            if (!sample.charted().isEmpty()) {
                context.recordSamples(at, sample.charted());
            }
            taken++;
            inARow = sample.verdict() == Verdict.WITHIN ? inARow + 1 : 0;
            keep(kept, sample, sampledAt - started, inARow);
            long waitedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
            if (sample.verdict() == Verdict.BROKEN) {
                throw new StepFailedException(what + ": " + sample.summary(), evidence(kept, taken, waitedMs, sample));
            }
            if (sample.proof()) {
                Map<String, Object> evidence = evidence(kept, taken, waitedMs, sample);
                evidence.put("openedBy", "proof");
                return StepOutcome.succeeded(what + ": open by proof after " + taken + " sample" + (taken == 1 ? "" : "s")
                        + "; " + sample.summary(), evidence);
            }
            if (inARow >= consecutive) {
                Map<String, Object> evidence = evidence(kept, taken, waitedMs, sample);
                evidence.put("openedBy", "samples");
                return StepOutcome.succeeded(what + ": open after " + consecutive + " samples in a row within bounds; "
                        + sample.summary(), evidence);
            }
            // Only while the gate stays closed: the step's outcome follows at once otherwise, and inside the
            // write window every write costs the application time.
            Map<String, Object> figures = new LinkedHashMap<>(sample.figures());
            figures.put("consecutive", inARow);
            figures.put("required", consecutive);
            // The dashboard shows the last sample and, while the gate stays closed, that it is what holds it.
            figures.put("sample", sample.summary());
            figures.put("verdict", sample.verdict().name().toLowerCase());
            context.progress(what + ": " + sample.summary() + " (" + inARow + "/" + consecutive + ")", figures);
            long next = sampledAt + interval.toNanos();
            if (next >= deadline) {
                throw new StepFailedException(what + ": still closed after " + DurationText.of(context.timeout()) + "; last sample: "
                        + sample.summary(), evidence(kept, taken, waitedMs, sample));
            }
            StopAwareSleep.until(next, context, "the gate on " + what + " was closed", "sample interval");
        }
    }

    private static void keep(Deque<Map<String, Object>> kept, Sample sample, long atNanos, int inARow) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("atMs", Duration.ofNanos(atNanos).toMillis());
        row.put("verdict", sample.verdict().name().toLowerCase());
        row.put("summary", sample.summary());
        row.putAll(sample.figures());
        row.put("consecutive", inARow);
        kept.addLast(row);
        if (kept.size() > SAMPLES_KEPT) {
            kept.removeFirst();
        }
    }

    private Map<String, Object> evidence(Deque<Map<String, Object>> kept, int taken, long waitedMs, Sample last) {
        Map<String, Object> evidence = new LinkedHashMap<>(last.figures());
        evidence.put("verdict", last.verdict().name().toLowerCase());
        evidence.put("requiredConsecutive", consecutive);
        evidence.put("intervalMs", interval.toMillis());
        evidence.put("samplesTaken", taken);
        evidence.put("waitedMs", waitedMs);
        evidence.put("samples", List.copyOf(kept));
        return evidence;
    }
}
