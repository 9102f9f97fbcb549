package dev.cutover.storage.sync;

import dev.cutover.step.ReadinessSignal;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepDefinition;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncRun;
import dev.cutover.storage.SyncSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Readiness input {@code storageSteps}: the bucket mappings of the named {@code storage-sync}
 * steps are planned as a delta each sample (both listings merged, nothing copied); ready when the
 * new and changed objects add up to at most {@code maxBacklogBytes} (default 0: no object at all).
 * A listing that finds no backlog is taken once per gate run and its figures repeated in the
 * samples after it: a full listing of both buckets costs seconds inside the write window, and
 * listing again a few hundred milliseconds later proves nothing the first did not (the later
 * samples are there for the replicas' lag).
 */
@Component
class StorageBacklogSignal implements ReadinessSignal {

    private final SyncForecast forecast;
    private final ObjectStores stores;

    StorageBacklogSignal(SyncForecast forecast, ObjectStores stores) {
        this.forecast = forecast;
        this.stores = stores;
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.optional("storageSteps", Kind.LIST, "storage-sync steps of this runbook whose bucket "
                        + "mappings must have no backlog"),
                StepParameter.optional("maxBacklogBytes", Kind.INTEGER, "backlog bytes that still count as ready (default 0)"));
    }

    @Override
    public Optional<Probe> watch(StepContext context) {
        List<String> stepIds = context.arguments().list("storageSteps");
        if (stepIds.isEmpty()) {
            return Optional.empty();
        }
        long maxBytes = context.arguments().integer("maxBacklogBytes").orElse(0L);
        List<SyncSpec> specs = new ArrayList<>();
        for (String stepId : stepIds) {
            // the other steps as the cutover pinned them, never as the runbook file says now
            StepDefinition step = context.otherStep(stepId).filter(s -> "storage-sync".equals(s.type()))
                    .orElseThrow(() -> new IllegalArgumentException("storageSteps names '" + stepId
                            + "', which is not a storage-sync step of runbook " + context.runbook()));
            specs.add(SyncSpecs.of(context.runbook(), context.environment(), SyncSpecs.arguments(step.with()),
                    SyncRun.Kind.SYNC, SyncMode.DELTA));
        }
        List<Reading> listedOnce = new ArrayList<>();
        return Optional.of(() -> {
            if (!listedOnce.isEmpty()) {
                return listedOnce.stream().map(r -> {
                    Map<String, Object> figures = new LinkedHashMap<>(r.figures());
                    figures.put("listing", "taken at the gate's first sample");
                    return new Reading(r.input(), r.ready(), r.summary() + " (listed at the first sample)", figures);
                }).toList();
            }
            long listingStarted = System.nanoTime();
            List<Reading> readings = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                SyncForecast.Plan plan;
                // the stores from the gate step's context: the connections of its cutover
                try (SyncStores open = SyncStores.open(stores, specs.get(i), context::connection)) {
                    plan = forecast.plan(specs.get(i), open);
                }
                boolean ready = plan.bytesToCopy() <= maxBytes && (maxBytes > 0 || plan.objectsToCopy() == 0);
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("backlogObjects", plan.objectsToCopy());
                figures.put("backlogBytes", plan.bytesToCopy());
                figures.put("maxBacklogBytes", maxBytes);
                readings.add(new Reading("storage backlog " + stepIds.get(i), ready, plan.objectsToCopy() + " objects ("
                        + plan.bytesToCopy() + " bytes) not yet on " + plan.target()
                        + (ready ? "" : " > " + maxBytes + " bytes allowed"), figures));
            }
            context.waited("storage backlog listing", java.time.Duration.ofNanos(System.nanoTime() - listingStarted));
            if (readings.stream().allMatch(Reading::ready)) {
                listedOnce.addAll(readings); // a backlog is listed again next sample, until it is gone
            }
            return readings;
        });
    }
}
