package dev.cutover.database.mysql;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The privileges an account holds, read from {@code SHOW GRANTS}: global ones ({@code ON *.*}) and
 * per database ({@code ON `shop`.*}). Names are upper case with MariaDB's and MySQL's aliases
 * folded ({@code SLAVE MONITOR} is {@code REPLICA MONITOR}, {@code REPLICATION SLAVE} is
 * {@code REPLICATION REPLICA}). Roles granted to the account are listed but not expanded.
 */
record MySqlGrants(Set<String> global, Map<String, Set<String>> perDatabase, List<String> roles) {

    private static final Pattern PRIVILEGE_GRANT = Pattern.compile("^GRANT (.+?) ON (\\S+) TO .*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern ROLE_GRANT = Pattern.compile("^GRANT (\\S+) TO .*$", Pattern.CASE_INSENSITIVE);
    private static final Map<String, String> ALIASES = Map.of(
            "SLAVE MONITOR", "REPLICA MONITOR",
            "REPLICATION SLAVE", "REPLICATION REPLICA",
            "ALL", "ALL PRIVILEGES");

    static MySqlGrants parse(List<String> lines) {
        Set<String> global = new HashSet<>();
        Map<String, Set<String>> perDatabase = new HashMap<>();
        List<String> roles = new java.util.ArrayList<>();
        for (String line : lines) {
            Matcher grant = PRIVILEGE_GRANT.matcher(line.trim());
            if (grant.matches()) {
                Set<String> privileges = privileges(grant.group(1));
                String on = grant.group(2).replace("`", "").replace("\"", "");
                if (on.equals("*.*")) {
                    global.addAll(privileges);
                } else if (on.endsWith(".*")) {
                    perDatabase.computeIfAbsent(on.substring(0, on.length() - 2).toLowerCase(Locale.ROOT),
                            db -> new HashSet<>()).addAll(privileges);
                }
                continue;
            }
            Matcher role = ROLE_GRANT.matcher(line.trim());
            if (role.matches() && !line.toUpperCase(Locale.ROOT).startsWith("GRANT PROXY")) {
                roles.add(role.group(1));
            }
        }
        return new MySqlGrants(Set.copyOf(global), Map.copyOf(perDatabase), List.copyOf(roles));
    }

    /** Splits {@code SELECT, INSERT (a, b), BINLOG MONITOR} into names, column lists dropped. */
    private static Set<String> privileges(String list) {
        Set<String> names = new HashSet<>();
        for (String part : list.replaceAll("\\([^)]*\\)", "").split(",")) {
            String name = part.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            if (!name.isEmpty()) {
                names.add(ALIASES.getOrDefault(name, name));
            }
        }
        return names;
    }

    /** True when the account holds one of {@code alternatives} on every database ({@code *.*}). */
    boolean holdsGlobally(Set<String> alternatives) {
        return global.contains("ALL PRIVILEGES") || alternatives.stream().anyMatch(global::contains);
    }

    /** True when the account may use {@code privilege} on the database, globally or on it. */
    boolean holdsOn(String database, String privilege) {
        if (holdsGlobally(Set.of(privilege))) {
            return true;
        }
        Set<String> onDatabase = perDatabase.getOrDefault(database.toLowerCase(Locale.ROOT), Set.of());
        return onDatabase.contains("ALL PRIVILEGES") || onDatabase.contains(privilege);
    }
}
