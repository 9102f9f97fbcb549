package dev.cutover.monitoring;

import dev.cutover.DaemonThreads;
import dev.cutover.cutover.ActiveCutovers;
import dev.cutover.cutover.eventlog.CutoverEvent;
import dev.cutover.cutover.eventlog.EventAppendedElsewhere;
import dev.cutover.runbook.RunbookConnection;
import dev.cutover.runbook.RunbookEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Every {@code cutover.monitoring.connection-interval} (30 s) probes each connection of the
 * environment of every cutover that is not over: a TCP connect to where it is reached
 * ({@link ConnectionTarget}) under {@code cutover.monitoring.connection-timeout} (3 s), all at once
 * on a small pool. The results are served to viewers ({@code GET /api/cutovers/{id}/connections/health})
 * and exported as {@code cutover_connection_up} and {@code cutover_connection_latency_seconds};
 * never on the open {@code /actuator/health}, which would tell anyone the inside addresses.
 */
@Component
class ConnectionHealth implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ConnectionHealth.class);
    static final String UP = "cutover_connection_up";
    static final String LATENCY = "cutover_connection_latency_seconds";

    private final ActiveCutovers cutovers;
    private final Duration interval;
    private final Duration timeout;
    private final MultiGauge up;
    private final MultiGauge latency;
    private final Map<String, List<ConnectionStatus>> last = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("connection-health"));
    private final ExecutorService probes = Executors.newFixedThreadPool(4, DaemonThreads.numbered("connection-probe-"));
    private final ExecutorService forgetter = Executors.newSingleThreadExecutor(
            DaemonThreads.named("connection-health-forget"));
    /** The actions of the events after which a cutover may be over (an abort, a last phase, a rollback). */
    private static final java.util.Set<String> ENDING = java.util.Set.of("abort", "phase", "rollback");

    ConnectionHealth(ActiveCutovers cutovers, MeterRegistry registry,
                     @Value("${cutover.monitoring.connection-interval:30s}") Duration interval,
                     @Value("${cutover.monitoring.connection-timeout:3s}") Duration timeout) {
        this.cutovers = cutovers;
        this.interval = interval;
        this.timeout = timeout;
        this.up = MultiGauge.builder(UP)
                .description("1 when a runbook connection of a cutover that is not over answered a TCP connect at the last probe")
                .register(registry);
        this.latency = MultiGauge.builder(LATENCY)
                .description("How long the last TCP connect to a runbook connection took")
                .register(registry);
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        timer.scheduleWithFixedDelay(() -> {
            try {
                probeAll();
            } catch (RuntimeException e) {
                log.warn("Could not probe the connections of the current cutovers: {}", e.toString());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last probe of the cutover's connections; empty when the cutover is over or unknown. */
    Optional<List<ConnectionStatus>> of(String cutoverId) {
        return cutovers.find(cutoverId).map(active -> {
            List<ConnectionStatus> seen = last.get(cutoverId);
            return seen != null ? seen : probe(active);
        });
    }

    void probeAll() {
        Map<String, List<ConnectionStatus>> fresh = new ConcurrentHashMap<>();
        for (ActiveCutovers.Active active : cutovers.now()) {
            fresh.put(active.view().id(), probe(active));
        }
        synchronized (last) {
            // A cutover that ended while its connections were probed was forgotten meanwhile: it stays so.
            fresh.keySet().retainAll(cutovers.ids());
            last.keySet().retainAll(fresh.keySet());
            last.putAll(fresh);
            export();
        }
    }

    /**
     * A cutover that is over loses its rows at once rather than at the next probe, up to an interval
     * (30 s) later: a war-room screen must not show the connections of a night that ended. Asked only
     * on the events that may end a cutover, off the appending thread.
     */
    @EventListener
    void onEvent(CutoverEvent event) {
        if (ENDING.contains(event.action()) && last.containsKey(event.cutoverId())) {
            forgetter.execute(() -> forgetIfOver(event.cutoverId()));
        }
    }

    @EventListener
    void onEventElsewhere(EventAppendedElsewhere appended) {
        onEvent(appended.event());
    }

    void forgetIfOver(String cutoverId) {
        try {
            if (cutovers.find(cutoverId).isEmpty()) {
                synchronized (last) {
                    if (last.remove(cutoverId) != null) {
                        export();
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("Could not tell whether cutover {} is over; its connection rows go at the next probe: {}",
                    cutoverId, e.toString());
        }
    }

    private void export() {
        List<MultiGauge.Row<?>> upRows = new ArrayList<>();
        List<MultiGauge.Row<?>> latencyRows = new ArrayList<>();
        last.forEach((cutoverId, statuses) -> statuses.stream().filter(status -> status.reachable() != null)
                .forEach(status -> {
                    Tags tags = Tags.of("cutover", cutoverId, "connection", status.connection(), "type", status.type());
                    upRows.add(MultiGauge.Row.of(tags, status.reachable() ? 1 : 0));
                    if (status.latencySeconds() != null) {
                        latencyRows.add(MultiGauge.Row.of(tags, status.latencySeconds()));
                    }
                }));
        up.register(upRows, true);
        latency.register(latencyRows, true);
    }

    private List<ConnectionStatus> probe(ActiveCutovers.Active active) {
        Map<String, RunbookConnection> connections = active.runbook()
                .map(runbook -> runbook.environments().get(active.view().environment()))
                .map(RunbookEnvironment::connections).orElse(Map.of());
        List<CompletableFuture<ConnectionStatus>> running = connections.values().stream()
                .sorted(java.util.Comparator.comparing(RunbookConnection::name))
                .map(connection -> CompletableFuture.supplyAsync(() -> probe(connection), probes))
                .toList();
        return running.stream().map(CompletableFuture::join).toList();
    }

    private ConnectionStatus probe(RunbookConnection connection) {
        ConnectionTarget target = ConnectionTarget.of(connection);
        Instant at = Instant.now();
        if (target.problem() != null) {
            return new ConnectionStatus(connection.name(), connection.type(), null, null, null, at,
                    "not probed: " + target.problem());
        }
        if (target.directory() != null) {
            boolean there = Files.isDirectory(Path.of(target.directory()));
            return new ConnectionStatus(connection.name(), connection.type(), target.shown(), there, null, at,
                    there ? "" : "the directory does not exist");
        }
        long started = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.host(), target.port()), (int) timeout.toMillis());
            double seconds = (System.nanoTime() - started) / 1e9;
            return new ConnectionStatus(connection.name(), connection.type(), target.shown(), true, seconds, at, "");
        } catch (IOException | RuntimeException e) {
            return new ConnectionStatus(connection.name(), connection.type(), target.shown(), false, null, at, why(e));
        }
    }

    /** By the kind of failure only: exception messages quote host names, which may come from secrets. */
    private String why(Exception e) {
        if (e instanceof UnknownHostException) {
            return "the host name does not resolve";
        }
        if (e instanceof SocketTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to the host";
        }
        return "could not connect (" + e.getClass().getSimpleName() + ")";
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
        forgetter.shutdownNow();
        probes.shutdownNow();
    }
}
