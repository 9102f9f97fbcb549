package dev.cutover.database.mysql;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a step needs to do on a MySQL or MariaDB server, and which privilege allows it on each
 * flavor. Reading the binlog position and the replica status is tried for real by the preflight
 * (both are read-only); the others change the server, so they are read from {@code SHOW GRANTS}.
 */
enum MySqlNeed {

    READ_POSITION("read the binlog position (SHOW MASTER STATUS)"),
    READ_REPLICA_STATUS("read the replica status (SHOW REPLICA STATUS)"),
    SET_READ_ONLY("set and clear read_only"),
    END_SESSIONS("end the listed users' sessions (KILL CONNECTION)"),
    CHANGE_SOURCE("stop, reset and repoint replication (CHANGE MASTER TO)");

    /** One privilege the need requires: the name a GRANT uses, and what else also allows it. */
    record Privilege(String name, Set<String> alternatives) {
    }

    private final String doing;

    MySqlNeed(String doing) {
        this.doing = doing;
    }

    String doing() {
        return doing;
    }

    /** The privilege named when a read-only probe of this need is refused (error 1227). */
    String probedPrivilege(ServerFlavor flavor) {
        return switch (this) {
            case READ_POSITION -> flavor.mariaDb() ? "BINLOG MONITOR" : "REPLICATION CLIENT";
            case READ_REPLICA_STATUS -> flavor.mariaDb() ? "REPLICA MONITOR" : "REPLICATION CLIENT";
            default -> throw new IllegalStateException(this + " is read from the grants");
        };
    }

    boolean probed() {
        return this == READ_POSITION || this == READ_REPLICA_STATUS;
    }

    /** The privileges to find in the grants; all of them are needed. */
    List<Privilege> privileges(ServerFlavor flavor) {
        // MariaDB 11.0.1 took READ_ONLY ADMIN, CONNECTION ADMIN and REPLICATION SLAVE ADMIN out of SUPER.
        boolean superCovers = !flavor.mariaDb() || !flavor.atLeast(11, 0, 1);
        return switch (this) {
            case SET_READ_ONLY -> List.of(flavor.mariaDb() ? privilege("READ_ONLY ADMIN", superCovers)
                    : privilege("SYSTEM_VARIABLES_ADMIN", true));
            case END_SESSIONS -> List.of(flavor.mariaDb() ? privilege("CONNECTION ADMIN", superCovers)
                    : privilege("CONNECTION_ADMIN", true), new Privilege("PROCESS", Set.of("PROCESS")));
            case CHANGE_SOURCE -> List.of(flavor.mariaDb() ? privilege("REPLICATION SLAVE ADMIN", superCovers)
                    : privilege("REPLICATION_SLAVE_ADMIN", true));
            default -> List.of();
        };
    }

    private static Privilege privilege(String name, boolean orSuper) {
        Set<String> alternatives = new LinkedHashSet<>();
        alternatives.add(name);
        if (orSuper) {
            alternatives.add("SUPER");
        }
        return new Privilege(name, Set.copyOf(alternatives));
    }
}
