package dev.cutover.instance;

import dev.cutover.DaemonThreads;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Registers this instance's lease before anything else starts (so startup recovery already runs as
 * a live instance), renews it every third of the lease on a thread of its own, publishes a
 * {@link LeaseCheck} every few seconds once the service is ready, and ends the lease last on a
 * graceful stop, after running phases were paused.
 */
@Component
class LeaseTimer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LeaseTimer.class);

    private final InstanceLeases leases;
    private final ApplicationEventPublisher publisher;
    private ScheduledExecutorService timer;
    private volatile boolean running;

    LeaseTimer(InstanceLeases leases, ApplicationEventPublisher publisher) {
        this.leases = leases;
        this.publisher = publisher;
    }

    @Override
    public void start() {
        leases.register();
        log.info("Service instance {} holds a lease of {} on the database", leases.self().describe(), leases.lease());
        timer = Executors.newScheduledThreadPool(2, DaemonThreads.numbered("instance-lease-"));
        long renewMillis = leases.settings().renewEvery().toMillis();
        timer.scheduleWithFixedDelay(this::renew, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
        running = true;
    }

    @EventListener(ApplicationReadyEvent.class)
    void startChecks() {
        long checkMillis = leases.settings().checkEvery().toMillis();
        timer.scheduleWithFixedDelay(this::check, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
    }

    private void renew() {
        try {
            if (!leases.renew()) {
                log.error("The lease of service instance {} had expired before this renewal (a long pause, or the "
                        + "database out of reach): another instance may have taken over its cutovers", leases.self().id());
            }
        } catch (RuntimeException e) {
            log.warn("Could not renew the lease of service instance {}: {}", leases.self().id(), e.toString());
        }
    }

    private void check() {
        try {
            publisher.publishEvent(new LeaseCheck());
        } catch (RuntimeException e) {
            log.warn("A lease check failed; the next one follows in {}", leases.settings().checkEvery(), e);
        }
    }

    @Override
    public void stop() {
        running = false;
        timer.shutdownNow();
        try {
            leases.release();
        } catch (RuntimeException e) {
            log.warn("Could not end the lease of service instance {}; it runs out by itself", leases.self().id());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before, and stops after, everything else that runs (web server, executors). */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }
}
