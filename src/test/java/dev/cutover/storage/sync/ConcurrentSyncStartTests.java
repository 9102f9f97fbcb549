package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two engineers pressing "sync" at the same moment without an Idempotency-Key get one run: the
 * second answers 409 naming the running one. The database holds the rule, so it holds across
 * instances too. On the shared service: its runbook joins the others and the counts are of its runs only.
 */
class ConcurrentSyncStartTests extends ServiceTest {

    private static final String RUNBOOK = "concurrent-busy";
    private static final Path WORK = work();

    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void runbook() throws IOException {
        addRunbook(RUNBOOK + ".yaml", Files.readString(WORK.resolve("runbooks/busy.yaml")));
    }

    @Test
    void twoConcurrentIdenticalSyncsStartOneRun() throws Exception {
        assertOneRunOf("/api/syncs", "sync");
    }

    @Test
    void twoConcurrentIdenticalVerificationsStartOneRun() throws Exception {
        assertOneRunOf("/api/syncs/verify", "verify");
    }

    private void assertOneRunOf(String path, String kind) throws Exception {
        awaitNoRunningRun();
        String body = "{\"runbook\":\"" + RUNBOOK + "\",\"environment\":\"local\",\"step\":\"sync\",\"mode\":\"full\"}";
        long before = runs(kind);
        CyclicBarrier together = new CyclicBarrier(2);
        List<CompletableFuture<Api.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    together.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return api.post("operator", path, body);
            }));
        }
        List<Api.Answer> sorted = answers.stream().map(CompletableFuture::join)
                .sorted(Comparator.comparingInt(Api.Answer::status)).toList();
        Api.Answer started = sorted.get(0);
        Api.Answer refused = sorted.get(1);
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        long runId = started.body().path("run").path("id").asLong();
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body().path("runId").asLong()).isEqualTo(runId);
        assertThat(refused.location()).isEqualTo("/api/syncs/" + runId);
        assertThat(refused.body().path("detail").asString()).contains("run " + runId + " of the same mapping is already running").contains("/api/syncs/" + runId);
        assertThat(runs(kind)).isEqualTo(before + 1);
        awaitNoRunningRun();
    }

    private long runs(String kind) {
        return jdbc.sql("SELECT COUNT(*) FROM sync_run WHERE kind = ? AND runbook = ?").param(kind).param(RUNBOOK).query(Long.class).single();
    }

    private void awaitNoRunningRun() {
        for (int i = 0; i < 600; i++) {
            if (jdbc.sql("SELECT COUNT(*) FROM sync_run WHERE state = 'RUNNING' AND runbook = ?").param(RUNBOOK).query(Long.class).single() == 0) {
                return;
            }
            Api.sleep(100);
        }
        throw new AssertionError("a sync run did not end");
    }

    /** A source of 3,000 small objects: a run lasts long enough for the second request to find it running. */
    private static Path work() {
        try {
            Path work = Files.createTempDirectory("concurrent-syncs-");
            Path bucket = Files.createDirectories(work.resolve("src/b"));
            for (int i = 0; i < 3000; i++) {
                Files.writeString(bucket.resolve(String.format("%04d.txt", i)), "object " + i);
            }
            Files.createDirectories(work.resolve("dst/b"));
            Files.createDirectories(work.resolve("runbooks"));
            Files.writeString(work.resolve("runbooks/busy.yaml"), """
                    name: %s
                    description: one mapping two engineers sync at once
                    environments:
                      local:
                        connections:
                          src: { type: filesystem, root: "%s" }
                          dst: { type: filesystem, root: "%s" }
                    phases:
                      - name: data
                        steps:
                          - id: sync
                            type: storage-sync
                            with: { source: src, sourceBucket: b, target: dst, targetBucket: b, mode: full }
                    """.formatted(RUNBOOK, work.resolve("src"), work.resolve("dst")));
            return work;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
