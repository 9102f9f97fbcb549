package dev.cutover.cutover.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What another instance appends reaches this instance's listeners once, even when its id commits
 * after later ones; what this instance appends is not published again. "Another instance" is a row
 * written here with another instance's name, as that instance's EventLog would write it.
 */
class EventLogFollowerTests extends ServiceTest {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    ConfigurableApplicationContext context;
    @Autowired
    PlatformTransactionManager transactions;

    private final List<Long> published = new CopyOnWriteArrayList<>();
    private final ApplicationListener<org.springframework.context.ApplicationEvent> listener = event -> {
        if (event instanceof PayloadApplicationEvent<?> payload
                && payload.getPayload() instanceof EventAppendedElsewhere appended) {
            published.add(appended.event().id());
        }
    };

    @BeforeEach
    void listen() {
        context.addApplicationListener(listener);
    }

    @AfterEach
    void stopListening() {
        context.removeApplicationListener(listener);
    }

    @Test
    void anotherInstancesEventsArePublishedOnceAndALateCommitIsNotLost() throws Exception {
        String cutover = createCutover("walkthrough"); // appended here: never published as from elsewhere
        long ownCreate = jdbc.sql("SELECT MAX(id) FROM cutover_event WHERE cutover_id = ?").param(cutover)
                .query(Long.class).single();

        long first = appendAsPeer(cutover, "first");
        awaitPublished(first);

        CountDownLatch inserted = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        long[] late = new long[1];
        Thread slowTransaction = new Thread(() -> new TransactionTemplate(transactions).executeWithoutResult(status -> {
            late[0] = appendAsPeer(cutover, "late");
            inserted.countDown();
            try {
                commit.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        slowTransaction.start();
        assertThat(inserted.await(10, TimeUnit.SECONDS)).isTrue();
        long after = appendAsPeer(cutover, "after");
        awaitPublished(after);
        Thread.sleep(2 * EventLogFollower.POLL_MILLIS); // the follower reads past the uncommitted id meanwhile

        commit.countDown();
        slowTransaction.join(10_000);
        awaitPublished(late[0]);
        Thread.sleep(2 * EventLogFollower.POLL_MILLIS);

        assertThat(late[0]).as("the late event's id is below the one committed first").isLessThan(after);
        assertThat(published).as("published from elsewhere, in the order they became visible")
                .containsSubsequence(first, after, late[0]).doesNotHaveDuplicates().doesNotContain(ownCreate);
    }

    private long appendAsPeer(String cutoverId, String message) {
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO cutover_event (cutover_id, occurred_at, actor, action, outcome, message, evidence, "
                        + "instance_id) VALUES (?, ?, 'system', 'test', 'noted', ?, '{}', 'peer-x')")
                .params(cutoverId, Timestamp.from(Instant.now()), message).update(key, "id");
        return key.getKey().longValue();
    }

    private void awaitPublished(long id) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 3_000;
        while (!published.contains(id) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(published).as("events published from elsewhere").contains(id);
    }
}
