package dev.cutover.step;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * One independent, read-only check: it runs on its own thread of the preflight pool and is
 * abandoned (interrupted) when it does not answer within the per-check timeout.
 *
 * @param check      what is checked, e.g. {@code privileges}, {@code bucket listable}
 * @param connection the connection it talks to (or the step's id for a check of a step alone)
 * @param steps      the ids of the steps that need it
 * @param run        the check; it answers one finding or several (one per missing privilege)
 */
public record PreflightProbe(String check, String connection, List<String> steps,
                             Callable<List<PreflightFinding>> run) {

    public PreflightProbe {
        steps = List.copyOf(steps);
    }
}
