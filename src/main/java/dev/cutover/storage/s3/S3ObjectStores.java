package dev.cutover.storage.s3;

/** Opens {@link S3ObjectStore}s. Each store has its own SDK client (connection pool, retry state); close it. */
public final class S3ObjectStores {

    private S3ObjectStores() {
    }

    public static S3ObjectStore open(S3Settings settings) {
        return new S3ObjectStore(S3Clients.build(settings), settings);
    }
}
