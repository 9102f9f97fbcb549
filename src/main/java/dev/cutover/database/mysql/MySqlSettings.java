package dev.cutover.database.mysql;

import dev.cutover.step.ResolvedConnection;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of a {@code type: mysql} connection.
 *
 * <pre>
 * orders-source:
 *   type: mysql
 *   url: jdbc:mysql://10.0.0.5:3306/orders    # or host: + port:
 *   user: cutover
 *   password: ${env:ORDERS_ADMIN_PASSWORD}
 *   replicationUser: replicator               # the account replicas of THIS server log in with
 *   replicationPassword: ${env:REPL_PASSWORD}
 *   replicationHost: 10.0.0.5                 # how other servers reach it (default: the url's host)
 * </pre>
 */
record MySqlSettings(String name, String url, String host, int port, String user, String password,
                     String replicationHost, int replicationPort, Optional<String> replicationUser,
                     Optional<String> replicationPassword) {

    private static final Pattern URL = Pattern.compile("^jdbc:(?:mysql|mariadb)://([^:/?,]+)(?::(\\d+))?.*$");

    static MySqlSettings of(ResolvedConnection connection) {
        if (!"mysql".equals(connection.type())) {
            throw new IllegalArgumentException("connection '" + connection.name() + "' is of type " + connection.type()
                    + ", not mysql");
        }
        return of(connection.name(), connection::setting);
    }

    /** @param setting a setting's value by name, as a runbook connection gives it */
    static MySqlSettings of(String name, Function<String, Optional<String>> setting) {
        Optional<String> url = setting.apply("url");
        String host;
        int port;
        String jdbcUrl;
        if (url.isPresent()) {
            Matcher m = URL.matcher(url.get());
            if (!m.matches()) {
                throw new IllegalArgumentException("connection '" + name
                        + "': url must look like jdbc:mysql://host:3306/database");
            }
            host = m.group(1);
            port = m.group(2) == null ? 3306 : Integer.parseInt(m.group(2));
            jdbcUrl = url.get().replaceFirst("^jdbc:mariadb:", "jdbc:mysql:");
        } else {
            host = setting.apply("host").orElseThrow(() -> new IllegalArgumentException("connection '"
                    + name + "' needs url: (jdbc:mysql://host:port/database) or host:"));
            port = setting.apply("port").map(String::trim).map(Integer::parseInt).orElse(3306);
            jdbcUrl = "jdbc:mysql://" + host + ":" + port + "/" + setting.apply("database").orElse("");
        }
        String user = setting.apply("user").orElseThrow(() -> new IllegalArgumentException("connection '"
                + name + "' needs user:"));
        return new MySqlSettings(name, jdbcUrl, host, port, user, setting.apply("password").orElse(""),
                setting.apply("replicationHost").orElse(host),
                setting.apply("replicationPort").map(String::trim).map(Integer::parseInt).orElse(port),
                setting.apply("replicationUser"), setting.apply("replicationPassword"));
    }

    String address() {
        return host + ":" + port;
    }

    /** The account a replica of this server logs in with; needed to repoint or reverse replication. */
    String requireReplicationUser() {
        return replicationUser.orElseThrow(() -> new IllegalArgumentException("connection '" + name
                + "' needs replicationUser: and replicationPassword: (the account replicas of it log in with)"));
    }
}
