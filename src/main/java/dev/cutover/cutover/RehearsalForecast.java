package dev.cutover.cutover;

import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookPhase;
import dev.cutover.runbook.RunbookStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import dev.cutover.cutover.eventlog.CutoverEvent;
import dev.cutover.cutover.eventlog.EventAppendedElsewhere;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * How long a runbook's cutover will take, from its rehearsals: every forward step that succeeded
 * in a rehearsal cutover of the environment is timed from the event log (its last "started" to its
 * "succeeded", so a retried or restarted step counts its final run; a manual gate counts the wait
 * for its approver — that is cutover time too). Per step and per phase the median and the p90
 * (nearest rank); in total the median and p90 of the rehearsals that ran every step, so the team
 * knows whether the cutover fits its window. The time between phases (a person starting the next
 * one) is not in the figures: the answer says so. A parallel group counts as its longest step, in a
 * phase's figure and in the total.
 * <p>
 * The figures read every step event of every rehearsal, and each open dashboard page asks for them
 * on every event of its cutover: they are kept until a cutover is created or a step starts or ends
 * anywhere (counted after the commit, so a forecast read before the new rows were visible is never
 * kept under the new count).
 */
@Component
public class RehearsalForecast {

    private final JdbcClient jdbc;
    private final AtomicLong changes = new AtomicLong();
    private final Map<Key, Kept> kept = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Kept> eldest) {
            return size() > KEPT_AT_MOST;
        }
    });

    private record Key(String runbook, String environment, Duration window, Instant createdBefore) {
    }

    /** One per open cutover page at most: a bounded few, the oldest dropped first. */
    private static final int KEPT_AT_MOST = 64;

    /** {@code reads}: how often this key's figures were read from the event log while it was kept. */
    private record Kept(long changes, Runbook runbook, Forecast forecast, long reads) {
    }

    RehearsalForecast(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record StepFigures(String phase, String stepId, String type, int samples, Double medianSeconds, Double p90Seconds,
                       Double minSeconds, Double maxSeconds) {
    }

    public record PhaseFigures(String phase, Double medianSeconds, Double p90Seconds) {
    }

    public record RehearsalRun(String cutoverId, Instant createdAt, String state, int stepsTimed, boolean complete,
                        double totalSeconds) {
    }

    public record Total(int rehearsals, Double medianSeconds, Double p90Seconds, String basis) {
    }

    public record Forecast(String runbook, String environment, int rehearsals, Total total, String window, Long windowSeconds,
                    Boolean fits,
                    List<PhaseFigures> phases, List<StepFigures> steps, List<RehearsalRun> rehearsalRuns, String note) {
    }

    private record Event(String cutoverId, String stepId, String outcome, Instant at) {
    }

    public Forecast forecast(Runbook runbook, String environment, Duration window) {
        return forecast(runbook, environment, window, null);
    }

    /**
     * The forecast as the rehearsals created before {@code createdBefore} make it (all of them when
     * null): what was known when a cutover was created, what its page projects its end from and what
     * a rehearsal's report compares it with — never with itself or with a later run. Kept until the
     * next rehearsal or step event, as every open page asks for it on every refresh.
     */
    public Forecast forecast(Runbook runbook, String environment, Duration window, Instant createdBefore) {
        long now = changes.get();
        Key key = new Key(runbook.name(), environment, window, createdBefore);
        Kept last = kept.get(key);
        if (last != null && last.changes() == now && last.runbook().equals(runbook)) {
            return last.forecast();
        }
        Forecast forecast = read(runbook, environment, window, createdBefore);
        kept.put(key, new Kept(now, runbook, forecast, last == null ? 1 : last.reads() + 1));
        return forecast;
    }

    /**
     * How often the figures of one page's forecast were read from the event log (0 once dropped):
     * what proves an open page is served from what is kept, whatever other cutovers' pages and
     * metrics read meanwhile.
     */
    public long reads(String runbook, String environment, Duration window, Instant createdBefore) {
        Kept last = kept.get(new Key(runbook, environment, window, createdBefore));
        return last == null ? 0 : last.reads();
    }

    /** What a forecast reads: a new rehearsal, or a step of any cutover starting or ending. */
    @TransactionalEventListener(fallbackExecution = true)
    void onEvent(CutoverEvent event) {
        if ("create".equals(event.action()) || "step".equals(event.action())) {
            changes.incrementAndGet();
        }
    }

    /** A step ended or a rehearsal was created on another instance: the figures kept here are stale too. */
    @EventListener
    void onEventElsewhere(EventAppendedElsewhere appended) {
        onEvent(appended.event());
    }

    private Forecast read(Runbook runbook, String environment, Duration window, Instant createdBefore) {
        // A moment after every cutover there is, rather than a second query without the condition.
        Instant before = createdBefore == null ? Instant.now().plusSeconds(86_400) : createdBefore;
        Map<String, Instant> created = new LinkedHashMap<>();
        Map<String, String> states = new HashMap<>();
        jdbc.sql("SELECT id, state, created_at FROM cutover WHERE runbook = ? AND environment = ? AND rehearsal = TRUE "
                        + "AND created_at < ? ORDER BY created_at")
                .params(runbook.name(), environment, CutoverRepository.ts(before))
                .query((rs, n) -> {
                    created.put(rs.getString(1), rs.getTimestamp(3).toInstant());
                    states.put(rs.getString(1), rs.getString(2));
                    return null;
                }).list();
        // cutover id -> step id -> seconds of its successful forward run
        Map<String, Map<String, Double>> timed = new LinkedHashMap<>();
        created.keySet().forEach(id -> timed.put(id, new HashMap<>()));
        Map<String, Instant> lastStart = new HashMap<>();
        for (Event event : events(runbook.name(), environment, before)) {
            String key = event.cutoverId() + "/" + event.stepId();
            if ("started".equals(event.outcome())) {
                lastStart.put(key, event.at());
            } else if (lastStart.containsKey(key) && timed.containsKey(event.cutoverId())) {
                double seconds = Duration.between(lastStart.remove(key), event.at()).toMillis() / 1000.0;
                timed.get(event.cutoverId()).put(event.stepId(), seconds);
            }
        }

        List<StepFigures> steps = new ArrayList<>();
        List<PhaseFigures> phases = new ArrayList<>();
        for (RunbookPhase phase : runbook.phases()) {
            List<Double> phaseTotals = new ArrayList<>();
            for (String id : timed.keySet()) {
                Map<String, Double> run = timed.get(id);
                if (phase.steps().stream().allMatch(s -> run.containsKey(s.id()))) {
                    phaseTotals.add(length(phase, run));
                }
            }
            phases.add(new PhaseFigures(phase.name(), Percentiles.median(phaseTotals), Percentiles.p90(phaseTotals)));
            for (RunbookStep step : phase.steps()) {
                List<Double> samples = timed.values().stream().filter(run -> run.containsKey(step.id()))
                        .map(run -> run.get(step.id())).toList();
                steps.add(new StepFigures(phase.name(), step.id(), step.type(), samples.size(),
                        Percentiles.median(samples), Percentiles.p90(samples), Percentiles.min(samples),
                        Percentiles.max(samples)));
            }
        }

        int stepCount = runbook.phases().stream().mapToInt(p -> p.steps().size()).sum();
        List<RehearsalRun> runs = new ArrayList<>();
        List<Double> completeTotals = new ArrayList<>();
        timed.forEach((id, run) -> {
            double total = runbook.phases().stream().mapToDouble(phase -> length(phase, run)).sum();
            boolean complete = run.size() == stepCount;
            if (complete) {
                completeTotals.add(total);
            }
            runs.add(new RehearsalRun(id, created.get(id), states.get(id), run.size(), complete, round(total)));
        });
        Total total;
        if (!completeTotals.isEmpty()) {
            total = new Total(completeTotals.size(), Percentiles.median(completeTotals), Percentiles.p90(completeTotals),
                    "rehearsals that ran every step");
        } else if (steps.stream().allMatch(s -> s.samples() > 0) && !steps.isEmpty()) {
            Map<String, Double> medians = new HashMap<>();
            Map<String, Double> p90s = new HashMap<>();
            steps.forEach(step -> {
                medians.put(step.stepId(), step.medianSeconds());
                p90s.put(step.stepId(), step.p90Seconds());
            });
            total = new Total(0, round(runbook.phases().stream().mapToDouble(phase -> length(phase, medians)).sum()),
                    round(runbook.phases().stream().mapToDouble(phase -> length(phase, p90s)).sum()),
                    "sum over steps: no single rehearsal ran every step");
        } else {
            total = new Total(0, null, null, "not every step has been rehearsed yet");
        }
        Boolean fits = window == null || total.p90Seconds() == null ? null : total.p90Seconds() <= window.toSeconds();
        String note = timed.isEmpty() ? "no rehearsal of " + runbook.name() + " in " + environment + " yet: create one "
                + "with \"rehearsal\": true"
                : "step times from the event log; time between phases (someone starting the next phase) is not included";
        return new Forecast(runbook.name(), environment, timed.size(), total,
                window == null ? null : dev.cutover.runbook.Durations.format(window),
                window == null ? null : window.toSeconds(), fits, phases, steps, runs, note);
    }

    /** The step events of earlier rehearsals: per rehearsal, a range of the index (cutover_id, action, id) (V16). */
    static final String REHEARSAL_STEP_EVENTS = """
            SELECT e.cutover_id, e.step_id, e.outcome, e.occurred_at FROM cutover_event e
            JOIN cutover c ON c.id = e.cutover_id
            WHERE c.runbook = ? AND c.environment = ? AND c.rehearsal = TRUE
              AND c.created_at < ? AND e.action = 'step' AND e.outcome IN ('started', 'succeeded')
            ORDER BY e.id""";

    /**
     * How long a phase takes given its steps' seconds: single steps add up, a parallel group counts as
     * its longest step (its steps run at the same time). Steps without a figure count as nothing.
     */
    static double length(RunbookPhase phase, Map<String, Double> seconds) {
        return phase.elements().stream().mapToDouble(element -> element.steps().stream()
                .map(step -> seconds.get(step.id())).filter(java.util.Objects::nonNull)
                .mapToDouble(Double::doubleValue).max().orElse(0)).sum();
    }

    private List<Event> events(String runbook, String environment, Instant before) {
        return jdbc.sql(REHEARSAL_STEP_EVENTS)
                .params(runbook, environment, CutoverRepository.ts(before))
                .query((rs, n) -> new Event(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant()))
                .list();
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    /** Median and nearest-rank percentiles of a handful of samples (a few rehearsals, not a stream). */
    static final class Percentiles {

        private Percentiles() {
        }

        static Double median(List<Double> samples) {
            if (samples.isEmpty()) {
                return null;
            }
            List<Double> sorted = samples.stream().sorted().toList();
            int n = sorted.size();
            return round(n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2);
        }

        static Double p90(List<Double> samples) {
            if (samples.isEmpty()) {
                return null;
            }
            List<Double> sorted = samples.stream().sorted().toList();
            return round(sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1));
        }

        static Double min(List<Double> samples) {
            return samples.stream().min(Double::compare).map(RehearsalForecast::round).orElse(null);
        }

        static Double max(List<Double> samples) {
            return samples.stream().max(Double::compare).map(RehearsalForecast::round).orElse(null);
        }
    }
}
