package dev.cutover.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.database.mysql.ApplicationWriter;
import dev.cutover.dns.RecordSet;
import dev.cutover.dns.RoutedRecordSet;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The end-to-end rehearsal: {@code runbooks/rehearsal.yaml}, as shipped, over the REST API against
 * the local stack (real MariaDB pair, S3Mock and BIND; the GCS fake and the MongoDB stub replica set
 * in this JVM), while an application keeps writing orders and new objects keep landing in the
 * source bucket until the freeze. Every rehearsal takes both fallback snapshots and restore-checks them,
 * and shifts the {@code www} record to AWS in three weighted steps (the Route 53 API stub) before the
 * traffic gate. First a cutover whose shop application starts failing requests
 * during the traffic gate, after promotion, the DNS switch and the shift: the gate fails and the service
 * rolls the cutover back by itself, the shift's rollback making {@code www} one plain record again. Then one that completes, the traffic gate passing on a healthy shop.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RehearsalCutoverTests extends ServiceTest {

    private static RehearsalStack stack;

    @BeforeAll
    static void stack() throws Exception {
        stack = RehearsalStack.start(Files.createTempDirectory("rehearsal-stack-")).seed(120);
        // As shipped, but naming the stack's state directory where a worktree shares another checkout's stack.
        RUNBOOKS.add("rehearsal.yaml", Files.readString(RehearsalStack.runbooks(Files.createTempDirectory("rehearsal-runbooks-"))
                .resolve("rehearsal.yaml")));
    }

    @AfterAll
    static void restore() throws Exception {
        if (stack == null) {
            return;
        }
        try {
            stack.restore();
        } finally {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void anErrorRateRaisedDuringTheTrafficGateRollsTheRehearsalBackBySystemWithNothingLost() throws Exception {
        api.post("operator", "/api/runbooks/reload", "");
        RehearsalDriver driver = new RehearsalDriver(api);
        String id = driver.create();
        JsonNode end;
        try (ApplicationWriter writer = stack.startOrdersWriter(50);
             RehearsalStack.ObjectLander lander = stack.startObjectLander("incoming/rolled-back/", 200)) {
            end = driver.runAll(id, () -> close(lander), () -> {
                // healthy samples first, then the shop fails a fifth of its requests
                Api.sleep(2_000);
                assertThat(stack.shopApplication().errorRate()).isZero();
                stack.shopApplication().errorRate(0.2);
            });
            stack.shopApplication().errorRate(0);

            assertThat(end.path("state").asString()).as(end.toString()).isEqualTo("ROLLED_BACK");
            Thread.sleep(1_000);
            writer.close();
            List<ApplicationWriter.Ack> acks = writer.acks();
            assertThat(acks.stream().filter(a -> a.server().equals("replica"))).as("writes landed on the new primary")
                    .isNotEmpty();
            assertThat(writer.missingOn("source", acks)).as("acknowledged writes missing on the original primary").isZero();
        }
        assertThat(stack.sourceTakesApplicationWrites()).isTrue();
        assertThat(stack.mongo().primary()).isEqualTo("127.0.0.1:" + RehearsalStack.MONGO_FIRST_PORT);
        assertThat(stack.shop("CNAME")).isEmpty();
        RecordSet shop = stack.shop("A").orElseThrow();
        assertThat(shop.values()).containsExactly("192.0.2.30");
        assertThat(shop.ttlSeconds()).as("the TTL lowered ahead of the window is restored too").isEqualTo(3600);
        assertThat(stack.www()).as("the shift's rollback puts the plain record back")
                .containsExactly(RoutedRecordSet.plain(RehearsalStack.WWW_ORIGINAL));
        JsonNode shifted = Api.step(end, "shift-traffic").path("output").path("forward");
        assertThat(shifted.path("state").asString()).as(shifted.toString()).isEqualTo("SUCCEEDED");
        assertThat(shifted.path("summary").asString()).contains("weights gcp 0 / aws 100", "3 steps");
        assertBothSnapshotsRestoreChecked(id);
        assertThat(driver.story(id)).containsSubsequence(
                "operator create succeeded ",
                "system step succeeded preflight",
                "system step succeeded lower-ttl",
                "approver approve succeeded go-no-go",
                "system step succeeded promote-orders",
                "system step succeeded switch-dns",
                "system step succeeded shift-traffic",
                "system step failed traffic-healthy",
                "system rollback accepted ",
                "system rollback succeeded shift-traffic",
                "system rollback succeeded switch-dns",
                "system rollback succeeded promote-catalog",
                "system rollback succeeded promote-orders",
                "system rollback succeeded freeze-orders",
                "system rollback succeeded lower-ttl",
                "system rollback completed ");
        JsonNode accepted = api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").body().path("events")
                .valueStream().filter(e -> "rollback".equals(e.path("action").asString())
                        && "accepted".equals(e.path("outcome").asString())).findFirst().orElseThrow();
        assertThat(accepted.path("actor").asString()).isEqualTo("system");
        assertThat(accepted.path("message").asString()).as("the gate's sample is the reason")
                .contains("traffic-healthy").contains("error-rate");
    }

    @Test
    @Order(2)
    void aFullRehearsalUnderLoadCompletesOnTheTargetWithNothingLost() throws Exception {
        stack.restore();
        api.post("operator", "/api/runbooks/reload", "");
        RehearsalDriver driver = new RehearsalDriver(api);
        String id = driver.create();
        JsonNode completed;
        int landed;
        try (ApplicationWriter writer = stack.startOrdersWriter(50);
             RehearsalStack.ObjectLander lander = stack.startObjectLander("incoming/completed/", 200)) {
            completed = driver.runAll(id, () -> close(lander));
            landed = lander.landed();
            Thread.sleep(1_000);
            writer.close();

            assertThat(completed.path("state").asString()).as(completed.toString()).isEqualTo("COMPLETED");
            List<ApplicationWriter.Ack> acks = writer.acks();
            assertThat(writer.missingOn("replica", acks)).as("acknowledged writes missing on the new primary").isZero();
            assertThat(writer.window("source", "replica", 0).millis()).isBetween(0L, 30_000L);
        }
        assertThat(stack.targetKeys("incoming/completed/")).as("every object that landed before the freeze").hasSize(landed);
        assertThat(stack.targetKeys("logs/")).as("auto-expiring logs left behind").isEmpty();
        JsonNode finalSync = Api.step(completed, "final-sync").path("output").path("evidence");
        assertThat(finalSync.path("mismatches").asLong()).as(finalSync.toString()).isZero();
        assertThat(Api.step(completed, "verify-orders").path("output").path("evidence").path("mismatches").size()).isZero();
        assertThat(Api.stepState(completed, "verify-catalog")).isEqualTo("SUCCEEDED");
        assertThat(stack.shop("CNAME").orElseThrow().values()).containsExactly("shop-alb.aws.example.");
        assertThat(stack.mongo().primary()).isEqualTo("127.0.0.1:" + (RehearsalStack.MONGO_FIRST_PORT + 2));
        assertThat(stack.www()).as("traffic shifted all the way to AWS").containsExactly(
                RoutedRecordSet.weighted(new RecordSet(RehearsalStack.WWW, "CNAME", 60, List.of("shop-alb.aws.example.")),
                        "aws", 100),
                RoutedRecordSet.weighted(RehearsalStack.WWW_ORIGINAL, "gcp", 0));
        JsonNode shift = Api.step(completed, "shift-traffic");
        assertThat(shift.path("state").asString()).as(shift.toString()).isEqualTo("SUCCEEDED");
        assertThat(shift.path("output").path("summary").asString()).contains("weights gcp 0 / aws 100");
        JsonNode gate = Api.step(completed, RehearsalDriver.TRAFFIC_GATE);
        assertThat(gate.path("state").asString()).as(gate.toString()).isEqualTo("SUCCEEDED");
        assertThat(Api.stepState(completed, "preflight")).isEqualTo("SUCCEEDED");
        assertThat(Api.stepState(completed, "snapshot-orders")).isEqualTo("SUCCEEDED");
        assertThat(Api.stepState(completed, "snapshot-catalog")).isEqualTo("SUCCEEDED");
        assertBothSnapshotsRestoreChecked(id);
    }

    /** Issue 13: a rehearsal takes and restore-checks both fallback snapshots, under the freeze. */
    private void assertBothSnapshotsRestoreChecked(String id) {
        JsonNode listed = api.get("viewer", "/api/cutovers/" + id + "/snapshots").body().path("snapshots");
        assertThat(listed.valueStream().map(s -> s.path("stepId").asString() + " " + s.path("kind").asString() + " "
                + s.path("restoreCheck").asString()).toList()).as(listed.toString())
                // taken side by side in a parallel group: in either order
                .containsExactlyInAnyOrder("snapshot-orders mysql passed", "snapshot-catalog mongo passed");
        JsonNode catalog = listed.valueStream().filter(s -> s.path("stepId").asString().equals("snapshot-catalog"))
                .findFirst().orElseThrow();
        assertThat(catalog.path("restoreDetail").asString()).contains("restored on 127.0.0.1:"
                + RehearsalStack.MONGO_SCRATCH_PORT);
    }


    private static void close(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
