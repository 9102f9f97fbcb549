package dev.cutover.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import dev.cutover.testsupport.net.FaultyLink;
import dev.cutover.testsupport.net.PrivateMariaDb;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The {@code command} freeze strategy with a real iptables rule, as the seed's freeze was: an
 * application host ({@link FaultyLink#clientAddress()}) writes to a MariaDB of the test's own
 * behind a link; the runbook's freeze rejects that host's packets to port 3306 inside the
 * namespace (the orchestrator's own connection, from the other host address, still gets through),
 * the step's verification sees the write position stand still while the application's writes are
 * refused, and the rollback's undo deletes the rule so writes land again. A freeze whose rule
 * misses the writers (wrong port) is caught by that same verification.
 */
class CommandFreezeWithIptablesTests extends ServiceTest {

    private static FaultyLink link;
    private static PrivateMariaDb database;

    private ApplicationWriter writer;

    @BeforeAll
    static void database() throws IOException {
        long began = System.nanoTime();
        link = FaultyLink.create();
        database = PrivateMariaDb.start(link, 101, "");
        database.sql("CREATE DATABASE shop; CREATE TABLE shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40));");
        System.out.printf("CommandFreezeWithIptablesTests: link and private MariaDB up in %d ms%n",
                (System.nanoTime() - began) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        if (database != null) {
            database.close();
        }
        if (link != null) {
            link.close();
        }
    }

    @BeforeEach
    void startWriter() throws IOException {
        Files.writeString(RUNBOOKS.work().resolve("nf-freeze-password"), PrivateMariaDb.PASSWORD);
        writer = new ApplicationWriter(database.jdbcUrl("shop"), link.clientAddress());
        writer.start();
        writer.awaitWrites(3);
    }

    @AfterEach
    void stopWriter() throws InterruptedException {
        writer.stop();
    }

    @Test
    void anIptablesFreezeRefusesTheApplicationsWritesIsVerifiedAndItsUndoLetsThemIn() {
        String rule = "INPUT -s " + link.clientAddress().getHostAddress() + " -p tcp --dport 3306 -j REJECT --reject-with tcp-reset";
        addRunbook("nf-freeze.yaml", runbook("nf-freeze", rule));
        String id = createCutover("nf-freeze");
        api.post("operator", "/api/cutovers/" + id + "/phases/freeze/start", null);
        JsonNode frozen = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 60);
        assertThat(frozen.path("state").asString()).as(frozen.toString()).isEqualTo("COMPLETED");
        JsonNode step = Api.step(frozen, "freeze-writers").path("output");
        assertThat(step.path("summary").asString()).as(step.toString()).contains("write position stood still");
        assertThat(link.runInside("iptables", "-S", "INPUT")).contains("--dport 3306").contains("REJECT");

        int landedWhileFrozen = writer.landed.get();
        int refusedBefore = writer.refused.get();
        Api.sleep(500);
        assertThat(writer.landed.get()).as("application writes that landed during the freeze").isEqualTo(landedWhileFrozen);
        assertThat(writer.refused.get()).as("application writes refused during the freeze").isGreaterThan(refusedBefore);
        assertThat(writer.lastRefusal.get()).as("what the application saw").isNotBlank();

        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
        JsonNode rolledBack = api.awaitCutover(id, c -> "ROLLED_BACK".equals(c.path("state").asString())
                || "FAILED".equals(c.path("state").asString()), 60);
        assertThat(rolledBack.path("state").asString()).as(rolledBack.toString()).isEqualTo("ROLLED_BACK");
        assertThat(link.runInside("iptables", "-S", "INPUT")).as("the rule after the undo").doesNotContain("REJECT");
        writer.awaitWrites(landedWhileFrozen + 3);
    }

    @Test
    void aFreezeWhoseRuleMissesTheWritersFailsItsVerification() {
        // Port 3307: nothing listens there, the writers keep landing on 3306.
        String rule = "INPUT -s " + link.clientAddress().getHostAddress() + " -p tcp --dport 3307 -j REJECT --reject-with tcp-reset";
        addRunbook("nf-freeze-miss.yaml", runbook("nf-freeze-miss", rule));
        String id = createCutover("nf-freeze-miss");
        try {
            api.post("operator", "/api/cutovers/" + id + "/phases/freeze/start", null);
            JsonNode ended = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 60);
            assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("FAILED");
            String events = api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").body().toString();
            assertThat(events).contains("writes still land on orders");
        } finally {
            link.runInside("sh", "-c", "iptables -D " + rule + " || true");
        }
    }

    private String runbook(String name, String rule) {
        String iptables = "ip netns exec " + link.namespace() + " iptables";
        return """
                name: %s
                description: A command freeze with a real iptables rule (CommandFreezeWithIptablesTests)
                environments:
                  local:
                    connections:
                      orders: { type: mysql, url: "%s", user: %s, password: "${file:@WORK@/nf-freeze-password}" }
                phases:
                  - name: freeze
                    steps:
                      - id: freeze-writers
                        type: write-freeze
                        timeout: 1m
                        with: { connection: orders, strategy: command, run: "%s -I %s", undo: "%s -D %s", verifyWindow: 1s }
                """.formatted(name, database.jdbcUrl("shop"), PrivateMariaDb.USER, iptables, rule, iptables, rule);
    }

    /** An application host writing an order every 50 ms, each on a new connection from its own address. */
    private static final class ApplicationWriter {

        final AtomicInteger landed = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicReference<String> lastRefusal = new AtomicReference<>("");
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final String url;
        private final Thread thread;

        ApplicationWriter(String jdbcUrl, InetAddress from) {
            this.url = jdbcUrl + "&localSocketAddress=" + from.getHostAddress();
            this.thread = new Thread(this::write, "application-writer");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }

        void awaitWrites(int count) {
            long deadline = System.currentTimeMillis() + 15_000;
            while (landed.get() < count) {
                assertThat(System.currentTimeMillis()).as("the application did not land %d writes in 15 s (refused %d, "
                        + "last: %s)", count, refused.get(), lastRefusal.get()).isLessThan(deadline);
                Api.sleep(20);
            }
        }

        private void write() {
            while (running.get()) {
                try (Connection connection = DriverManager.getConnection(url, PrivateMariaDb.USER, PrivateMariaDb.PASSWORD)) {
                    connection.createStatement().executeUpdate("INSERT INTO orders (note) VALUES ('from the app')");
                    landed.incrementAndGet();
                } catch (SQLException e) {
                    refused.incrementAndGet();
                    lastRefusal.set(e.getMessage());
                }
                Api.sleep(50);
            }
        }
    }
}
