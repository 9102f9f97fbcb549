package dev.cutover.storage.filesystem;

import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import dev.cutover.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Per-object facts the file system cannot hold: CRC32C, user metadata and a generation, stored
 * as a properties file under {@code .cutover-meta/<key>.properties}. A sidecar counts only while
 * the file's size and modification time are those it recorded; otherwise the facts are derived
 * from the file itself (its CRC32C is then read from its bytes).
 */
final class SidecarMetadata {

    private static final String META_PREFIX = "meta.";

    private final Path directory;

    SidecarMetadata(Path directory) {
        this.directory = directory;
    }

    StoredObject record(String key, Path file, String crc32c, Map<String, String> metadata) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        Properties properties = new Properties();
        properties.setProperty("crc32c", crc32c);
        properties.setProperty("generation", UUID.randomUUID().toString());
        properties.setProperty("size", Long.toString(attributes.size()));
        properties.setProperty("modified", Long.toString(attributes.lastModifiedTime().toMillis()));
        metadata.forEach((name, value) -> properties.setProperty(META_PREFIX + name, value));
        Path sidecar = sidecarOf(key);
        Files.createDirectories(sidecar.getParent());
        Path temp = sidecar.resolveSibling(sidecar.getFileName() + ".tmp-" + UUID.randomUUID());
        try (OutputStream out = Files.newOutputStream(temp)) {
            properties.store(out, null);
        }
        Files.move(temp, sidecar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return describe(key, file, attributes);
    }

    StoredObject describe(String key, Path file, BasicFileAttributes attributes) throws IOException {
        Properties sidecar = load(key);
        long modified = attributes.lastModifiedTime().toMillis();
        boolean current = sidecar != null
                && Long.toString(attributes.size()).equals(sidecar.getProperty("size"))
                && Long.toString(modified).equals(sidecar.getProperty("modified"));
        if (!current) {
            return new StoredObject(key, attributes.size(), crc32cOf(file), null, attributes.size() + "-" + modified,
                    attributes.lastModifiedTime().toInstant(), Map.of());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        sidecar.stringPropertyNames().stream().filter(name -> name.startsWith(META_PREFIX))
                .forEach(name -> metadata.put(name.substring(META_PREFIX.length()), sidecar.getProperty(name)));
        return new StoredObject(key, attributes.size(), sidecar.getProperty("crc32c"), null,
                sidecar.getProperty("generation"), attributes.lastModifiedTime().toInstant(), metadata);
    }

    void forget(String key) throws IOException {
        Files.deleteIfExists(sidecarOf(key));
    }

    private Properties load(String key) {
        try (InputStream in = Files.newInputStream(sidecarOf(key))) {
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (NoSuchFileException absent) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path sidecarOf(String key) {
        return directory.resolve(key + ".properties");
    }

    private static String crc32cOf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Crc32c.Computing computing = new Crc32c.Computing(in);
            computing.transferTo(OutputStream.nullOutputStream());
            return computing.crc32c();
        } catch (IOException e) {
            throw new ObjectStoreException(Reason.OTHER, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
