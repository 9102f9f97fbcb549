package dev.cutover.cutover.execution;

import dev.cutover.cutover.eventlog.CutoverEvent;
import dev.cutover.cutover.eventlog.EventAppendedElsewhere;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Per-cutover "stop" flags that running steps poll: a pause, an abort or a rollback raise it,
 * a start, resume or restart lowers it. In memory on purpose: after a crash nothing runs, and
 * the recovery marks the execution interrupted instead. A pause, abort or rollback accepted by
 * another instance reaches this one through the event log ({@link EventAppendedElsewhere}), a
 * fraction of a second later: the step runs where its phase was launched, whichever instance the
 * person pressed the button on.
 */
@Component
public class StopSignals {

    private static final Set<String> STOPPING = Set.of("pause", "abort", "rollback");

    @EventListener
    void onEventElsewhere(EventAppendedElsewhere appended) {
        CutoverEvent event = appended.event();
        boolean stopAsked = STOPPING.contains(event.action()) && "accepted".equals(event.outcome());
        // Another instance took the cutover over, believing this one dead (its lease ran out during a
        // long pause or a lost database): whatever still runs here must give way to it.
        boolean takenOver = "interrupted".equals(event.outcome());
        if (stopAsked || takenOver) {
            raise(event.cutoverId());
        }
    }

    private final Map<String, AtomicBoolean> flags = new ConcurrentHashMap<>();

    public void raise(String cutoverId) {
        flag(cutoverId).set(true);
    }

    public void lower(String cutoverId) {
        flag(cutoverId).set(false);
    }

    boolean raised(String cutoverId) {
        return flag(cutoverId).get();
    }

    private AtomicBoolean flag(String cutoverId) {
        return flags.computeIfAbsent(cutoverId, id -> new AtomicBoolean());
    }
}
