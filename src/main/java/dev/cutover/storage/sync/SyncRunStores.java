package dev.cutover.storage.sync;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The open stores of each run on this instance, by run id: whoever starts or resumes a run opens
 * them (and resolves their secrets) and hands them over here; the run's job steps use them; they
 * are closed when the run ends.
 */
@Component
class SyncRunStores {

    private final Map<Long, SyncStores> open = new ConcurrentHashMap<>();

    void hold(long runId, SyncStores stores) {
        SyncStores previous = open.put(runId, stores);
        if (previous != null && previous != stores) {
            previous.close();
        }
    }

    /** @throws IllegalStateException when no one opened them: a run continues only from its step */
    SyncStores of(long runId) {
        SyncStores stores = open.get(runId);
        if (stores == null) {
            throw new IllegalStateException("the stores of sync run " + runId + " are not open on this instance; "
                    + "continue the run from its step (restart the phase) or start a new run");
        }
        return stores;
    }

    boolean holds(long runId) {
        return open.containsKey(runId);
    }

    void release(long runId) {
        SyncStores stores = open.remove(runId);
        if (stores != null) {
            stores.close();
        }
    }
}
