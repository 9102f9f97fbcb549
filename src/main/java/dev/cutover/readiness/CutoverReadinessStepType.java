package dev.cutover.readiness;

import dev.cutover.DaemonThreads;
import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.StepArguments;
import dev.cutover.step.ReadinessSignal;
import dev.cutover.step.ReadinessSignal.Probe;
import dev.cutover.step.ReadinessSignal.Reading;
import dev.cutover.step.SampledGate;
import dev.cutover.step.SampledGate.Sample;
import dev.cutover.step.SampledGate.Verdict;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code cutover-readiness}: one gate over everything that must hold before the switch — storage
 * delta backlog at zero (or under a byte bound), every replica within its lag bound, the freeze
 * holding — each read every {@code interval}, open after {@code consecutive} samples in a row where
 * all are ready. While closed its live output names the inputs that hold it closed; when it opens,
 * its evidence holds every figure of that moment.
 */
@Component
class CutoverReadinessStepType implements StepType, DisposableBean {

    /** Changes nothing outside: after its instance died it may simply run again from the start. */
    @Override
    public boolean resumable() {
        return true;
    }

    private final List<ReadinessSignal> signals;
    /** Reads the inputs of a sample side by side; idle threads end after a minute. */
    private final ExecutorService readers = Executors.newCachedThreadPool(DaemonThreads.numbered("readiness-read-"));

    CutoverReadinessStepType(ObjectProvider<ReadinessSignal> signals) {
        this.signals = signals.orderedStream().toList();
    }

    @Override
    public void destroy() {
        readers.shutdownNow();
    }

    @Override
    public String name() {
        return "cutover-readiness";
    }

    @Override
    public String description() {
        return "Opens when the storage backlog is drained, every replica is within its lag bound and the freeze holds, "
                + "for N samples in a row; while closed it names what holds it closed";
    }

    @Override
    public List<StepParameter> parameters() {
        List<StepParameter> parameters = new ArrayList<>();
        parameters.add(StepParameter.optional("consecutive", Kind.INTEGER, "samples in a row with every input ready (default 3)"));
        parameters.add(StepParameter.optional("interval", Kind.DURATION, "time between samples (default 5s)"));
        signals.forEach(signal -> parameters.addAll(signal.parameters()));
        return parameters;
    }

    /** A readiness gate must watch something: one of the signals' lists or maps must be given. */
    @Override
    public List<StepArgumentProblem> validate(StepArguments with, Duration stepTimeout) {
        List<StepArgumentProblem> problems = new ArrayList<>(SampledGate.validate(with));
        List<String> watchable = signals.stream().flatMap(signal -> signal.parameters().stream())
                .filter(p -> p.kind() == Kind.LIST || p.kind() == Kind.MAP).map(StepParameter::name).toList();
        boolean watchesSomething = watchable.stream().anyMatch(name -> !with.list(name).isEmpty() || !with.map(name).isEmpty());
        if (!watchesSomething) {
            problems.add(StepArgumentProblem.at(null, "cutover-readiness watches nothing: name at least one of "
                    + String.join(", ", watchable)));
        }
        return problems;
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        int consecutive = context.arguments().integer("consecutive").orElse(3L).intValue();
        Duration interval = context.arguments().duration("interval").orElse(Duration.ofSeconds(5));
        List<Probe> probes = new ArrayList<>();
        try {
            for (ReadinessSignal signal : signals) {
                signal.watch(context).ifPresent(probes::add);
            }
            if (probes.isEmpty()) {
                throw new StepFailedException("cutover-readiness watches nothing: name storageSteps, mysqlReplicas, "
                        + "mongoTargets or frozen", Map.of());
            }
            SampledGate gate = new SampledGate("cutover readiness", consecutive, interval);
            return gate.await(context, () -> sample(probes));
        } finally {
            probes.forEach(Probe::close);
        }
    }

    /**
     * Every input read at once: they are different servers and buckets, and inside the write window
     * a sample that read them one after the other cost the sum of their round trips, each time.
     */
    private Sample sample(List<Probe> probes) {
        List<Reading> readings = new ArrayList<>();
        if (probes.size() == 1) {
            readings.addAll(read(probes.get(0)));
        } else {
            List<Future<List<Reading>>> reads = probes.stream().map(probe -> readers.submit(() -> read(probe))).toList();
            for (int i = 0; i < reads.size(); i++) {
                try {
                    readings.addAll(reads.get(i).get());
                } catch (InterruptedException e) {
                    // A stop or the step's timeout: the reads still running are interrupted, the gate sees the stop.
                    reads.forEach(read -> read.cancel(true));
                    Thread.currentThread().interrupt();
                    for (Probe unread : probes.subList(i, probes.size())) {
                        readings.add(new Reading(unread.getClass().getSimpleName(), false, "not read: the step is stopping",
                                Map.of()));
                    }
                    break;
                } catch (ExecutionException e) {
                    readings.add(new Reading(probes.get(i).getClass().getSimpleName(), false, "cannot read: "
                            + e.getCause(), Map.of()));
                }
            }
        }
        return judged(readings);
    }

    private static List<Reading> read(Probe probe) {
        try {
            return probe.read();
        } catch (Exception e) {
            return List.of(new Reading(probe.getClass().getSimpleName(), false, "cannot read: " + e.getMessage(), Map.of()));
        }
    }

    private static Sample judged(List<Reading> readings) {
        List<String> heldBy = new ArrayList<>();
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (Reading reading : readings) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("input", reading.input());
            row.put("ready", reading.ready());
            row.put("summary", reading.summary());
            row.putAll(reading.figures());
            inputs.add(row);
            if (!reading.ready()) {
                heldBy.add(reading.input() + ": " + reading.summary());
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("heldBy", heldBy);
        figures.put("inputs", inputs);
        return heldBy.isEmpty()
                ? new Sample(Verdict.WITHIN, "all " + readings.size() + " inputs ready", figures)
                : new Sample(Verdict.OUTSIDE, "held closed by " + String.join("; ", heldBy), figures);
    }
}
