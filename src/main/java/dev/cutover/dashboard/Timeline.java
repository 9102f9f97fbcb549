package dev.cutover.dashboard;

import dev.cutover.cutover.CutoverView;
import dev.cutover.cutover.RehearsalForecast;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Phases and steps on one time axis: an actual bar for what ran (a running step's bar ends at now,
 * so it grows with every render), forecast bars for what is still to come — laid out after now in
 * runbook order, each at the median (p50) end of the one before it, the p90 as a lighter extension —
 * and lines for now, the point of no return and the end of the window. Positions are percentages of
 * the axis, so the page draws it with plain CSS at any width.
 *
 * @param ticks   clock labels along the axis, on round times
 * @param markers vertical lines: now, the point of no return, the window's end
 * @param notes   what the picture cannot show, e.g. steps never rehearsed
 */
public record Timeline(Instant from, Instant to, List<Tick> ticks, List<Row> rows, List<Marker> markers,
                       List<String> notes) {

    private static final List<Duration> TICK_STEPS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
            Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(30),
            Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12),
            Duration.ofDays(1));
    private static final int MAX_TICKS = 8;

    public record Tick(Instant at, double left) {

        public String align() {
            return Timeline.align(left);
        }
    }

    /**
     * A phase (its bars span its steps) or a step.
     *
     * @param phase  true for a phase's header row
     * @param figure what the bars say in words: "ran 2 min 5 s", "forecast p50 3 min · p90 4 min"
     */
    public record Row(boolean phase, String label, String state, StateTone tone, boolean pointOfNoReturn,
                      List<Bar> bars, String figure) {

        public String stateLabel() {
            return StateTone.label(state);
        }
    }

    /** {@code kind}: actual, running (an actual bar still growing), p50 or p90. */
    public record Bar(String kind, double left, double width, String title) {
    }

    /** {@code kind}: now, pnr or window; {@code lane} staggers labels that would overlap. */
    public record Marker(String kind, double left, String label, Instant at, int lane) {

        public String align() {
            return Timeline.align(left);
        }
    }

    /** A label near an edge hangs inwards from its position instead of centring on it (and leaving the panel). */
    static String align(double left) {
        return left < 8 ? "start" : left > 92 ? "end" : "center";
    }

    private record Span(Instant start, Instant end) {
    }

    /**
     * @param figures   the rehearsal forecast per step id; empty when there is none
     * @param forecast  whether steps still to come get forecast bars (not once the cutover ended)
     * @param startedAt the first step's start; null before any phase ran
     * @param now       now, or when the cutover ended
     * @param window    the budget; null when the runbook declares none
     */
    static Timeline of(CutoverView cutover, Map<String, RehearsalForecast.StepFigures> figures, boolean forecast,
                       Instant startedAt, Instant now, WindowBudget window) {
        Instant from = startedAt == null ? now : startedAt;
        Instant cursor = now;
        List<String> unrehearsed = new ArrayList<>();
        List<PhasePlan> plans = new ArrayList<>();
        Instant last = now;
        for (CutoverView.PhaseView phase : cutover.phases()) {
            PhasePlan plan = new PhasePlan(phase);
            // Steps of a parallel group are forecast side by side: each from where the group starts, and
            // what follows the group from where its longest step ends.
            String group = null;
            Instant groupStart = null;
            Instant groupEnd = null;
            for (CutoverView.StepView step : phase.steps()) {
                StepPlan steps = new StepPlan(step);
                if (group != null && !group.equals(step.parallelGroup())) {
                    cursor = groupEnd;
                    group = null;
                }
                if (group == null && step.parallelGroup() != null) {
                    group = step.parallelGroup();
                    groupStart = cursor;
                    groupEnd = cursor;
                }
                Instant start = group == null ? cursor : groupStart;
                if (step.startedAt() != null) {
                    Instant end = step.endedAt() != null ? step.endedAt() : now;
                    steps.actual = new Span(step.startedAt(), end.isBefore(step.startedAt()) ? step.startedAt() : end);
                    from = min(from, step.startedAt());
                }
                if (forecast && !StepRemaining.done(step)) {
                    StepRemaining left = StepRemaining.of(step, figures.get(step.id()), now);
                    if (left == null) {
                        unrehearsed.add(step.id());
                    } else {
                        Instant p50End = start.plus(seconds(left.p50Seconds()));
                        steps.p50 = new Span(start, p50End);
                        steps.p90 = new Span(p50End, start.plus(seconds(Math.max(left.p50Seconds(), left.p90Seconds()))));
                        steps.left = left;
                        if (group == null) {
                            cursor = p50End;
                        } else {
                            groupEnd = max(groupEnd, p50End);
                        }
                    }
                }
                last = max(last, steps.end());
                plan.steps.add(steps);
            }
            if (group != null) {
                cursor = groupEnd;
            }
            plans.add(plan);
        }
        Instant to = last;
        if (window != null) {
            to = max(to, window.end());
        }
        // The axis fits what it shows; a few seconds at least, so a cutover just started is not one line.
        if (Duration.between(from, to).compareTo(Duration.ofSeconds(10)) < 0) {
            to = from.plus(Duration.ofSeconds(10));
        }
        // A little room on the right, so the last bar and the lines there do not touch the edge.
        to = to.plusMillis(Duration.between(from, to).toMillis() / 40);
        Axis axis = new Axis(from, to);

        List<Row> rows = new ArrayList<>();
        List<Marker> markers = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (PhasePlan plan : plans) {
            rows.add(plan.row(axis));
            plan.steps.forEach(step -> rows.add(step.row(axis)));
            if (plan.phase.pointOfNoReturn()) {
                Instant at = plan.end();
                String label = "point of no return: after " + plan.phase.name();
                if (at == null) {
                    notes.add(label + " — not placed: its steps have neither run nor a forecast");
                } else {
                    markers.add(new Marker("pnr", axis.left(at), label, at, 0));
                }
            }
        }
        if (forecast) {
            markers.add(new Marker("now", axis.left(now), "now", now, 0));
        }
        if (window != null) {
            markers.add(new Marker("window", axis.left(window.end()), "window ends (" + window.windowWords() + ")",
                    window.end(), 0));
        }
        long toCome = cutover.phases().stream().flatMap(phase -> phase.steps().stream())
                .filter(step -> !StepRemaining.done(step)).count();
        if (!unrehearsed.isEmpty() && unrehearsed.size() == toCome) {
            notes.add("no forecast bars: no step still to come was rehearsed in this environment ("
                    + String.join(", ", unrehearsed) + ")");
        } else if (!unrehearsed.isEmpty()) {
            notes.add("no forecast (never rehearsed): " + String.join(", ", unrehearsed)
                    + "; the steps after them are drawn too early by as long as those take");
        }
        return new Timeline(from, to, axis.ticks(), rows, lanes(markers), notes);
    }

    /** Labels closer than a sixth of the axis go one lane lower, so none covers another. */
    private static List<Marker> lanes(List<Marker> markers) {
        List<Marker> sorted = new ArrayList<>(markers);
        sorted.sort(Comparator.comparingDouble(Marker::left));
        List<Marker> placed = new ArrayList<>();
        for (Marker marker : sorted) {
            int lane = 0;
            for (Marker before : placed) {
                if (marker.left() - before.left() < 17 && before.lane() >= lane) {
                    lane = before.lane() + 1;
                }
            }
            placed.add(new Marker(marker.kind(), marker.left(), marker.label(), marker.at(), lane));
        }
        return placed;
    }

    public boolean has(String markerKind) {
        return markers.stream().anyMatch(marker -> marker.kind().equals(markerKind));
    }

    public int lanesUsed() {
        return markers.stream().mapToInt(Marker::lane).max().orElse(0) + 1;
    }

    private static final class PhasePlan {

        final CutoverView.PhaseView phase;
        final List<StepPlan> steps = new ArrayList<>();

        PhasePlan(CutoverView.PhaseView phase) {
            this.phase = phase;
        }

        Instant start() {
            return steps.stream().map(StepPlan::start).filter(java.util.Objects::nonNull).min(Instant::compareTo)
                    .orElse(null);
        }

        /** Where its last step ends, by what ran or by the p50 forecast; null when that is not known. */
        Instant end() {
            StepPlan lastStep = steps.get(steps.size() - 1);
            if (StepRemaining.done(lastStep.step) && lastStep.actual != null) {
                return lastStep.actual.end();
            }
            return lastStep.p50 == null ? null : lastStep.p50.end();
        }

        Row row(Axis axis) {
            Instant start = start();
            Instant end = steps.stream().map(StepPlan::end).filter(java.util.Objects::nonNull).max(Instant::compareTo)
                    .orElse(null);
            List<Bar> bars = start == null ? List.of()
                    : List.of(new Bar("phase", axis.left(start), axis.width(start, end), phase.name()));
            return new Row(true, phase.name(), phase.state(), StateTone.of(phase.state()), phase.pointOfNoReturn(), bars,
                    null);
        }
    }

    private static final class StepPlan {

        final CutoverView.StepView step;
        Span actual;
        Span p50;
        Span p90;
        StepRemaining left;

        StepPlan(CutoverView.StepView step) {
            this.step = step;
        }

        Instant start() {
            return actual != null ? actual.start() : p50 == null ? null : p50.start();
        }

        Instant end() {
            Instant end = actual == null ? null : actual.end();
            if (p90 != null) {
                end = end == null ? p90.end() : max(end, p90.end());
            }
            return end;
        }

        /** What the forecast still gives a step; a running one past its p50 or p90 is told so, not "0 s left". */
        private String forecastWords(boolean running) {
            if (!running) {
                return "forecast p50 " + Spans.words(left.p50Seconds()) + " · p90 " + Spans.words(left.p90Seconds());
            }
            if (left.p90Seconds() <= 0) {
                return "past its p90 of " + Spans.words(left.forecastP90Seconds());
            }
            if (left.p50Seconds() <= 0) {
                return "past its p50; p90 in " + Spans.words(left.p90Seconds());
            }
            return "left p50 " + Spans.words(left.p50Seconds()) + " · p90 " + Spans.words(left.p90Seconds());
        }

        Row row(Axis axis) {
            List<Bar> bars = new ArrayList<>();
            List<String> words = new ArrayList<>();
            String state = StateTone.label(step.state());
            if (actual != null) {
                boolean running = StepRemaining.underWay(step);
                String spent = Spans.words(Duration.between(actual.start(), actual.end()));
                String said = running ? state + " for " + spent : state + " after " + spent;
                bars.add(new Bar(running ? "running" : "actual", axis.left(actual.start()),
                        axis.width(actual.start(), actual.end()), step.id() + ": " + said));
                words.add(said);
            }
            if (p50 != null) {
                String forecast = forecastWords(actual != null);
                bars.add(new Bar("p50", axis.left(p50.start()), axis.width(p50.start(), p50.end()),
                        step.id() + ": " + forecast));
                if (p90.end().isAfter(p90.start())) {
                    bars.add(new Bar("p90", axis.left(p90.start()), axis.width(p90.start(), p90.end()),
                            step.id() + ": up to p90 " + Spans.words(left.p90Seconds())));
                }
                words.add(forecast);
            }
            if (actual == null && p50 == null) {
                words.add(StepRemaining.done(step) ? state : state + ", no forecast");
            }
            return new Row(false, step.id(), step.state(), StateTone.of(step.state()), false, bars,
                    String.join("; ", words));
        }
    }

    /** Instants to percentages of the axis, and round clock times for its labels. */
    private record Axis(Instant from, Instant to) {

        double left(Instant at) {
            double total = Duration.between(from, to).toMillis();
            return clamp(Duration.between(from, at).toMillis() / total * 100);
        }

        double width(Instant start, Instant end) {
            return Math.max(0.25, clamp(left(end) - left(start)));
        }

        List<Tick> ticks() {
            long span = Duration.between(from, to).toMillis();
            Duration step = TICK_STEPS.stream().filter(s -> span / s.toMillis() < MAX_TICKS).findFirst()
                    .orElse(TICK_STEPS.get(TICK_STEPS.size() - 1));
            long every = step.toMillis();
            List<Tick> ticks = new ArrayList<>();
            for (long at = (from.toEpochMilli() / every + 1) * every; at < to.toEpochMilli(); at += every) {
                Instant tick = Instant.ofEpochMilli(at);
                ticks.add(new Tick(tick, left(tick)));
            }
            return ticks;
        }

        private static double clamp(double percent) {
            return Math.round(Math.max(0, Math.min(100, percent)) * 100) / 100.0;
        }
    }

    private static Duration seconds(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
