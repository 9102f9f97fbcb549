/**
 * The one readiness gate of a cutover: storage backlog, database lag and the write freeze, read
 * together through the {@link dev.cutover.step.ReadinessSignal}s the other modules offer.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Readiness", allowedDependencies = "step")
package dev.cutover.readiness;
