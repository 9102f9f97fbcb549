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

    /**
     * Loads, once, the client classes the probes will use (build and close a client, no network
     * beyond a loopback port nobody answers on), so that the first preflight after a start does
     * not spend its per-check timeouts in class loading: 9.6 s and three abandoned checks on a busy
     * machine before this existed. Called in the background when the service is ready; a failure
     * only costs the first preflight its speed.
     */
    default void warmUp() {
    }
}
