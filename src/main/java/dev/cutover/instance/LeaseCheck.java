package dev.cutover.instance;

/**
 * Published every few seconds (a sixth of the lease, at most 5 s) once the service is ready, on the
 * lease timer's thread: time to look for work whose owner's lease expired. A listener must be quick
 * and must not throw (an exception is logged and the next check comes anyway).
 */
public record LeaseCheck() {
}
