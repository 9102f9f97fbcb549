package dev.cutover.storage.sync;

import java.net.URI;
import java.nio.file.Path;

/**
 * The runbook the partitioned-sync IT and the scale-out bench run: one phase with one final
 * {@code storage-sync} from a directory to an S3 endpoint (S3Mock, or a proxy in front of it), in
 * {@code partitions} partitions.
 */
record PartitionedSyncRunbook(String name, String description, Path sourceRoot, URI s3, String sourceBucket,
                              String targetBucket, int partitions, int concurrency, String timeout) {

    String yaml() {
        return """
                name: %s
                description: %s
                environments:
                  local:
                    connections:
                      src: { type: filesystem, root: "%s" }
                      s3: { type: s3, region: us-east-1, endpoint: "%s", pathStyle: "true", accessKeyId: test,
                            secretAccessKey: test }
                phases:
                  - name: data
                    steps:
                      - id: sync
                        type: storage-sync
                        timeout: %s
                        with: { source: src, sourceBucket: %s, target: s3, targetBucket: %s, mode: final, partitions: %d, concurrency: %d }
                """.formatted(name, description, sourceRoot, s3, timeout, sourceBucket, targetBucket, partitions,
                concurrency);
    }
}
