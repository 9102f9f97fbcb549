package dev.cutover.database.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.connection.ClusterConnectionMode;
import dev.cutover.testsupport.ServiceTest;
import dev.cutover.testsupport.TestRunbooks;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A new user's MongoDB cutover over REST against the stub replica set: lag gate, fsync-lock
 * freeze, promotion of the AWS member, data check; then a rollback that gives the primary role
 * back to the GCP member. The connection's URI comes from a secret file and never shows.
 */
class MongoCutoverTests extends ServiceTest {

    private StubReplicaSet replicaSet;

    @BeforeEach
    void startReplicaSet() {
        replicaSet = StubReplicaSet.start("rs0", Map.of("cloud", "gcp"), Map.of("cloud", "gcp"), Map.of("cloud", "aws"));
    }

    @AfterEach
    void stopReplicaSet() {
        replicaSet.close();
    }

    @Test
    void runbookPromotesTheAwsMemberWithEvidenceAndRollbackRestoresTheGcpPrimary() throws Exception {
        String gcp = replicaSet.hosts().get(0);
        String aws = replicaSet.hosts().get(2);
        // The URI is a secret: appName stands in for a password the stub cannot check.
        Files.writeString(RUNBOOKS.work().resolve("mongo-uri"), replicaSet.uri() + "&appName=" + TestRunbooks.SECRET);
        RUNBOOKS.add("mongo-cutover.yaml", """
                name: mongo-cutover
                description: Promote the AWS member of the orders replica set
                environments:
                  local:
                    connections:
                      orders-mongo: { type: mongo, uri: "${file:@WORK@/mongo-uri}" }
                phases:
                  - name: catch-up
                    steps:
                      - id: aws-lag-gate
                        type: mongo-lag-gate
                        timeout: 30s
                        with: { connection: orders-mongo, tag: { cloud: aws }, maxLag: 2s, consecutive: 2, interval: 200ms }
                  - name: switch
                    steps:
                      - id: freeze-writes
                        type: write-freeze
                        with: { connection: orders-mongo, strategy: fsync-lock, verifyWindow: 500ms }
                      - id: promote-aws
                        type: mongo-promote
                        timeout: 30s
                        with: { connection: orders-mongo, target: "%s", catchUpWait: 2s, stepDownSecs: 30 }
                      - id: verify-data
                        type: mongo-verify
                        with: { connection: orders-mongo, source: "%s", target: "%s" }
                """.formatted(aws, gcp, aws));
        assertThat(api.post("operator", "/api/runbooks/reload", "").status()).isEqualTo(200);
        try (MongoClient toGcp = direct(gcp); MongoClient toAws = direct(aws)) {
            toGcp.getDatabase("shop").getCollection("orders").insertMany(List.of(new Document("_id", 1), new Document("_id", 2)));

            String id = createCutover("mongo-cutover");
            api.post("operator", "/api/cutovers/" + id + "/phases/catch-up/start", null);
            api.awaitState(id, "READY");
            api.post("operator", "/api/cutovers/" + id + "/phases/switch/start", null);
            JsonNode completed = api.awaitState(id, "COMPLETED");
            assertThat(List.of("freeze-writes", "promote-aws", "verify-data"))
                    .allSatisfy(step -> assertThat(stepState(completed, step)).isEqualTo("SUCCEEDED"));

            String events = api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").text();
            JsonNode gate = gateEvidence(id);
            for (String host : replicaSet.hosts()) {
                assertThat(gate.path("members").path(host).has("lagSeconds")).as("lag of " + host).isTrue();
            }
            assertThat(gate.path("note").asString()).contains("seconds stale");
            assertThat(events).contains("is primary of rs0 (was " + gcp + ")", "collections in 1 database(s) match");

            assertThatThrownBy(() -> toGcp.getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 3)))
                    .isInstanceOf(MongoException.class).extracting(e -> ((MongoException) e).getCode()).isEqualTo(10107);
            toAws.getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 4));
            assertThat(toAws.getDatabase("shop").getCollection("orders").countDocuments()).isEqualTo(3);

            assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
            JsonNode rolledBack = api.awaitState(id, "ROLLED_BACK");
            assertThat(stepState(rolledBack, "promote-aws")).isEqualTo("ROLLED_BACK");
            assertThat(replicaSet.primary()).isEqualTo(gcp);
            toGcp.getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 5));
            assertThat(toGcp.getDatabase("shop").getCollection("orders").countDocuments()).isEqualTo(4);

            String everything = rolledBack + api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").text();
            assertThat(everything).contains("is primary of rs0 again").doesNotContain(TestRunbooks.SECRET);
        }
    }

    private JsonNode gateEvidence(String id) {
        for (JsonNode event : api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").body().path("events")) {
            if ("aws-lag-gate".equals(event.path("stepId").asString()) && "succeeded".equals(event.path("outcome").asString())) {
                return event.path("evidence");
            }
        }
        throw new AssertionError("no evidence of the lag gate");
    }

    private static MongoClient direct(String host) {
        return MongoClients.create(MongoClientSettings.builder()
                .applyToClusterSettings(cluster -> cluster.hosts(List.of(new ServerAddress(host)))
                        .mode(ClusterConnectionMode.SINGLE).serverSelectionTimeout(5, TimeUnit.SECONDS))
                .retryWrites(false).build());
    }

}
