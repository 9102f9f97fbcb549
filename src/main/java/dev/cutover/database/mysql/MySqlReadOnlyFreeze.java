package dev.cutover.database.mysql;

import dev.cutover.database.WriteFreezeEngine;
import dev.cutover.database.WritePosition;
import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.StepContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The MySQL side of {@code write-freeze}: {@code read_only} (and {@code super_read_only} on
 * MySQL 8, so admin accounts stop too), then the open sessions of the listed application users are
 * ended so that no transaction already open can commit afterwards. The write position is the
 * binlog end plus the GTIDs written.
 */
@Component
class MySqlReadOnlyFreeze implements WriteFreezeEngine {

    @Override
    public String connectionType() {
        return "mysql";
    }

    @Override
    public String strategy() {
        return "read-only";
    }

    @Override
    public Map<String, Object> freeze(ResolvedConnection connection, StepContext context) throws Exception {
        List<String> users = context.arguments().list("endSessionsOf");
        try (MySqlServer server = MySqlServer.connect(connection)) {
            long started = System.nanoTime();
            server.setReadOnly(true);
            long readOnlyMs = (System.nanoTime() - started) / 1_000_000;
            List<MySqlServer.Session> ended = server.endSessionsOf(users);
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("server", server.flavor().name());
            evidence.put("readOnly", true);
            evidence.put("superReadOnly", server.flavor().hasSuperReadOnly());
            evidence.put("setReadOnlyMs", readOnlyMs);
            if (!server.flavor().hasSuperReadOnly()) {
                evidence.put("note", "MariaDB has no super_read_only: accounts with READ ONLY ADMIN (SUPER) can still write");
            }
            evidence.put("sessionsEnded", ended.stream().map(s -> s.user() + "@" + s.host() + " #" + s.id()).toList());
            return evidence;
        }
    }

    @Override
    public Map<String, Object> unfreeze(ResolvedConnection connection, StepContext context) throws Exception {
        try (MySqlServer server = MySqlServer.connect(connection)) {
            if (server.replicaStatus().isPresent()) {
                // After a rollback the old source may be a replica again; a replica must stay read-only.
                return Map.of("readOnly", server.readOnlyState().readOnly(), "note", connection.name()
                        + " replicates from another server now, so it stays read-only");
            }
            server.setReadOnly(false);
            return Map.of("readOnly", server.readOnlyState().readOnly());
        }
    }

    @Override
    public java.util.Optional<ServerFreezeState> serverSays(ResolvedConnection connection) throws Exception {
        try (MySqlServer server = MySqlServer.connect(connection)) {
            ReadOnlyState state = server.readOnlyState();
            return java.util.Optional.of(new ServerFreezeState(state.frozen(), state.text(), state.evidence()));
        }
    }

    /** One admin session; each reading is two round trips (binlog status, then switches and GTIDs in one SELECT). */
    @Override
    public FreezeWatch watch(ResolvedConnection connection) throws Exception {
        MySqlServer server = MySqlServer.connect(connection);
        return new FreezeWatch() {
            @Override
            public Reading read() throws Exception {
                MySqlServer.ReadOnlyAndPosition now = server.readOnlyAndPosition();
                ReadOnlyState state = now.readOnly();
                return new Reading(java.util.Optional.of(new ServerFreezeState(state.frozen(), state.text(), state.evidence())),
                        new WritePosition(now.position().text(), now.position().evidence()));
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    @Override
    public WritePosition writePosition(ResolvedConnection connection) throws Exception {
        try (MySqlServer server = MySqlServer.connect(connection)) {
            SourcePosition position = server.sourcePosition();
            return new WritePosition(position.text(), position.evidence());
        }
    }
}
