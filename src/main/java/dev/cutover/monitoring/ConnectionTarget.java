package dev.cutover.monitoring;

import dev.cutover.runbook.RunbookConnection;
import dev.cutover.runbook.SecretReferences;
import dev.cutover.runbook.UnresolvableSecretException;
import java.net.URI;
import java.util.Optional;

/**
 * Where a runbook connection is reached, for a cheap reachability probe: a TCP connect to the host
 * and port its settings name ({@code url}, {@code uri}, {@code endpoint}, {@code server}), or the
 * cloud API endpoint its type implies (GCS, S3 and CloudWatch by region, Route 53), or, for a
 * {@code filesystem} store, its root directory. A TCP connect proves the network path and the
 * listener, not credentials or privileges: that is the preflight's job, which is too heavy to run
 * every 30 seconds.
 *
 * @param host     the host to connect to; null for a directory or when nothing can be probed
 * @param shown    what the health answer may show of the target: {@code host:port}, or a note when the
 *                 host comes from a secret reference (then it is not shown at all)
 * @param directory the directory of a {@code filesystem} connection; null otherwise
 * @param problem  why the connection cannot be probed; null when it can
 */
record ConnectionTarget(String host, int port, String shown, String directory, String problem) {

    private static final String FROM_SECRET = "(from a secret reference, not shown)";

    static ConnectionTarget of(RunbookConnection connection) {
        try {
            return derive(connection);
        } catch (UnresolvableSecretException e) {
            return unprobed("a secret reference in its address does not resolve in the service's environment");
        } catch (RuntimeException e) {
            // Never the exception text: it may quote a resolved setting.
            return unprobed("its settings do not name a reachable address");
        }
    }

    private static ConnectionTarget derive(RunbookConnection connection) {
        String type = connection.type();
        if ("filesystem".equals(type)) {
            return setting(connection, "root").map(root -> new ConnectionTarget(null, 0,
                    secret(connection, "root") ? FROM_SECRET : root, root, null))
                    .orElse(unprobed("no root"));
        }
        for (String name : new String[] {"url", "uri", "endpoint"}) {
            Optional<String> value = setting(connection, name);
            if (value.isPresent()) {
                return fromUrl(value.get(), secret(connection, name), type);
            }
        }
        Optional<String> server = setting(connection, "server");
        if (server.isPresent()) {
            int port = setting(connection, "port").map(String::trim).map(Integer::parseInt).orElse(53);
            return tcp(server.get().trim(), port, secret(connection, "server"));
        }
        String region = setting(connection, "region").orElse("us-east-1").trim();
        return switch (type) {
            case "gcs" -> tcp("storage.googleapis.com", 443, false);
            case "s3" -> tcp("s3." + region + ".amazonaws.com", 443, false);
            case "cloudwatch" -> tcp("monitoring." + region + ".amazonaws.com", 443, false);
            case "route53" -> tcp("route53.amazonaws.com", 443, false);
            default -> unprobed("no url, uri, endpoint or server setting to probe");
        };
    }

    /** {@code jdbc:mysql://h:p/db}, {@code mongodb://user:pw@h1:p,h2/...}, {@code http(s)://h:p/...}: the first host. */
    private static ConnectionTarget fromUrl(String raw, boolean secret, String type) {
        String url = raw.trim();
        if (url.startsWith("jdbc:")) {
            url = url.substring("jdbc:".length());
        }
        if (url.startsWith("mongodb+srv:")) {
            return unprobed("a mongodb+srv URI names its hosts in DNS SRV records; not probed");
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return unprobed("its address is not a URL");
        }
        String schemeName = url.substring(0, scheme).toLowerCase(java.util.Locale.ROOT);
        String rest = url.substring(scheme + 3);
        int end = firstOf(rest, "/?#");
        String authority = end < 0 ? rest : rest.substring(0, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);  // drop user:password@
        String first = authority.split(",")[0];
        URI parsed = URI.create("probe://" + first);
        if (parsed.getHost() == null) {
            return unprobed("its address has no host");
        }
        int port = parsed.getPort() > 0 ? parsed.getPort() : defaultPort(schemeName, type);
        return tcp(parsed.getHost(), port, secret);
    }

    private static int defaultPort(String scheme, String type) {
        return switch (scheme) {
            case "https" -> 443;
            case "http" -> "prometheus".equals(type) ? 9090 : 80;
            case "mysql", "mariadb" -> 3306;
            case "mongodb" -> 27017;
            default -> 443;
        };
    }

    private static int firstOf(String text, String chars) {
        int found = -1;
        for (char c : chars.toCharArray()) {
            int at = text.indexOf(c);
            if (at >= 0 && (found < 0 || at < found)) {
                found = at;
            }
        }
        return found;
    }

    private static ConnectionTarget tcp(String host, int port, boolean secret) {
        return new ConnectionTarget(host, port, secret ? FROM_SECRET : host + ":" + port, null, null);
    }

    private static ConnectionTarget unprobed(String why) {
        return new ConnectionTarget(null, 0, null, null, why);
    }

    private static Optional<String> setting(RunbookConnection connection, String name) {
        return Optional.ofNullable(connection.settings().get(name)).map(SecretReferences::resolve)
                .filter(value -> !value.isBlank());
    }

    private static boolean secret(RunbookConnection connection, String name) {
        String raw = connection.settings().get(name);
        return raw != null && SecretReferences.containsReference(raw);
    }
}
