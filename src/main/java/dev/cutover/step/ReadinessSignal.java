package dev.cutover.step;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One input of the {@code cutover-readiness} gate — the storage backlog, a replica's lag, a frozen
 * source — offered by the module that knows how to read it. The gate declares every signal's
 * parameters as its own; a signal whose parameters the step leaves out is not watched.
 */
public interface ReadinessSignal {

    /** The {@code with:} parameters of {@code cutover-readiness} that ask for this signal. */
    List<StepParameter> parameters();

    /**
     * Starts watching for one run of the gate (it may keep sessions and the previous reading);
     * empty when the step does not ask for this signal.
     */
    Optional<Probe> watch(StepContext context) throws Exception;

    /** Watches the inputs of one gate run; closed when the gate opens or fails. */
    interface Probe extends AutoCloseable {

        /** One reading per watched input (a bucket mapping, a replica, a frozen source). */
        List<Reading> read() throws Exception;

        @Override
        default void close() {
        }
    }

    /**
     * @param input what was read, e.g. {@code mysql lag orders-replica}
     * @param ready whether this input lets the gate open
     * @param summary one line: the figure and the bound, e.g. {@code lag 3s > 1s}
     */
    record Reading(String input, boolean ready, String summary, Map<String, Object> figures) {

        public Reading {
            figures = figures == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
        }
    }
}
