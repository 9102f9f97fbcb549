package dev.cutover.storage.filesystem;

import dev.cutover.storage.ObjectStores;
import java.nio.file.Path;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Opens {@code type: filesystem} connections. Setting: {@code root}, a directory holding one folder per bucket. */
@Configuration(proxyBeanMethods = false)
class FilesystemStoreOpener {

    @Bean("filesystem")
    ObjectStores.StoreOpener filesystem() {
        return (settings, bucket, prefix) -> {
            Path root = Path.of(settings.apply("root").orElseThrow(() -> new IllegalArgumentException(
                    "a filesystem connection needs the setting 'root' (a directory)")));
            return new FilesystemObjectStore(root.resolve(bucket).resolve(prefix));
        };
    }
}
