package dev.cutover.cutover.execution;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.stereotype.Component;

/**
 * Per-cutover "stop" flags that running steps poll: a pause, an abort or a rollback raise it,
 * a start, resume or restart lowers it. In memory on purpose: after a crash nothing runs, and
 * the startup recovery marks the execution interrupted instead.
 */
@Component
public class StopSignals {

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
