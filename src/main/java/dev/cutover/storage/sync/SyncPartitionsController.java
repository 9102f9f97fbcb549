package dev.cutover.storage.sync;

import dev.cutover.storage.SyncRun;
import dev.cutover.storage.plan.KeySpan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/syncs/{id}/partitions}: the partitions of a partitioned run, so that an engineer
 * sees which worker runs which key span and which one is slow. Partitions no worker took yet are
 * WAITING; each name shows its latest attempt (a resume runs a failed one again).
 */
@RestController
class SyncPartitionsController {

    /** One partition: its span (after, upTo], who runs it, how far it got and how fast. */
    record PartitionView(String name, String after, String upTo, String instance, String state, long objects,
                         long bytes, long bytesPerSecond, Instant startedAt, Instant endedAt, String message) {
    }

    record Partitions(long runId, boolean partitioned, List<PartitionView> partitions) {
    }

    private final SyncRunRepository runs;
    private final SyncPartitions partitions;
    private final JobRepository jobRepository;

    SyncPartitionsController(SyncRunRepository runs, SyncPartitions partitions, JobRepository jobRepository) {
        this.runs = runs;
        this.partitions = partitions;
        this.jobRepository = jobRepository;
    }

    @GetMapping("/api/syncs/{id}/partitions")
    Partitions partitions(@PathVariable long id) {
        SyncRun run = runs.find(id).orElseThrow(() -> {
            ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No sync run with id " + id + ".");
            body.setTitle(HttpStatus.NOT_FOUND.getReasonPhrase());
            return new ErrorResponseException(HttpStatus.NOT_FOUND, body, null);
        });
        Instant now = Instant.now();
        List<PartitionView> views = new ArrayList<>(partitions.of(id).stream()
                .map(p -> new PartitionView(p.name(), p.after(), p.upTo(), p.instance(), p.state().name(), p.objects(),
                        p.bytes(), p.bytesPerSecond(now), p.startedAt(), p.endedAt(), p.message()))
                .toList());
        Set<String> taken = views.stream().map(PartitionView::name).collect(Collectors.toSet());
        JobExecution job = run.jobExecutionId() == null ? null : jobRepository.getJobExecution(run.jobExecutionId());
        if (job != null) {
            job.getStepExecutions().stream()
                    .filter(step -> step.getStepName().startsWith(PartitionedSync.WORKER_STEP + ":"))
                    .filter(step -> step.getStatus() == BatchStatus.STARTING && !taken.contains(step.getStepName()))
                    .forEach(step -> {
                        KeySpan span = KeySpacePartitioner.span(step.getExecutionContext());
                        views.add(new PartitionView(step.getStepName(), span.after(), span.upTo(), null, "WAITING", 0, 0,
                                0, null, null, null));
                    });
        }
        views.sort(Comparator.comparing(PartitionView::name));
        return new Partitions(id, runs.spec(id).partitioned(), views);
    }
}
