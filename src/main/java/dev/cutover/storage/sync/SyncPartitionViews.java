package dev.cutover.storage.sync;

import dev.cutover.storage.PartitionedRuns;
import dev.cutover.storage.SyncRun;
import dev.cutover.storage.plan.KeySpan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

/**
 * The partitions of a partitioned run as the API and the dashboard show them. A partition no worker
 * took yet is WAITING (it has no row yet: its Batch step execution says so); each name shows its latest
 * attempt (a resume runs a failed one again).
 */
@Component
class SyncPartitionViews implements PartitionedRuns {

    private final SyncRunRepository runs;
    private final SyncPartitions partitions;
    private final JobRepository jobRepository;

    SyncPartitionViews(SyncRunRepository runs, SyncPartitions partitions, JobRepository jobRepository) {
        this.runs = runs;
        this.partitions = partitions;
        this.jobRepository = jobRepository;
    }

    @Override
    public Optional<Partitions> ofStep(String cutoverId, String stepId) {
        return runs.latestForStep(cutoverId, stepId)
                .flatMap(run -> runs.spec(run.id()).partitioned() ? Optional.of(of(run, true)) : Optional.empty());
    }

    Partitions of(SyncRun run) {
        return of(run, runs.spec(run.id()).partitioned());
    }

    private Partitions of(SyncRun run, boolean partitioned) {
        Instant now = Instant.now();
        List<PartitionView> views = new ArrayList<>(partitions.of(run.id()).stream()
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
        return new Partitions(run.id(), partitioned, views);
    }
}
