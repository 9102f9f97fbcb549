package dev.cutover.storage.sync;

import dev.cutover.storage.PartitionedRuns;
import dev.cutover.storage.SyncRun;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/syncs/{id}/partitions}: the partitions of a partitioned run ({@link SyncPartitionViews}),
 * so that an engineer sees which worker runs which key span and which one is slow.
 */
@RestController
class SyncPartitionsController {

    private final SyncRunRepository runs;
    private final SyncPartitionViews views;

    SyncPartitionsController(SyncRunRepository runs, SyncPartitionViews views) {
        this.runs = runs;
        this.views = views;
    }

    @GetMapping("/api/syncs/{id}/partitions")
    PartitionedRuns.Partitions partitions(@PathVariable long id) {
        SyncRun run = runs.find(id).orElseThrow(() -> {
            ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No sync run with id " + id + ".");
            body.setTitle(HttpStatus.NOT_FOUND.getReasonPhrase());
            return new ErrorResponseException(HttpStatus.NOT_FOUND, body, null);
        });
        return views.of(run);
    }
}
