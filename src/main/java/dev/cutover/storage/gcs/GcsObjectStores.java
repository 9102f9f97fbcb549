package dev.cutover.storage.gcs;

/** Opens {@link GcsObjectStore}s. Each store has its own client (connections, retry state); close it. */
public final class GcsObjectStores {

    private GcsObjectStores() {
    }

    public static GcsObjectStore open(GcsSettings settings) {
        return new GcsObjectStore(GcsClients.build(settings), settings);
    }
}
