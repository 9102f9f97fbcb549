package dev.cutover.step;

import java.util.Optional;

/**
 * The connections of a cutover's environment as its pinned runbook declares them, for work that
 * runs on behalf of a cutover outside a running step (scheduled delta syncs). The cutover module
 * implements it from the runbook text stored with the cutover, so an edited or reloaded runbook
 * file never changes what an existing cutover talks to.
 */
public interface CutoverConnections {

    /** The named connection of the cutover's environment; empty when the cutover or connection is unknown. */
    Optional<ResolvedConnection> connection(String cutoverId, String connectionName);

    /** Whether a cutover with this id exists (to answer 404 rather than an empty list). */
    boolean exists(String cutoverId);
}
