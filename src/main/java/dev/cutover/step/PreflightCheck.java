package dev.cutover.step;

import java.util.List;

/**
 * Read-only checks of what a runbook's steps will need from their connections, contributed by the
 * engine that owns a kind of connection or step (MySQL privileges next to the MySQL engine, bucket
 * probes next to the object stores). The {@code preflight} module runs every probe of every
 * implementation in parallel, each under a timeout, and assembles the table; an implementation
 * only says what to check, never how long to wait.
 */
public interface PreflightCheck {

    /**
     * The probes this engine wants run for the plan: typically one or a few per connection of its
     * kind that a step uses. Must not touch the network itself (the probes do); an empty list
     * when no step of the plan concerns it.
     */
    List<PreflightProbe> probes(PreflightPlan plan);
}
