package dev.cutover.step;

import java.util.Optional;
import java.util.function.Function;

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

    /** The cutover's connections by name, for stores opened on its behalf; an unknown name is an error. */
    default Function<String, ResolvedConnection> of(String cutoverId) {
        return name -> connection(cutoverId, name).orElseThrow(() -> new IllegalStateException(
                "cutover " + cutoverId + " has no connection '" + name + "'"));
    }
}
