package dev.cutover.validation;

import java.util.Optional;

/**
 * One query of a metric gate: its value must meet {@code pass} for the window to run on, and
 * meeting {@code failWhen} fails the gate at once. {@code unit} (optional {@code unit:}, e.g.
 * {@code s}) only labels the value on charts; a ratio has none.
 */
record GateQuery(String name, MetricQuery query, Optional<Condition> pass, Optional<Condition> failWhen,
                 Optional<String> unit) {

    GateQuery(String name, MetricQuery query, Optional<Condition> pass, Optional<Condition> failWhen) {
        this(name, query, pass, failWhen, Optional.empty());
    }
}
