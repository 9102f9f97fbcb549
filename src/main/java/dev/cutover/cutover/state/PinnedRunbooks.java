package dev.cutover.cutover.state;

import dev.cutover.cutover.Cutover;

import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookCatalog;
import dev.cutover.runbook.SecretReferences;
import dev.cutover.step.CutoverConnections;
import dev.cutover.step.ResolvedConnection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The runbook each cutover runs from: the text stored with it at creation, parsed once per text
 * (by its SHA-256). Every phase, restart and rollback of a cutover reads its runbook here, never
 * from the catalog, so an edited or reloaded file changes nothing for a cutover under way.
 * Cutovers created before runbooks were pinned have no text and read the catalog.
 */
@Component
public class PinnedRunbooks implements CutoverConnections {

    private final CutoverRepository cutovers;
    private final RunbookCatalog catalog;
    private final Map<String, Runbook> bySha256 = new ConcurrentHashMap<>();

    PinnedRunbooks(CutoverRepository cutovers, RunbookCatalog catalog) {
        this.cutovers = cutovers;
        this.catalog = catalog;
    }

    /** The cutover's runbook, or empty when it cannot be had (an unpinned cutover whose file is gone or invalid). */
    public Optional<Runbook> find(Cutover cutover) {
        if (cutover.runbookSha256() == null) {
            return catalog.findValid(cutover.runbook());
        }
        return Optional.of(bySha256.computeIfAbsent(cutover.runbookSha256(), sha -> catalog.parsePinned(
                cutovers.pinnedRunbook(cutover.id()).orElseThrow(() -> new IllegalStateException(
                        "cutover " + cutover.id() + " has lost its pinned runbook text")))));
    }

    @Override
    public boolean exists(String cutoverId) {
        return cutovers.find(cutoverId).isPresent();
    }

    @Override
    public Optional<ResolvedConnection> connection(String cutoverId, String connectionName) {
        return cutovers.find(cutoverId).flatMap(cutover -> find(cutover).map(runbook -> runbook.environments()
                .get(cutover.environment())).map(environment -> environment.connections().get(connectionName))
                .map(connection -> connection.resolved(SecretReferences::resolve)));
    }

}
