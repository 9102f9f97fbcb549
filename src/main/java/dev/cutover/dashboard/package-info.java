/**
 * The war-room dashboard: the cutovers list, one live page per cutover with controls by role, the
 * login page, and the report of the night ({@code report}: HTML to print, JSON, Markdown). Reads the
 * other modules through their published views (a partitioned sync's partitions through
 * {@code storage.PartitionedRuns}); every button calls the same {@code CutoverTransitions}
 * as the REST API, so it lands in the event log with its actor.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Dashboard", allowedDependencies = { "cutover", "cutover :: eventlog", "runbook", "instance",
        "storage" })
package dev.cutover.dashboard;
