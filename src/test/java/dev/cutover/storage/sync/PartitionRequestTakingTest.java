package dev.cutover.storage.sync;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.MigratedH2;
import dev.cutover.testsupport.MigratedMariaDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.integration.jdbc.store.JdbcChannelMessageStore;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.messaging.Message;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The partition request store as the service configures it, on H2 and on the test stack's MariaDB: a
 * worker takes a request in a transaction that stays open until its partition is recorded
 * ({@link PartitionWorkers}). Meanwhile another worker's poll returns at once (never after waiting for the
 * first's lock) with another request (on H2, which locks every row it read, possibly none), never the
 * same one; and a take rolled back leaves the request in the table for the next poll.
 */
class PartitionRequestTakingTest {

    @Test
    void onH2AnOpenTakeIsSkippedAndARolledBackOneIsTakenAgain() throws Exception {
        takeAroundAnOpenTake(MigratedH2.create().dataSource(), false);
    }

    @Test
    void onMariaDbAnOpenTakeIsSkippedAndARolledBackOneIsTakenAgain() throws Exception {
        takeAroundAnOpenTake(MigratedMariaDb.shared().dataSource(), true);
    }

    /**
     * Two takes interleaved on MariaDB, statement by statement as {@code pollMessageFromGroup} runs them: each
     * selects its own request, and each delete locks only its own row. Spring Integration's own delete read
     * the group through the primary key and waited for the other take's row (two takes deadlocked).
     */
    @Test
    void onMariaDbInterleavedTakesNeitherWaitNorDeadlock() throws Exception {
        DataSource dataSource = MigratedMariaDb.shared().dataSource();
        var queries = PartitionRequestQueries.of(dataSource);
        String group = UUID.randomUUID().toString();
        JdbcClient jdbc = JdbcClient.create(dataSource);
        for (String id : List.of("m1", "m2", "m3")) {
            jdbc.sql("INSERT INTO INT_CHANNEL_MESSAGE (MESSAGE_ID, GROUP_KEY, REGION, CREATED_DATE) VALUES (?, ?, 'r', 1)")
                    .params(id, group).update();
        }
        try (Connection a = openTake(dataSource); Connection b = openTake(dataSource); Connection c = openTake(dataSource)) {
            String tookA = poll(a, queries.getPollFromGroupQuery(), group);
            String tookB = poll(b, queries.getPollFromGroupQuery(), group);
            assertThat(List.of(tookA, tookB)).containsExactly("m1", "m2");

            assertThat(delete(a, queries.getDeleteMessageQuery(), tookA, group)).as("A's delete, not waiting for B").isOne();
            assertThat(poll(c, queries.getPollFromGroupQuery(), group)).as("a third take meanwhile")
                    .isEqualTo("m3");
            assertThat(delete(b, queries.getDeleteMessageQuery(), tookB, group)).as("B's delete, not waiting for A").isOne();
            a.commit();
            b.rollback();
            c.rollback();
        } finally {
            jdbc.sql("DELETE FROM INT_CHANNEL_MESSAGE WHERE GROUP_KEY = ?").param(group).update();
        }
        assertThat(jdbc.sql("SELECT MESSAGE_ID FROM INT_CHANNEL_MESSAGE WHERE GROUP_KEY = ?").param(group)
                .query(String.class).list()).isEmpty();
    }

    /** A connection in a transaction of its own that gives up on a lock after 2 s, not InnoDB's 50. */
    private static Connection openTake(DataSource dataSource) throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET SESSION innodb_lock_wait_timeout = 2");
        }
        return connection;
    }

    private static String poll(Connection connection, String query, String group) throws SQLException {
        var jdbc = new NamedParameterJdbcTemplate(new SingleConnectionDataSource(connection, true));
        List<String> ids = jdbc.query(query.replace("%PREFIX%", "INT_"), Map.of("group_key", group, "region", "r"),
                (row, n) -> row.getString("MESSAGE_ID"));
        return ids.isEmpty() ? null : ids.get(0);
    }

    private static int delete(Connection connection, String query, String id, String group) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(query.replace("%PREFIX%", "INT_"))) {
            delete.setString(1, id);
            delete.setString(2, group);
            delete.setString(3, "r");
            return delete.executeUpdate();
        }
    }

    private static void takeAroundAnOpenTake(DataSource dataSource, boolean nextOneAvailable) throws Exception {
        JdbcChannelMessageStore store = new PartitionedSync().partitionRequestStore(dataSource);
        store.afterPropertiesSet();
        String group = "taking-" + UUID.randomUUID();
        store.addMessageToGroup(group, request(1));
        store.addMessageToGroup(group, request(2));
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        ExecutorService workers = Executors.newFixedThreadPool(2);
        AtomicLong takenFirst = new AtomicLong();
        CountDownLatch taken = new CountDownLatch(1);
        CountDownLatch fail = new CountDownLatch(1);
        try {
            Future<?> first = workers.submit(() -> transactions.executeWithoutResult(status -> {
                takenFirst.set(idOf(store.pollMessageFromGroup(group)));
                taken.countDown();
                awaitQuietly(fail);
                status.setRollbackOnly(); // its partition could not be recorded
            }));
            assertThat(taken.await(10, SECONDS)).as("the first worker took a request").isTrue();

            Future<Long> second = workers.submit(() -> transactions.execute(status -> {
                Message<?> next = store.pollMessageFromGroup(group);
                return next == null ? null : idOf(next);
            }));

            Long secondTook = second.get(5, SECONDS);
            if (nextOneAvailable) {
                assertThat(secondTook).as("the second worker's take, while the first's is open")
                        .isEqualTo(takenFirst.get() == 1 ? 2L : 1L);
            } else { // H2 locked every row the first take read: none this time, and never the same one
                assertThat(secondTook).as("the second worker's take, while the first's is open")
                        .isNotEqualTo(Long.valueOf(takenFirst.get()));
            }
            fail.countDown();
            first.get(10, SECONDS);
            Set<Long> left = new HashSet<>(Set.of(1L, 2L));
            left.remove(secondTook);
            Set<Long> takenAfter = new HashSet<>();
            for (Message<?> next = store.pollMessageFromGroup(group); next != null; next = store.pollMessageFromGroup(group)) {
                takenAfter.add(idOf(next));
            }
            assertThat(takenAfter).as("the requests left, the one whose take rolled back among them")
                    .contains(takenFirst.get()).isEqualTo(left);
        } finally {
            fail.countDown();
            workers.shutdownNow();
            store.removeMessageGroup(group);
        }
    }

    private static Message<StepExecutionRequest> request(long stepExecutionId) {
        return MessageBuilder.withPayload(new StepExecutionRequest(PartitionedSync.WORKER_STEP, stepExecutionId)).build();
    }

    private static long idOf(Message<?> message) {
        assertThat(message).as("a request was taken").isNotNull();
        return ((StepExecutionRequest) message.getPayload()).getStepExecutionId();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
