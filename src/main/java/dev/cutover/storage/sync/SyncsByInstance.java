package dev.cutover.storage.sync;

import dev.cutover.instance.InstanceWork;
import dev.cutover.storage.SyncRun;
import java.util.List;
import org.springframework.stereotype.Component;

/** The sync and verification runs an instance runs, for the list of instances. */
@Component
class SyncsByInstance implements InstanceWork {

    private final SyncRunRepository runs;

    SyncsByInstance(SyncRunRepository runs) {
        this.runs = runs;
    }

    @Override
    public List<Item> underWay() {
        return runs.runningWithOwners().stream().filter(owned -> owned.owner() != null).map(owned -> {
            SyncRun run = owned.run();
            String what = run.kind().text() + (run.mode() == null ? "" : " " + run.mode().name().toLowerCase(java.util.Locale.ROOT)) + " "
                    + run.source() + " → " + run.target() + (run.stepId() == null ? "" : " (step " + run.stepId() + ")");
            return new Item(owned.owner(), run.kind().text(), Long.toString(run.id()), run.state().name(), what);
        }).toList();
    }
}
