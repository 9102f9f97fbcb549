/**
 * How a cutover runs: each phase and each rollback as a Spring Batch job ({@code PhaseLauncher}),
 * each runbook step through its step type ({@code RunbookStepRunner}), each attempt with its
 * timeout and retries ({@code StepAttempts}), stop signals, and recovery after a crash.
 */
package dev.cutover.cutover.execution;
