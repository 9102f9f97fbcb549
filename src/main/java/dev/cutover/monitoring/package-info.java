/**
 * Monitoring: what a war room's Prometheus and Grafana read about the cutovers that are not over
 * yet — step states and running times, sync progress, gate samples and states, approvals waiting,
 * rollbacks in progress ({@code WarRoomMetrics}) — and the health of their runbook connections
 * ({@code ConnectionHealth}: reachable or not and how fast, on a VIEWER endpoint and as metrics,
 * never on the open {@code /actuator/health}). It only reads: views and events of the cutover
 * module, the pinned runbooks' connections.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Monitoring",
        allowedDependencies = { "cutover", "cutover :: eventlog", "runbook", "step" })
package dev.cutover.monitoring;
