package dev.cutover.database.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * An application writing to the test stack's MySQL pair, as the non-admin account: one insert per
 * tick into whichever server it believes is the primary, every acknowledged id recorded. When a
 * write is rejected it records the error (code and message) and tries the other server next — an
 * application whose connection pool fails over. Used by the benchmarks and the rehearsal tests to
 * prove that no acknowledged write is lost and to measure the write-unavailability window.
 */
public final class ApplicationWriter implements Runnable, AutoCloseable {

    public record Ack(long id, String server, long atNanos) {
    }

    public record Rejection(String server, int code, String message, long atNanos) {
    }

    /** The time from the last acknowledged write on one server to the first on the other. */
    public record Window(long millis, long rejections) {
    }

    private final ReplicationPair pair;
    private final String table;
    private final long tickNanos;
    private final List<Ack> acks = new CopyOnWriteArrayList<>();
    private final List<Rejection> rejections = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stop;
    private String target = "source";
    private Connection connection;
    private long started;
    private volatile long ended;

    /** @param table database.table with an auto-increment id and a {@code note} column */
    public ApplicationWriter(ReplicationPair pair, String table, int writesPerSecond) {
        this.pair = pair;
        this.table = table;
        this.tickNanos = 1_000_000_000L / writesPerSecond;
        this.thread = new Thread(this, "application-writer");
        this.thread.setDaemon(true);
    }

    public ApplicationWriter start() {
        thread.start();
        return this;
    }

    @Override
    public void run() {
        started = System.nanoTime();
        long next = started;
        while (!stop) {
            try {
                if (connection == null) {
                    connection = pair.app(target);
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (note) VALUES (?)",
                        Statement.RETURN_GENERATED_KEYS)) {
                    insert.setString(1, "written to " + target);
                    insert.executeUpdate();
                    try (ResultSet keys = insert.getGeneratedKeys()) {
                        keys.next();
                        acks.add(new Ack(keys.getLong(1), target, System.nanoTime()));
                    }
                }
            } catch (SQLException e) {
                rejections.add(new Rejection(target, e.getErrorCode(), String.valueOf(e.getMessage()), System.nanoTime()));
                closeConnection();
                target = "source".equals(target) ? "replica" : "source";
            }
            next += tickNanos;
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
        ended = System.nanoTime();
        closeConnection();
    }

    /** Stops writing and waits for the last write to end. */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(10_000);
    }

    public List<Ack> acks() {
        return new ArrayList<>(acks);
    }

    public List<Rejection> rejections() {
        return new ArrayList<>(rejections);
    }

    /** The window around the first switch from {@code from} to {@code to} after {@code after} (System.nanoTime). */
    public Window window(String from, String to, long after) {
        long lastOld = 0;
        long firstNew = 0;
        for (Ack ack : acks) {
            if (ack.atNanos() < after || firstNew != 0) {
                continue;
            }
            if (ack.server().equals(from)) {
                lastOld = ack.atNanos();
            } else if (ack.server().equals(to)) {
                firstNew = ack.atNanos();
            }
        }
        if (firstNew == 0) {
            return new Window(-1, rejections.size());
        }
        if (lastOld == 0) {
            lastOld = acks.stream().filter(a -> a.server().equals(from) && a.atNanos() < after)
                    .mapToLong(Ack::atNanos).max().orElse(after);
        }
        long start = lastOld;
        long end = firstNew;
        long rejected = rejections.stream().filter(r -> r.atNanos() > start && r.atNanos() < end).count();
        return new Window((firstNew - lastOld) / 1_000_000, rejected);
    }

    /** Rejections after {@code after}, by error code, with one message each: none may be silent. */
    public Map<Integer, String> errorCodes(long after) {
        Map<Integer, String> codes = new TreeMap<>();
        for (Rejection r : rejections) {
            if (r.atNanos() > after) {
                String message = r.message().replaceAll("\\s+", " ");
                codes.putIfAbsent(r.code(), message.length() > 80 ? message.substring(0, 80) : message);
            }
        }
        return codes;
    }

    /** How many of {@code acks} the server ({@code source} or {@code replica}) does not have. */
    public long missingOn(String server, List<Ack> acks) throws SQLException {
        Set<Long> present = new HashSet<>();
        try (Connection admin = pair.admin(server); Statement statement = admin.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id FROM " + table)) {
            while (rs.next()) {
                present.add(rs.getLong(1));
            }
        }
        return acks.stream().filter(ack -> !present.contains(ack.id())).count();
    }

    public double elapsedSeconds() {
        return ((ended == 0 ? System.nanoTime() : ended) - started) / 1e9;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // a killed session is already gone
            }
            connection = null;
        }
    }
}
