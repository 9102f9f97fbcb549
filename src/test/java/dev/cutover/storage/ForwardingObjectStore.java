package dev.cutover.storage;

import java.io.InputStream;
import java.util.Optional;
import java.util.stream.Stream;

/** A test seam: an object store that forwards to another, for subclasses that inject one fault. */
public class ForwardingObjectStore implements ObjectStore {

    protected final ObjectStore delegate;

    public ForwardingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public Stream<StoredObject> list(String prefix, String startAfter) {
        return delegate.list(prefix, startAfter);
    }

    @Override
    public Optional<StoredObject> stat(String key) {
        return delegate.stat(key);
    }

    @Override
    public InputStream open(String key, ByteRange range, String generation) {
        return delegate.open(key, range, generation);
    }

    @Override
    public StoredObject put(String key, InputStream data, long size, PutOptions options) {
        return delegate.put(key, data, size, options);
    }

    @Override
    public StoredObject putStream(String key, InputStream data, PutOptions options) {
        return delegate.putStream(key, data, options);
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
