package dev.cutover.storage.sync;

import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookCatalog;
import dev.cutover.runbook.RunbookStep;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncSpec;
import dev.cutover.step.ReadinessSignal;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Readiness input {@code storageSteps}: the bucket mappings of the named {@code storage-sync}
 * steps are planned as a delta each sample (both listings merged, nothing copied); ready when the
 * new and changed objects add up to at most {@code maxBacklogBytes} (default 0: no object at all).
 */
@Component
class StorageBacklogSignal implements ReadinessSignal {

    /** Lazy: the catalog validates runbooks against the step types, this signal's gate among them. */
    private final ObjectProvider<RunbookCatalog> runbooks;
    private final SyncForecast forecast;
    private final ObjectStores stores;

    StorageBacklogSignal(ObjectProvider<RunbookCatalog> runbooks, SyncForecast forecast, ObjectStores stores) {
        this.runbooks = runbooks;
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
        Runbook runbook = runbooks.getObject().findValid(context.runbook()).orElseThrow(() -> new IllegalStateException(
                "runbook " + context.runbook() + " is missing or invalid"));
        List<SyncSpec> specs = new ArrayList<>();
        for (String stepId : stepIds) {
            RunbookStep step = runbook.step(stepId).filter(s -> "storage-sync".equals(s.type()))
                    .orElseThrow(() -> new IllegalArgumentException("storageSteps names '" + stepId
                            + "', which is not a storage-sync step of runbook " + runbook.name()));
            specs.add(SyncSpecs.of(runbook.name(), context.environment(), SyncSpecs.arguments(step.with()), "sync",
                    SyncMode.DELTA));
        }
        return Optional.of(() -> {
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
            return readings;
        });
    }
}
