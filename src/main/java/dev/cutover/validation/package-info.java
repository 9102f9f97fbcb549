/**
 * Traffic validation by metrics: the {@code metric-gate} step type, which evaluates queries on a
 * {@code type: prometheus} or {@code type: cloudwatch} connection every {@code interval} and passes
 * when every condition held for the whole {@code for:} window (a {@code failWhen} fails it at once).
 * The gate reads through the port {@code MetricSource}; one adapter per connection type.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Validation", allowedDependencies = "step")
package dev.cutover.validation;
