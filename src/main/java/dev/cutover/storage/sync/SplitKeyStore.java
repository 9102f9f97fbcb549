package dev.cutover.storage.sync;

import dev.cutover.storage.SyncSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Split keys of a mapping's source ({@code sync_split_key}, V18): keys spaced evenly through the
 * source's key order (every ~10,000th), kept from the last whole listing of the mapping's source by a
 * partitioned run (a first run's, a full run's plan, a final run's verification) so that the next run
 * cuts its partitions without listing first.
 */
@Repository
class SplitKeyStore {

    private final JdbcClient jdbc;

    SplitKeyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * What the keys depend on: the source and the filter, not the target. A connection's name means a store
     * only within one runbook and environment (two runbooks may each call theirs {@code src}), so both are
     * part of it: a foreign mapping's keys would cut spans that hold none of this source's keys.
     */
    static String mapping(SyncSpec spec) {
        String identity = spec.runbook() + "\n" + spec.environment() + "\n" + spec.sourceConnection() + "\n"
                + spec.sourceBucket() + "\n" + spec.sourcePrefix() + "\n" + spec.include() + "\n" + spec.exclude();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(identity.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> load(String mapping) {
        return jdbc.sql("SELECT split FROM sync_split_key WHERE mapping = ? ORDER BY ordinal").param(mapping)
                .query(String.class).list();
    }

    @Transactional
    void replace(String mapping, List<String> keys) {
        jdbc.sql("DELETE FROM sync_split_key WHERE mapping = ?").param(mapping).update();
        for (int i = 0; i < keys.size(); i++) {
            jdbc.sql("INSERT INTO sync_split_key (mapping, ordinal, split) VALUES (?, ?, ?)")
                    .params(mapping, i, keys.get(i)).update();
        }
    }
}
