package dev.cutover.validation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * {@code cutover_metric_gate_value{step,query}}: the value a metric gate last read for one of its
 * queries; NaN when the query had no data or could not be read (never 0).
 */
@Component
class MetricGateGauges {

    private final MeterRegistry registry;
    private final Map<List<String>, AtomicReference<Double>> values = new ConcurrentHashMap<>();

    MetricGateGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String stepId, String query, double value) {
        values.computeIfAbsent(List.of(stepId, query), key -> {
            AtomicReference<Double> holder = new AtomicReference<>(Double.NaN);
            Gauge.builder("cutover.metric.gate.value", holder, AtomicReference::get)
                    .description("The value a metric gate last read for a query; NaN when it had no data")
                    .tags("step", stepId, "query", query)
                    .register(registry);
            return holder;
        }).set(value);
    }
}
