package dev.cutover.database.mysql;

import dev.cutover.DaemonThreads;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The reverse replication of a promotion, configured on the old primary on a thread of its own while
 * the promotion checks and detaches the replica on its own session. With GTIDs nothing in it depends
 * on where the new primary's binlog will end, so inside the write window only its START remains
 * (MariaDB's CHANGE MASTER sets up relay logs: tens of ms). Without GTIDs it needs that position and
 * the promotion configures it once the position is known.
 */
final class ReverseReplicationSetup {

    private static final ReverseReplicationSetup NONE = new ReverseReplicationSetup(CompletableFuture.completedFuture(-1L));

    /** The milliseconds the CHANGE MASTER took, or -1 when nothing was configured. */
    private final CompletableFuture<Long> configured;

    private ReverseReplicationSetup(CompletableFuture<Long> configured) {
        this.configured = configured;
    }

    static ReverseReplicationSetup none() {
        return NONE;
    }

    /**
     * Starts configuring {@code oldPrimary} to replicate from {@code newPrimary}; until {@link #await}
     * returns, the caller must not use {@code oldPrimary}'s session.
     */
    static ReverseReplicationSetup begin(MySqlServer oldPrimary, MySqlSettings newPrimary, SourcePosition newPrimaryNow) {
        if (!newPrimaryNow.hasGtids()) {
            return NONE;
        }
        CompletableFuture<Long> configured = new CompletableFuture<>();
        Thread thread = DaemonThreads.named("promotion-reverse-setup").newThread(() -> {
            long started = System.nanoTime();
            try {
                oldPrimary.configureReplicationFrom(newPrimary, newPrimaryNow);
                configured.complete((System.nanoTime() - started) / 1_000_000);
            } catch (Throwable e) {
                configured.completeExceptionally(e);
            }
        });
        thread.start();
        return new ReverseReplicationSetup(configured);
    }

    /** Waits for the set-up; true when the old primary is configured. A failed set-up fails the promotion. */
    boolean await() throws SQLException, InterruptedException {
        try {
            return configured.get() >= 0;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException("configuring the reverse replication failed", e.getCause());
        }
    }

    /** For a promotion that was refused: waits without failing; true when something was configured to remove. */
    boolean awaitQuietly() {
        try {
            return configured.get() >= 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !configured.isCompletedExceptionally();
        } catch (ExecutionException e) {
            return true; // it may have got half-way: removing it is harmless
        }
    }

    /** How long the CHANGE MASTER took, once {@link #await} returned true. */
    long tookMs() {
        return configured.join();
    }
}
