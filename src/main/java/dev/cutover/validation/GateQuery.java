package dev.cutover.validation;

import java.util.Optional;

/**
 * One query of a metric gate: its value must meet {@code pass} for the window to run on, and
 * meeting {@code failWhen} fails the gate at once.
 */
record GateQuery(String name, MetricQuery query, Optional<Condition> pass, Optional<Condition> failWhen) {
}
