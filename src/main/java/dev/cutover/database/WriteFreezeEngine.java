package dev.cutover.database;

import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.StepContext;
import java.util.Map;

/**
 * One engine's part of the {@code write-freeze} step (MySQL's {@code read-only}, MongoDB's
 * {@code fsync-lock}): its own freeze and unfreeze, and the write position that proves a freeze
 * holds. The step itself runs the {@code command} strategy and the verification window.
 */
public interface WriteFreezeEngine {

    /** The connection type served: {@code mysql} or {@code mongo}. */
    String connectionType();

    /** The engine's own strategy name, as written under {@code strategy:}. */
    String strategy();

    /** Freezes writes; returns the evidence (what was set, which sessions were ended). */
    Map<String, Object> freeze(ResolvedConnection connection, StepContext context) throws Exception;

    /** Lets writes in again; returns the evidence. */
    Map<String, Object> unfreeze(ResolvedConnection connection, StepContext context) throws Exception;

    /**
     * Where the database's write history ends right now (binlog file and position plus GTIDs,
     * the last oplog entry): equal positions a window apart mean nothing was written.
     */
    WritePosition writePosition(ResolvedConnection connection) throws Exception;

    /**
     * What the server itself says of the engine's freeze (MySQL: {@code @@read_only} and
     * {@code @@super_read_only}), read when the engine's own strategy froze it; empty when the
     * engine has nothing cheap to ask.
     */
    default java.util.Optional<ServerFreezeState> serverSays(ResolvedConnection connection) throws Exception {
        return java.util.Optional.empty();
    }

    /**
     * One session for the verify window's readings: the window needs the server's word and the write
     * position at its start and the position at its end, and inside the write window each session
     * opened and each round trip is time the application cannot write. By default each reading
     * asks {@link #serverSays} and {@link #writePosition} on their own.
     */
    default FreezeWatch watch(ResolvedConnection connection) throws Exception {
        return new FreezeWatch() {
            @Override
            public Reading read() throws Exception {
                return new Reading(serverSays(connection), writePosition(connection));
            }

            @Override
            public void close() {
            }
        };
    }

    /** Reads a frozen database again and again on one session (see {@link #watch}). */
    interface FreezeWatch extends AutoCloseable {

        /** The server's word on the freeze (empty when the engine has nothing cheap to ask) and the write position. */
        Reading read() throws Exception;

        @Override
        void close();
    }

    /** One reading of {@link FreezeWatch}. */
    record Reading(java.util.Optional<ServerFreezeState> serverSays, WritePosition position) {
    }

    /** The server's own word on a freeze: whether it holds, and the switches as read. */
    record ServerFreezeState(boolean frozen, String text, Map<String, Object> evidence) {
    }
}
