package dev.cutover.storage.filesystem;

import dev.cutover.storage.ByteRange;
import dev.cutover.storage.Crc32c;
import dev.cutover.storage.KeyOrder;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A local directory as an object store (also an on-prem source): keys are relative paths with
 * {@code /}. Checksums, user metadata and generations of objects this store wrote live in a
 * hidden sidecar tree ({@code .cutover-meta/}); for files written by others they are derived
 * (CRC32C read from the bytes, generation from size and modification time). Listing walks
 * directories depth-first, each sorted so that the whole walk is in {@link KeyOrder}: memory
 * holds one directory at a time, never the whole tree.
 */
public final class FilesystemObjectStore implements ObjectStore {

    static final String META_DIR = ".cutover-meta";
    private static final String TEMP_PREFIX = ".cutover-tmp-";

    private final Path root;
    private final SidecarMetadata sidecars;

    public FilesystemObjectStore(Path root) {
        try {
            this.root = Files.createDirectories(root).toRealPath();
        } catch (IOException e) {
            throw new ObjectStoreException(Reason.OTHER, "cannot use directory " + root + ": " + e.getMessage(), e);
        }
        this.sidecars = new SidecarMetadata(this.root.resolve(META_DIR));
    }

    @Override
    public String describe() {
        return "file://" + root + "/";
    }

    @Override
    public Stream<StoredObject> list(String prefix, String startAfter) {
        String from = prefix == null ? "" : prefix;
        int slash = from.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(from.substring(0, slash));
        Iterator<Path> files = new SortedWalk(start);
        Iterator<StoredObject> objects = new Iterator<>() {
            private StoredObject next = advance();

            private StoredObject advance() {
                while (files.hasNext()) {
                    String key = keyOf(files.next());
                    if (key.startsWith(from) && (startAfter == null || KeyOrder.compare(key, startAfter) > 0)) {
                        Optional<StoredObject> object = stat(key);
                        if (object.isPresent()) {
                            return object.get();
                        }
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public StoredObject next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                StoredObject current = next;
                next = advance();
                return current;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(objects, Spliterator.ORDERED), false);
    }

    @Override
    public Optional<StoredObject> stat(String key) {
        Path file = fileOf(key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(sidecars.describe(key, file, attributes));
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ObjectStoreException(Reason.OTHER, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String key, ByteRange range, String generation) {
        StoredObject object = stat(key).orElseThrow(() -> new ObjectStoreException(Reason.NOT_FOUND,
                "no object " + key + " in " + describe()));
        if (generation != null && !generation.equals(object.generation())) {
            throw new ObjectStoreException(Reason.PRECONDITION_FAILED, key + " changed: generation "
                    + object.generation() + ", expected " + generation);
        }
        try {
            SeekableByteChannel channel = Files.newByteChannel(fileOf(key));
            if (range == null) {
                return Channels.newInputStream(channel);
            }
            channel.position(range.first());
            return new BoundedInputStream(Channels.newInputStream(channel), range.length());
        } catch (NoSuchFileException absent) {
            throw new ObjectStoreException(Reason.NOT_FOUND, "no object " + key + " in " + describe(), absent);
        } catch (IOException e) {
            throw new ObjectStoreException(Reason.OTHER, "cannot read " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public StoredObject put(String key, InputStream data, long size, PutOptions options) {
        return write(key, data, size, options);
    }

    /** Written straight into a temporary file beside the target, moved into place once complete. */
    @Override
    public StoredObject putStream(String key, InputStream data, PutOptions options) {
        return write(key, data, -1, options == null ? new PutOptions(null, null, null) : options);
    }

    /** @param size the announced size, or -1 when unknown (every byte until the stream ends) */
    private StoredObject write(String key, InputStream data, long size, PutOptions options) {
        Path file = fileOf(key);
        Path temp = null;
        try {
            Files.createDirectories(file.getParent());
            temp = file.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
            Crc32c.Computing computing = new Crc32c.Computing(data);
            try (OutputStream out = Files.newOutputStream(temp)) {
                computing.transferTo(out);
            }
            if (size >= 0 && computing.count() != size) {
                throw new ObjectStoreException(Reason.OTHER, key + ": got " + computing.count() + " bytes, expected " + size);
            }
            if (options.crc32c() != null && !options.crc32c().equals(computing.crc32c())) {
                throw new ObjectStoreException(Reason.CHECKSUM_MISMATCH, key + ": bytes have CRC32C "
                        + computing.crc32c() + ", declared " + options.crc32c() + "; nothing stored");
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            return sidecars.record(key, file, computing.crc32c(), options.metadata());
        } catch (IOException e) {
            throw new ObjectStoreException(Reason.OTHER, "cannot write " + key + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(fileOf(key));
            sidecars.forget(key);
        } catch (IOException e) {
            throw new ObjectStoreException(Reason.OTHER, "cannot delete " + key + ": " + e.getMessage(), e);
        }
    }

    private Path fileOf(String key) {
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root) || key.startsWith(META_DIR) || key.isEmpty()) {
            throw new ObjectStoreException(Reason.OTHER, "key '" + key + "' does not name a file under " + root);
        }
        return file;
    }

    private String keyOf(Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    private static void deleteQuietly(Path temp) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a leftover temp file is skipped by listings
            }
        }
    }

    /**
     * Depth-first walk yielding regular files in key order: each directory's entries are sorted
     * with subdirectories compared as {@code name/}, since every key below them starts so.
     */
    private final class SortedWalk implements Iterator<Path> {

        private final Deque<Iterator<Path>> stack = new ArrayDeque<>();
        private Path next;

        SortedWalk(Path start) {
            if (Files.isDirectory(start)) {
                stack.push(sortedChildren(start));
            }
            next = advance();
        }

        private Path advance() {
            while (!stack.isEmpty()) {
                Iterator<Path> top = stack.peek();
                if (!top.hasNext()) {
                    stack.pop();
                    continue;
                }
                Path candidate = top.next();
                if (Files.isDirectory(candidate)) {
                    stack.push(sortedChildren(candidate));
                } else if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
            return null;
        }

        private Iterator<Path> sortedChildren(Path directory) {
            List<Path> children = new ArrayList<>();
            try (Stream<Path> entries = Files.list(directory)) {
                entries.filter(path -> !isHidden(path)).forEach(children::add);
            } catch (NoSuchFileException gone) {
                return children.iterator();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            children.sort(Comparator.comparing(this::sortName, KeyOrder.UTF8_BINARY));
            return children.iterator();
        }

        private String sortName(Path path) {
            String name = path.getFileName().toString();
            return Files.isDirectory(path) ? name + "/" : name;
        }

        private boolean isHidden(Path path) {
            String name = path.getFileName().toString();
            return name.startsWith(TEMP_PREFIX) || path.equals(root.resolve(META_DIR));
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Path next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Path current = next;
            next = advance();
            return current;
        }
    }
}
