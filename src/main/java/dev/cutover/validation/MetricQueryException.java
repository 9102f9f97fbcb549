package dev.cutover.validation;

/** The metrics source refused a query for good (bad syntax, wrong credentials): retrying cannot help. */
class MetricQueryException extends Exception {

    MetricQueryException(String message) {
        super(message);
    }
}
