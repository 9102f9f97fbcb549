package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.integration.jdbc.store.JdbcChannelMessageStore;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.messaging.Message;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A sync whose step asks for partitions, in the one shared service acting as manager and worker:
 * its copy is cut into key spans run as partitions, every object is copied exactly once (per the
 * manifest and the partitions' figures) and the final verification is clean.
 */
class PartitionedSyncTests extends ServiceTest {

    private static final int OBJECTS = 300;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    @Qualifier("partitionRequests")
    QueueChannel partitionRequests;

    @Autowired
    JdbcChannelMessageStore partitionRequestStore;

    @Autowired
    JobRepository jobRepository;

    @Autowired
    LostPartitions lostPartitions;

    @Autowired
    DataSource dataSource;

    @Test
    void aPartitionedFinalSyncCopiesEveryObjectOnceAndVerifiesClean() throws Exception {
        addRunbook("partitioned.yaml", partitionedRunbook("partitioned", "A bucket mapping synced in partitions",
                "partitioned"));
        Path source = RUNBOOKS.work().resolve("partitioned-src/assets");
        for (int i = 0; i < OBJECTS; i++) {
            write(source.resolve(String.format("%s/%03d.bin", i % 2 == 0 ? "img" : "doc", i)), "object " + i);
        }

        Api.Answer started = api.post("operator", "/api/syncs",
                "{\"runbook\":\"partitioned\",\"environment\":\"local\",\"step\":\"final-sync\"}");
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        long runId = started.body().path("run").path("id").asLong();
        JsonNode run = awaitRun(runId).path("run");

        assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("COMPLETED");
        assertThat(run.path("copiedObjects").asLong()).isEqualTo(OBJECTS);
        assertThat(run.path("mismatches").asLong()).isZero();
        JsonNode partitions = api.get("viewer", "/api/syncs/" + runId + "/partitions").body();
        assertThat(partitions.path("partitioned").asBoolean()).isTrue();
        assertThat(partitions.path("partitions")).hasSize(3);
        long objects = 0;
        Set<String> bounds = new HashSet<>();
        for (JsonNode partition : partitions.path("partitions")) {
            assertThat(partition.path("state").asString()).isEqualTo("COMPLETED");
            assertThat(partition.path("objects").asLong()).as(partition.toString()).isPositive();
            assertThat(partition.path("instance").asString()).isNotBlank();
            objects += partition.path("objects").asLong();
            bounds.add(partition.path("upTo").asString(""));
        }
        assertThat(objects).as("objects copied by the partitions together").isEqualTo(OBJECTS);
        assertThat(bounds).hasSize(3);
        try (var copied = Files.walk(RUNBOOKS.work().resolve("partitioned-dst/assets-aws"))) {
            assertThat(copied.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".bin")).count())
                    .isEqualTo(OBJECTS);
        }
        // The next run of the mapping cuts its partitions from the split keys this one kept.
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sync_split_key").query(Long.class).single()).isPositive();
    }

    /**
     * Split keys follow the source as it grows: a full run's plan lists the whole source anyway, and the
     * partitions it cuts next come from that listing, not from the keys a first run kept when the bucket
     * held a tenth of what it holds now (before, every new key fell into the last span: one partition
     * copied nearly everything while the others idled).
     */
    @Test
    void aFullRunCutsItsPartitionsFromTheSourceAsItIsNowNotAsAFirstRunSawIt() throws Exception {
        addRunbook("partitions-follow-growth.yaml", partitionedRunbook("partitions-follow-growth",
                "A partitioned full sync of a growing source", "growth").replace("mode: final", "mode: full"));
        Path source = RUNBOOKS.work().resolve("growth-src/assets");
        for (int i = 0; i < 60; i++) {
            write(source.resolve(String.format("a/%03d.bin", i)), "object " + i);
        }
        assertThat(completedRun("partitions-follow-growth").path("copiedObjects").asLong()).isEqualTo(60);
        for (int i = 0; i < 540; i++) { // the bucket grows tenfold, all of it after the keys the first run saw
            write(source.resolve(String.format("z/%03d.bin", i)), "object " + i);
        }

        JsonNode second = completedRun("partitions-follow-growth");

        assertThat(second.path("copiedObjects").asLong()).isEqualTo(540);
        JsonNode partitions = api.get("viewer", "/api/syncs/" + second.path("id").asLong() + "/partitions").body()
                .path("partitions");
        assertThat(partitions).hasSize(3);
        List<Long> copied = new ArrayList<>();
        partitions.forEach(partition -> copied.add(partition.path("objects").asLong()));
        assertThat(copied).as("objects copied per partition of the grown source: " + partitions)
                .allSatisfy(objects -> assertThat(objects).isBetween(120L, 240L));
    }

    private JsonNode completedRun(String runbook) {
        Api.Answer started = api.post("operator", "/api/syncs",
                "{\"runbook\":\"" + runbook + "\",\"environment\":\"local\",\"step\":\"final-sync\"}");
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        JsonNode run = awaitRun(started.body().path("run").path("id").asLong()).path("run");
        assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("COMPLETED");
        return run;
    }

    /**
     * Taking a request and recording its partition as running commit together: when the recording fails (a
     * database hiccup; a worker killed there is the same rollback) the request stays in the table and is
     * taken again, so the partition runs and the sync ends. Before, the request was deleted as it was taken
     * and the partition stayed STARTING with no worker named: the manager waited for its 24 h timeout.
     */
    @Test
    void aPartitionWhoseRecordingFailedRightAfterItsRequestWasTakenIsTakenAgain() throws Exception {
        addRunbook("partition-record-fails.yaml", partitionedRunbook("partition-record-fails",
                "A partitioned sync whose first partition record fails once", "record-fails"));
        int objects = 60;
        Path source = RUNBOOKS.work().resolve("record-fails-src/assets");
        for (int i = 0; i < objects; i++) {
            write(source.resolve(String.format("k%d/%03d.bin", i % 3, i)), "object " + i);
        }
        FailFirstPartitionRecord.armFrom(jdbc.sql("SELECT COALESCE(MAX(id), 0) + 1 FROM sync_run")
                .query(Long.class).single());
        jdbc.sql("CREATE TRIGGER partition_record_fails_once BEFORE INSERT ON sync_partition FOR EACH ROW CALL '"
                + FailFirstPartitionRecord.class.getName() + "'").update();
        try {
            Api.Answer started = api.post("operator", "/api/syncs",
                    "{\"runbook\":\"partition-record-fails\",\"environment\":\"local\",\"step\":\"final-sync\"}");
            assertThat(started.status()).as(started.text()).isEqualTo(202);
            long runId = started.body().path("run").path("id").asLong();
            JsonNode run = awaitRun(runId).path("run");

            assertThat(FailFirstPartitionRecord.FIRED.get()).as("the recording of a partition failed once").isTrue();
            assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("COMPLETED");
            assertThat(run.path("copiedObjects").asLong()).isEqualTo(objects);
            JsonNode partitions = api.get("viewer", "/api/syncs/" + runId + "/partitions").body().path("partitions");
            assertThat(partitions).hasSize(3);
            partitions.forEach(partition -> assertThat(partition.path("state").asString()).as(partition.toString())
                    .isEqualTo("COMPLETED"));
        } finally {
            jdbc.sql("DROP TRIGGER IF EXISTS partition_record_fails_once").update();
            FailFirstPartitionRecord.armFrom(Long.MAX_VALUE);
        }
    }

    /** H2 trigger: fails the first insert into {@code sync_partition} of a run from the armed id on, once. */
    public static class FailFirstPartitionRecord implements org.h2.api.Trigger {

        static final AtomicLong ARMED_FROM = new AtomicLong(Long.MAX_VALUE);
        static final AtomicBoolean FIRED = new AtomicBoolean();

        static void armFrom(long runId) {
            FIRED.set(false);
            ARMED_FROM.set(runId);
        }

        @Override
        public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
            long armed = ARMED_FROM.get();
            if (((Number) newRow[1]).longValue() >= armed && ARMED_FROM.compareAndSet(armed, Long.MAX_VALUE)) {
                FIRED.set(true);
                throw new SQLException("test: the database failed the record of partition " + newRow[2]);
            }
        }
    }

    /**
     * A request left in the table for an execution that failed meanwhile (its manager died, it was
     * recovered) is taken and dropped: its partition never runs, so it cannot copy for a dead run.
     */
    @Test
    void aRequestLeftForAnExecutionThatFailedIsDroppedNotRun() {
        JobExecution job = execution("stale-" + UUID.randomUUID(), BatchStatus.FAILED);
        StepExecution partition = jobRepository.createStepExecution(PartitionedSync.WORKER_STEP + ":p000", job);

        partitionRequests.send(MessageBuilder.withPayload(
                new StepExecutionRequest(PartitionedSync.WORKER_STEP, partition.getId())).build());
        for (int i = 0; i < 100 && queued() > 0; i++) {
            Api.sleep(50);
        }

        assertThat(queued()).as("the request was taken").isZero();
        assertThat(jobRepository.getStepExecution(partition.getId()).getStatus()).isEqualTo(BatchStatus.STARTING);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sync_partition WHERE step_execution_id = ?").param(partition.getId())
                .query(Long.class).single()).as("no worker started it").isZero();
    }

    /**
     * The allow-list must name the message's own types as well as the request: a store that allows only
     * the request cannot read the message back, and a message it cannot read stays in the table, polled
     * again and again. The service's store reads it back whole.
     */
    @Test
    void aRequestTravelsThroughTheTableAndOnlyNamedTypesAreRead() {
        String group = "allow-list-" + UUID.randomUUID();
        Message<StepExecutionRequest> request = MessageBuilder.withPayload(new StepExecutionRequest("some-step", 42L))
                .setSequenceNumber(1).setSequenceSize(3).setCorrelationId("7:some-step").build();

        partitionRequestStore.addMessageToGroup(group, request);
        Message<?> read = partitionRequestStore.pollMessageFromGroup(group);

        assertThat(read).isNotNull();
        assertThat(read.getPayload()).isInstanceOfSatisfying(StepExecutionRequest.class, payload -> {
            assertThat(payload.getStepExecutionId()).isEqualTo(42L);
            assertThat(payload.getStepName()).isEqualTo("some-step");
        });

        JdbcChannelMessageStore requestOnly = new JdbcChannelMessageStore(dataSource);
        requestOnly.setRegion("cutover-sync");
        requestOnly.setChannelMessageStoreQueryProvider(
                new org.springframework.integration.jdbc.store.channel.H2ChannelMessageStoreQueryProvider());
        requestOnly.addAllowedPatterns("org.springframework.batch.integration.partition.StepExecutionRequest");
        requestOnly.afterPropertiesSet();
        requestOnly.addMessageToGroup(group, request);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> requestOnly.pollMessageFromGroup(group))
                .isInstanceOf(RuntimeException.class);
        partitionRequestStore.removeMessageGroup(group);
    }

    /**
     * A worker killed in the middle of a partition leaves it STARTED; once its lease expired, the partition
     * is failed in the job repository (the manager stops waiting; a resume runs it again).
     */
    @Test
    void aPartitionWhoseWorkerLeaseExpiredIsFailed() {
        String dead = "dead-worker-" + UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO service_instance (id, host, pid, started_at, renewed_at, expires_at)
                VALUES (?, 'elsewhere', 1, ?, ?, ?)""")
                .params(dead, Timestamp.from(Instant.now().minusSeconds(120)), Timestamp.from(Instant.now().minusSeconds(60)),
                        Timestamp.from(Instant.now().minusSeconds(30))).update();
        JobExecution job = execution("lost-" + UUID.randomUUID(), BatchStatus.STARTED);
        StepExecution partition = jobRepository.createStepExecution(PartitionedSync.WORKER_STEP + ":p001", job);
        partition.setStatus(BatchStatus.STARTED);
        jobRepository.update(partition);
        jdbc.sql("""
                INSERT INTO sync_partition (step_execution_id, run_id, name, instance_id, state, started_at)
                VALUES (?, -1, ?, ?, 'RUNNING', ?)""")
                .params(partition.getId(), partition.getStepName(), dead, Timestamp.from(Instant.now())).update();

        lostPartitions.failLost(false);

        StepExecution failed = jobRepository.getStepExecution(partition.getId());
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(failed.getExitStatus().getExitDescription()).contains("lost with worker", dead);
        assertThat(jdbc.sql("SELECT state FROM sync_partition WHERE step_execution_id = ?").param(partition.getId())
                .query(String.class).single()).isEqualTo("FAILED");
    }

    private JobExecution execution(String jobName, BatchStatus status) {
        var parameters = new JobParametersBuilder().addLong(StorageSyncJobConfiguration.RUN_ID, -1L).toJobParameters();
        JobExecution job = jobRepository.createJobExecution(jobRepository.createJobInstance(jobName, parameters),
                parameters, new ExecutionContext());
        job.setStatus(status);
        jobRepository.update(job);
        return job;
    }

    private long queued() {
        return jdbc.sql("SELECT COUNT(*) FROM INT_CHANNEL_MESSAGE").query(Long.class).single();
    }

    private JsonNode awaitRun(long runId) {
        for (int i = 0; i < 300; i++) {
            JsonNode run = api.get("viewer", "/api/syncs/" + runId).body();
            if (!"RUNNING".equals(run.path("run").path("state").asString())) {
                return run;
            }
            Api.sleep(50);
        }
        throw new AssertionError("sync run " + runId + " did not end");
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** A final sync in 3 partitions from {@code @WORK@/<dirs>-src/assets} to {@code @WORK@/<dirs>-dst/assets-aws}. */
    private static String partitionedRunbook(String name, String description, String dirs) {
        return """
                name: %s
                description: %s
                environments:
                  local:
                    connections:
                      src: { type: filesystem, root: "@WORK@/%s-src" }
                      dst: { type: filesystem, root: "@WORK@/%s-dst" }
                phases:
                  - name: data-migration
                    steps:
                      - id: final-sync
                        type: storage-sync
                        owner: devops-lead
                        with: { source: src, sourceBucket: assets, target: dst, targetBucket: assets-aws, mode: final, partitions: 3, concurrency: 4 }
                """.formatted(name, description, dirs, dirs);
    }
}
