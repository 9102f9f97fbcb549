package dev.cutover.preflight;

import dev.cutover.DaemonThreads;
import dev.cutover.step.PreflightCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Warms every check's clients once, on a background thread when the service is ready, so that the
 * first preflight after a start answers as fast as the next ones (the cloud clients and the MongoDB
 * driver are seconds of class loading on a busy machine, longer than a check's timeout). Not on the
 * ready thread: the service answers at once, and a preflight asked meanwhile only waits for what is
 * being loaded.
 */
@Component
class PreflightWarmUp {

    private static final Logger log = LoggerFactory.getLogger(PreflightWarmUp.class);

    static final String THREAD = "preflight-warm-up";

    /** Looked up when warming, like {@link Preflights} does: the checks are other modules' beans. */
    private final ObjectProvider<PreflightCheck> checks;

    PreflightWarmUp(ObjectProvider<PreflightCheck> checks) {
        this.checks = checks;
    }

    @EventListener(ApplicationReadyEvent.class)
    void warmUpInBackground() {
        DaemonThreads.named(THREAD).newThread(this::warmUp).start();
    }

    void warmUp() {
        long started = System.nanoTime();
        checks.orderedStream().forEach(check -> {
            try {
                check.warmUp();
            } catch (RuntimeException | LinkageError e) {
                log.debug("Warming up {} failed; the first preflight will load it instead", check.getClass().getSimpleName(), e);
            }
        });
        log.info("Preflight clients warmed up in {} ms", (System.nanoTime() - started) / 1_000_000);
    }
}
