package dev.cutover.storage.sync;

import dev.cutover.runbook.RunbookCatalog;
import dev.cutover.step.CutoverConnections;
import dev.cutover.step.ResolvedConnection;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Fallback;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A fake {@link CutoverConnections} for tests while the cutover module has none: the connections of
 * the cutover's runbook as the catalog has them now (no pinned copy). {@link Fallback}: the cutover
 * module's own implementation wins as soon as it exists.
 */
@Component
@Fallback
class CatalogCutoverConnections implements CutoverConnections {

    private final JdbcClient jdbc;
    private final ObjectProvider<RunbookCatalog> runbooks;

    CatalogCutoverConnections(JdbcClient jdbc, ObjectProvider<RunbookCatalog> runbooks) {
        this.jdbc = jdbc;
        this.runbooks = runbooks;
    }

    @Override
    public boolean exists(String cutoverId) {
        return jdbc.sql("SELECT COUNT(*) FROM cutover WHERE id = ?").param(cutoverId).query(Integer.class).single() > 0;
    }

    @Override
    public Optional<ResolvedConnection> connection(String cutoverId, String connectionName) {
        return jdbc.sql("SELECT runbook, environment FROM cutover WHERE id = ?").param(cutoverId)
                .query((rs, row) -> new String[] { rs.getString(1), rs.getString(2) }).optional()
                .flatMap(cutover -> runbooks.getObject().findValid(cutover[0])
                        .filter(runbook -> runbook.environments().containsKey(cutover[1])
                                && runbook.environments().get(cutover[1]).connections().containsKey(connectionName))
                        .map(runbook -> RunbookConnections.of(runbook, cutover[1]).apply(connectionName)));
    }
}
