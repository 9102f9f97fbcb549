package dev.cutover.step;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A metric gate's evaluation for a step that is not itself a gate (a {@code dns-shift} guarded while
 * it holds each traffic step): the same queries, {@code pass}/{@code failWhen} conditions and
 * {@code noData} rules as {@code metric-gate}, one round of samples at a time. The validation module
 * implements it; the step reads {@code interval}, {@code noData} and {@code queries} from its own
 * {@code with:} and names the metrics connection by the parameter {@code connectionParameter}.
 */
public interface MetricGuard {

    /** The guard's settings checked with metric-gate's rules, each problem at its field of {@code with:}. */
    List<StepArgumentProblem> problems(StepArguments with, String connectionParameter);

    /** Opens the metrics connection of a running step; fails the step when it cannot be opened. */
    Watch watch(StepContext context, String connectionParameter) throws StepFailedException;

    /** An open guard: evaluates every query once per {@link #sample()}; closing it closes its metrics client. */
    interface Watch extends AutoCloseable {

        /** Time between two samples ({@code interval:}, default 15s). */
        Duration interval();

        Sample sample();

        @Override
        void close();
    }

    /** What one round of queries said. */
    enum Verdict {
        /** Every query met its {@code pass} condition (or had no data with {@code noData: pass}). */
        PASSING,
        /** Neither passing nor failing: a query missed its {@code pass}, had no data ({@code noData: hold}) or was unreadable. */
        HOLDING,
        /** A {@code failWhen} was met, or no data with {@code noData: fail}: stop at once. */
        FAILING
    }

    /**
     * One round: its verdict, a line such as {@code error-rate 0.002 (pass < 0.01)}, the value of
     * each query by name, why it failed (null unless failing), and the round as evidence.
     */
    record Sample(Verdict verdict, String summary, Map<String, Object> values, String failure,
                  Map<String, Object> evidence) {
    }
}
