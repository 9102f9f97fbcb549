package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An {@code Idempotency-Key} reserved by a request that never answered (the service crashed or
 * was killed while running it) must not answer 409 forever: the reservation is taken over once
 * its lease has run out, or at once when the instance that held it has restarted since.
 */
class IdempotencyReservationTests extends ServiceTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void aReservationLeftByACrashIsTakenOverAndTheSameKeyWorks() {
        String key = "left-by-a-crash-" + System.nanoTime();
        // What a request that was running when the service died leaves behind: a reservation, no answer.
        jdbc.sql("""
                INSERT INTO idempotent_request (idempotency_key, principal, method, path, created_at)
                VALUES (?, 'operator', 'POST', '/api/runbooks/reload', ?)""")
                .params(key, Timestamp.from(Instant.now().minus(Duration.ofHours(1)))).update();

        Api.Answer answer = api.post("operator", "/api/runbooks/reload", "", key);

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        Api.Answer repeated = api.post("operator", "/api/runbooks/reload", "", key);
        assertThat(repeated.status()).isEqualTo(200);
        assertThat(repeated.replayed()).as("the answer is stored again and replayed").isTrue();
    }

    @Autowired
    IdempotencyFilter filter;

    @Test
    void aReservationOfThisNodesEarlierLifeIsTakenOverAtOnceButALiveOneStillAnswers409() {
        String restarted = "before-a-restart-" + System.nanoTime();
        reserve(restarted, filter.node(), "an-instance-that-has-since-restarted");
        assertThat(api.post("operator", "/api/runbooks/reload", "", restarted).status()).isEqualTo(200);

        String running = "running-elsewhere-" + System.nanoTime();
        reserve(running, "another-node:8080", "alive");
        Api.Answer answer = api.post("operator", "/api/runbooks/reload", "", running);
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.text()).contains("still being processed");
    }

    private void reserve(String key, String node, String instance) {
        Instant now = Instant.now();
        jdbc.sql("""
                INSERT INTO idempotent_request (idempotency_key, principal, method, path, created_at,
                  holder_node, holder_instance, lease_until)
                VALUES (?, 'operator', 'POST', '/api/runbooks/reload', ?, ?, ?, ?)""")
                .params(key, Timestamp.from(now), node, instance, Timestamp.from(now.plus(Duration.ofMinutes(5)))).update();
    }
}
