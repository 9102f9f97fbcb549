package dev.cutover.preflight;

import dev.cutover.DaemonThreads;
import dev.cutover.runbook.UnresolvableSecretException;
import dev.cutover.step.DurationText;
import dev.cutover.step.PreflightFinding;
import dev.cutover.step.PreflightProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Runs probes in parallel on a bounded pool and waits for all of them until one shared deadline:
 * a probe that has not answered by then is abandoned (interrupted) and reported as failed, so the
 * table always comes back within about one timeout, whatever hangs. Every text of the table passes
 * through the caller's redaction before it leaves.
 */
@Component
class PreflightRunner implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PreflightRunner.class);

    private final ExecutorService pool;
    private final Duration defaultTimeout;

    PreflightRunner(@Value("${cutover.preflight.timeout:5s}") Duration defaultTimeout,
                    @Value("${cutover.preflight.concurrency:32}") int concurrency) {
        this.defaultTimeout = defaultTimeout;
        // Fixed size, unbounded queue: probes of a big runbook wait for a thread rather than being
        // refused; the shared deadline still bounds the wait.
        this.pool = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.numbered("preflight-"));
        ((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
    }

    Duration defaultTimeout() {
        return defaultTimeout;
    }

    /** The table of the probes, in their order; never waits much longer than {@code timeout}. */
    List<PreflightRow> run(List<PreflightProbe> probes, Duration timeout, UnaryOperator<String> redact) {
        List<Timed> started = new ArrayList<>();
        for (PreflightProbe probe : probes) {
            Timed timed = new Timed(probe);
            timed.future = pool.submit(timed::call);
            started.add(timed);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<PreflightRow> rows = new ArrayList<>();
        for (Timed timed : started) {
            rows.addAll(collect(timed, deadline, timeout, redact));
        }
        return rows;
    }

    private List<PreflightRow> collect(Timed timed, long deadline, Duration timeout, UnaryOperator<String> redact) {
        PreflightProbe probe = timed.probe;
        try {
            List<PreflightFinding> findings = timed.future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            long latency = timed.latencyMs();
            return findings.stream().map(finding -> row(probe, finding, latency, redact)).toList();
        } catch (TimeoutException | CancellationException late) {
            timed.future.cancel(true);
            String detail = timed.startedAt == 0 ? "not started within " + DurationText.of(timeout)
                    + ": every preflight thread was busy with other checks"
                    : "no answer within " + DurationText.of(timeout);
            return List.of(row(probe, PreflightFinding.failed(detail, "check that '" + probe.connection()
                    + "' is up and reachable from this host (address, port, firewall, security group); "
                    + "the check was abandoned"), timed.latencyMs(), redact));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            timed.future.cancel(true);
            return List.of(row(probe, PreflightFinding.failed("interrupted before it answered", ""), timed.latencyMs(),
                    redact));
        } catch (ExecutionException failed) {
            return List.of(row(probe, failure(failed.getCause(), redact), timed.latencyMs(), redact));
        }
    }

    /** A probe that threw instead of answering: its message, as a failed check. */
    private static PreflightFinding failure(Throwable cause, UnaryOperator<String> redact) {
        if (cause instanceof UnresolvableSecretException secret) {
            return PreflightFinding.failed(secret.getMessage(), "fix the secret reference " + secret.reference()
                    + " (see the 'secrets resolve' check)");
        }
        log.warn("A preflight check failed unexpectedly: {}", redact.apply(String.valueOf(cause)));
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return PreflightFinding.failed(message, "the service log has the details");
    }

    private static PreflightRow row(PreflightProbe probe, PreflightFinding finding, long latencyMs,
                                    UnaryOperator<String> redact) {
        String check = finding.check() == null ? probe.check() : finding.check();
        return new PreflightRow(check, probe.connection(), probe.steps(), PreflightRow.status(finding.status()),
                latencyMs, redact.apply(finding.detail()), redact.apply(finding.hint()));
    }

    @Override
    public void destroy() {
        pool.shutdownNow();
    }

    /** A probe with the moments it started and ended, for its latency. */
    private static final class Timed {
        private final PreflightProbe probe;
        private volatile long startedAt;
        private volatile long endedAt;
        private Future<List<PreflightFinding>> future;

        Timed(PreflightProbe probe) {
            this.probe = probe;
        }

        List<PreflightFinding> call() throws Exception {
            startedAt = System.nanoTime();
            try {
                List<PreflightFinding> findings = probe.run().call();
                return findings == null || findings.isEmpty()
                        ? List.of(PreflightFinding.ok("nothing to check")) : findings;
            } finally {
                endedAt = System.nanoTime();
            }
        }

        long latencyMs() {
            if (startedAt == 0) {
                return 0;
            }
            long end = endedAt == 0 ? System.nanoTime() : endedAt;
            return TimeUnit.NANOSECONDS.toMillis(end - startedAt);
        }
    }
}
