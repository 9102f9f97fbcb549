package dev.cutover.database;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * {@code cutover_replication_lag_seconds{engine,connection,member}}: the last lag a gate or a status
 * read saw. Unknown lag (a stopped SQL thread, an unreachable member) is exported as NaN, never 0.
 */
@Component
public class ReplicationLagGauges {

    private final MeterRegistry registry;
    private final Map<List<String>, AtomicReference<Double>> lags = new ConcurrentHashMap<>();

    public ReplicationLagGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param member the replica or replica-set member the lag belongs to (its host:port)
     * @param seconds empty when the lag is unknown
     */
    public void record(String engine, String connection, String member, OptionalDouble seconds) {
        AtomicReference<Double> lag = lags.computeIfAbsent(List.of(engine, connection, member), key -> {
            AtomicReference<Double> holder = new AtomicReference<>(Double.NaN);
            Gauge.builder("cutover.replication.lag", holder, AtomicReference::get)
                    .description("Replication lag last seen by a lag gate or status read; NaN when unknown")
                    .baseUnit("seconds")
                    .tags("engine", engine, "connection", connection, "member", member)
                    .register(registry);
            return holder;
        });
        lag.set(seconds.isPresent() ? seconds.getAsDouble() : Double.NaN);
    }
}
