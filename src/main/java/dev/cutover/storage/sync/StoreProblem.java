package dev.cutover.storage.sync;

import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * A store of a sync that cannot be used, told as a tired engineer needs it: which connection,
 * what failed, what to check. Never a Java class name; the stack trace stays in the service log.
 *
 * @param connection the runbook connection's name, e.g. {@code assets-s3}
 * @param failure    {@code connection-refused}, {@code unknown-host}, {@code timed-out},
 *                   {@code access-denied}, {@code no-such-bucket} or {@code store-failed}
 * @param detail     one sentence: the connection, the store and what failed
 * @param check      what to check
 */
record StoreProblem(String connection, String failure, String detail, String check) {

    /** True when the runbook names something that is not there (a fix of the runbook), not an outage. */
    boolean namesSomethingMissing() {
        return "no-such-bucket".equals(failure);
    }

    /** Detail and check in one text, for a step's failure and the event log. */
    String sentence() {
        return detail + " " + check;
    }

    /**
     * @param connection its name in the runbook
     * @param store      where the store points, e.g. {@code s3://acme-assets/}
     * @param endpoint   the connection's endpoint setting, if any (names the host that refused)
     */
    static StoreProblem of(String connection, String store, String endpoint, Throwable failure) {
        String at = "Connection '" + connection + "' (" + store + (endpoint == null ? "" : " at " + endpoint) + ")";
        Reason reason = reason(failure);
        if (find(failure, UnknownHostException.class) != null || mentions(failure, "unknownhost", "name or service not known",
                "nodename nor servname")) {
            return new StoreProblem(connection, "unknown-host", at + ": unknown host, the endpoint's host name does "
                    + "not resolve.", "Check the endpoint setting of '" + connection + "' and this host's DNS.");
        }
        if (find(failure, ConnectException.class) != null || mentions(failure, "connection refused")) {
            return new StoreProblem(connection, "connection-refused", at + ": connection refused, nothing answers "
                    + "at that address.", "Check the endpoint's host and port, that the store is up, and that no "
                    + "firewall blocks this host.");
        }
        if (find(failure, SocketTimeoutException.class) != null || mentions(failure, "timed out", "timeout")) {
            return new StoreProblem(connection, "timed-out", at + ": the store did not answer in time.",
                    "Check the network path (firewall, proxy, VPC endpoint) from this host to the store.");
        }
        if (reason == Reason.PERMISSION) {
            return new StoreProblem(connection, "access-denied", at + ": access denied.", "Check the credentials of '"
                    + connection + "' (accessKeyId/secretAccessKey, the credentials file or the default credentials) "
                    + "and that they may list, read and write this bucket.");
        }
        if (reason == Reason.NOT_FOUND) {
            return new StoreProblem(connection, "no-such-bucket", at + ": no such bucket.", "Check the bucket name "
                    + "in the step's with: and that the bucket exists in that project or region.");
        }
        return new StoreProblem(connection, "store-failed", at + " failed: " + plain(failure) + ".",
                "Check that the store is reachable and healthy; the service log has the details.");
    }

    /**
     * Lists the store's first object: the cheapest request that shows the store answers, the
     * credentials are accepted and the bucket exists.
     *
     * @throws Unusable naming the connection when it does not
     */
    static void check(String connection, dev.cutover.storage.ObjectStore store, String endpoint) {
        try (java.util.stream.Stream<dev.cutover.storage.StoredObject> first = store.list("", null)) {
            first.findFirst();
        } catch (RuntimeException failure) {
            throw new Unusable(of(connection, store.describe(), endpoint, failure), failure);
        }
    }

    /**
     * True when the failure says nothing answers at the store's address (connection refused, unknown host):
     * every other request to it would fail the same way, after the same retries.
     */
    static boolean unreachable(Throwable failure) {
        return find(failure, UnknownHostException.class) != null || find(failure, ConnectException.class) != null
                || mentions(failure, "connection refused", "unknownhost", "name or service not known");
    }

    /**
     * A store that stopped answering in the middle of a run: the problem as {@link #of} tells it, with the
     * store client's own words (they name the address that refused).
     */
    static Unusable wentAway(String connection, String store, Throwable failure) {
        StoreProblem problem = of(connection, store, null, failure);
        return new Unusable(new StoreProblem(problem.connection(), problem.failure(),
                problem.detail().replaceFirst("\\.$", "") + " (" + plain(failure) + ").",
                "The run stopped; its last checkpoint stands. " + problem.check()
                        + " Once the store answers, restart the step: the run resumes from its checkpoint."), failure);
    }

    /** Why a run failed, in words: a store's failure as {@link #of} tells it, anything else by its message. */
    static String reasonOf(Throwable failure) {
        Unusable unusable = find(failure, Unusable.class);
        if (unusable != null) {
            return unusable.getMessage();
        }
        ObjectStoreException store = find(failure, ObjectStoreException.class);
        if (store == null) {
            return plain(failure);
        }
        return plain(store) + switch (store.reason()) {
            case PERMISSION -> " (access denied: check the connection's credentials)";
            case NOT_FOUND -> " (not found: check the bucket and prefix of the step)";
            case THROTTLED, TRANSIENT -> " (the store kept failing after retries: check its health and the network)";
            default -> "";
        };
    }

    /** A failure's own words, without the class names Java puts in front of causes. */
    static String plain(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return "an unexpected failure";
        }
        String line = message.lines().findFirst().orElse(message).trim();
        // "java.net.ConnectException: Connection refused" and the like, as chained messages say it
        line = line.replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ?", "");
        return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
    }

    private static Reason reason(Throwable failure) {
        ObjectStoreException store = find(failure, ObjectStoreException.class);
        return store == null ? Reason.OTHER : store.reason();
    }

    private static boolean mentions(Throwable failure, String... words) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = (t.getClass().getSimpleName() + " " + t.getMessage()).toLowerCase(Locale.ROOT);
            for (String word : words) {
                if (text.contains(word)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** Thrown before a run starts when one of its stores cannot be used. */
    static final class Unusable extends RuntimeException {
        private final StoreProblem problem;

        Unusable(StoreProblem problem, Throwable cause) {
            super(problem.sentence(), cause);
            this.problem = problem;
        }

        StoreProblem problem() {
            return problem;
        }
    }
}
