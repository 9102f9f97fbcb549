package dev.cutover.storage.filesystem;

import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The object-store contract against a real local directory. */
class FilesystemObjectStoreContractTests extends ObjectStoreContract {

    @Override
    protected ObjectStore newEmptyStore() {
        try {
            return new FilesystemObjectStore(Files.createTempDirectory("fs-store-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
