package dev.cutover.cutover;

import dev.cutover.cutover.state.FallbackSnapshotRepository;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The fallback snapshots a cutover's steps took, for the go/no-go and for whoever must restore one. */
@RestController
class SnapshotsController {

    private final CutoverTransitions transitions;
    private final FallbackSnapshotRepository snapshots;

    SnapshotsController(CutoverTransitions transitions, FallbackSnapshotRepository snapshots) {
        this.transitions = transitions;
        this.snapshots = snapshots;
    }

    /** The answer: every snapshot of the cutover, oldest first. */
    record SnapshotsAnswer(String cutoverId, List<FallbackSnapshot> snapshots) {
    }

    @GetMapping("/api/cutovers/{id}/snapshots")
    @Operation(summary = "Fallback snapshots of the cutover",
            description = "Every snapshot a mysql-snapshot or mongo-snapshot step of the cutover took: where the object "
                    + "lies (store connection, bucket, key), its size and CRC32C, the source position it is consistent "
                    + "with, and the restore check's result (passed, failed or not-run) with a one-line detail. The "
                    + "service never deletes a snapshot.")
    SnapshotsAnswer snapshots(@PathVariable String id) {
        transitions.require(id);
        return new SnapshotsAnswer(id, snapshots.find(id));
    }
}
