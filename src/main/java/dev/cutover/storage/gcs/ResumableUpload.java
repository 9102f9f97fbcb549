package dev.cutover.storage.gcs;

import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BlobWriteSession;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobWriteOption;
import dev.cutover.storage.BucketKeys;
import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import dev.cutover.storage.UploadData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.ExecutionException;

/**
 * A resumable upload, streamed: the library sends the bytes in chunks of the configured upload chunk size
 * (one chunk in memory, each chunk retried on its own), and the object appears only when the last chunk,
 * sent on close, finalizes the session. The declared CRC32C goes into the session's metadata with
 * {@code crc32cMatch}, so GCS refuses to finalize bytes that do not have it (400). The adapter computes the
 * CRC32C of everything it read as well and, on a mismatch, never closes the channel: the session is abandoned
 * unfinalized (GCS discards it after a week) and no object appears.
 */
final class ResumableUpload {

    private static final int READ_BUFFER = 256 * 1024;

    private final Storage storage;
    private final BucketKeys keys;

    ResumableUpload(Storage storage, BucketKeys keys) {
        this.storage = storage;
        this.keys = keys;
    }

    StoredObject put(String key, InputStream data, long size, PutOptions options) {
        String where = keys.where(key);
        BlobInfo info = GcsObjectMapping.toBlobInfo(GcsObjectMapping.blobId(keys, key), options, options.crc32c());
        BlobWriteOption[] writeOptions = options.crc32c() == null
                ? new BlobWriteOption[] {BlobWriteOption.disableGzipContent()}
                : new BlobWriteOption[] {BlobWriteOption.disableGzipContent(), BlobWriteOption.crc32cMatch()};
        BlobWriteSession session;
        WritableByteChannel channel;
        Crc32c.Computing read = new Crc32c.Computing(data);
        try {
            session = storage.blobWriteSession(info, writeOptions);
            channel = session.open();
            send(read, channel, size, where);
        } catch (IOException | RuntimeException e) {
            throw GcsErrors.translate(where, e); // the channel is left unclosed: nothing is finalized
        }
        String sent = read.crc32c();
        if (options.crc32c() != null && !options.crc32c().equals(sent)) {
            throw new ObjectStoreException(Reason.CHECKSUM_MISMATCH, where + ": the bytes read have CRC32C " + sent
                    + ", not the declared " + options.crc32c() + "; the upload was abandoned before it was finalized");
        }
        BlobInfo created;
        try {
            channel.close();
            created = session.getResult().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException(Reason.TRANSIENT, where + ": interrupted while finalizing the upload", e);
        } catch (ExecutionException e) {
            throw finalizeFailure(where, e.getCause());
        } catch (IOException | RuntimeException e) {
            throw finalizeFailure(where, e);
        }
        return GcsObjectMapping.toStoredObject(key, created);
    }

    /** Sends {@code size} bytes, or with {@code size} -1 every byte until the data ends. */
    private static void send(InputStream data, WritableByteChannel channel, long size, String where)
            throws IOException {
        byte[] buffer = new byte[(int) (size < 0 ? READ_BUFFER : Math.min(READ_BUFFER, Math.max(size, 1)))];
        for (long sent = 0; size < 0 || sent < size; ) {
            int length;
            if (size < 0) {
                length = data.read(buffer);
                if (length < 0) {
                    return;
                }
            } else {
                length = (int) Math.min(buffer.length, size - sent);
                UploadData.readFully(data, buffer, length, sent, size, where);
            }
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, length);
            while (chunk.hasRemaining()) {
                channel.write(chunk);
            }
            sent += length;
        }
    }

    private static ObjectStoreException finalizeFailure(String where, Throwable e) {
        ObjectStoreException failure = GcsErrors.translate(where, e);
        if (failure.reason() == Reason.CHECKSUM_MISMATCH) {
            // What was read had the declared CRC32C (checked above): GCS received other bytes than were sent.
            return new ObjectStoreException(Reason.TRANSIENT, where + ": GCS received bytes that do not have the"
                    + " declared CRC32C although the bytes sent had it (corrupted on the way; try again): "
                    + failure.getMessage(), e);
        }
        return failure;
    }
}
