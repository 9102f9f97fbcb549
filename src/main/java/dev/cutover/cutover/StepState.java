package dev.cutover.cutover;

/** The state of one runbook step within one cutover. */
public enum StepState {
    PENDING, RUNNING, AWAITING_APPROVAL, SUCCEEDED, FAILED, STOPPED, INTERRUPTED,
    ROLLING_BACK, ROLLED_BACK, ROLLBACK_FAILED
}
