package dev.cutover.storage.s3;

import dev.cutover.DaemonThreads;
import dev.cutover.storage.BucketKeys;
import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import dev.cutover.storage.UploadData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A multipart upload with a FULL_OBJECT CRC32C: every part carries its own CRC32C (S3 checks each), and
 * CompleteMultipartUpload carries the whole object's, which S3 checks against the parts before the
 * object becomes visible. The adapter also computes the CRC32C of everything it read and aborts before
 * completing if that differs from the declared one, so a mismatch never leaves an object behind.
 * Parts are read into one buffer of {@code partSize} bytes at a time, so a part can be retried by the
 * SDK; memory per upload is one part.
 */
final class MultipartUpload {

    /** S3 allows at most this many parts per upload. */
    static final int MAX_PARTS = 10_000;
    /** Parts of a streamed upload sent at once while the next one is read. */
    static final int PARTS_IN_FLIGHT = 2;
    private static final long MIB = 1024 * 1024;

    private final S3Client s3;
    private final BucketKeys keys;
    private final long partSize;

    MultipartUpload(S3Client s3, BucketKeys keys, long partSize) {
        this.s3 = s3;
        this.keys = keys;
        this.partSize = partSize;
    }

    /** The configured part size, raised (in whole MiB) when the object would need more than 10,000 parts. */
    static long partSizeFor(long size, long configured) {
        long needed = (size + MAX_PARTS - 1) / MAX_PARTS;
        long rounded = (needed + MIB - 1) / MIB * MIB;
        return Math.max(configured, rounded);
    }

    StoredObject put(String key, InputStream data, long size, PutOptions options) {
        Crc32c.Computing read = new Crc32c.Computing(data);
        return upload(key, options, read, (s3Key, uploadId, where) -> uploadParts(s3Key, uploadId, read, size, where));
    }

    /**
     * Every byte of {@code data} until it ends, in parts of {@code partSize}: while up to
     * {@link #PARTS_IN_FLIGHT} parts are being sent, the next one is read, so a slow reader (a dump tool)
     * and the upload overlap. Memory: {@code PARTS_IN_FLIGHT + 1} part buffers. A stream shorter than one
     * part goes up as one PUT instead. The object may grow to 10,000 parts.
     */
    StoredObject putStream(String key, InputStream data, PutOptions options, SinglePartUpload singlePart) {
        String where = keys.where(key);
        byte[] firstBuffer = new byte[(int) partSize];
        Crc32c.Computing read = new Crc32c.Computing(data);
        int first;
        try {
            first = fill(read, firstBuffer, where);
        } catch (RuntimeException e) {
            throw S3Errors.translate(where, e);
        }
        if (first < firstBuffer.length) {
            return singlePart.put(key, new ByteArrayInputStream(firstBuffer, 0, first), first, options);
        }
        return upload(key, options, read, (s3Key, uploadId, ignored) -> {
            ExecutorService senders = Executors.newFixedThreadPool(PARTS_IN_FLIGHT,
                    DaemonThreads.numbered("s3-part-sender-"));
            BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(PARTS_IN_FLIGHT + 1);
            List<Future<CompletedPart>> sent = new ArrayList<>();
            try {
                byte[] buffer = firstBuffer;
                int length = first;
                while (length > 0) {
                    if (sent.size() == MAX_PARTS) {
                        throw new ObjectStoreException(Reason.OTHER, where + ": the stream is longer than " + MAX_PARTS
                                + " parts of " + partSize + " bytes; raise partSize of the connection");
                    }
                    int number = sent.size() + 1;
                    byte[] part = buffer;
                    int partLength = length;
                    sent.add(senders.submit(() -> {
                        try {
                            return uploadPart(s3Key, uploadId, number, part, partLength);
                        } finally {
                            free.add(part);
                        }
                    }));
                    if (partLength < part.length) {
                        break;
                    }
                    buffer = sent.size() <= PARTS_IN_FLIGHT ? new byte[(int) partSize] : nextFree(free, sent);
                    length = fill(read, buffer, where);
                }
                List<CompletedPart> parts = new ArrayList<>();
                for (Future<CompletedPart> part : sent) {
                    parts.add(result(part));
                }
                return parts;
            } finally {
                senders.shutdownNow();
            }
        });
    }

    /** A buffer whose part was sent; fails as soon as a part failed instead of waiting on the others. */
    private static byte[] nextFree(BlockingQueue<byte[]> free, List<Future<CompletedPart>> sent) {
        try {
            while (true) {
                byte[] buffer = free.poll(100, TimeUnit.MILLISECONDS);
                if (buffer != null) {
                    return buffer;
                }
                for (Future<CompletedPart> part : sent) {
                    if (part.isDone()) {
                        result(part);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException(Reason.TRANSIENT, "interrupted while uploading parts", e);
        }
    }

    private static CompletedPart result(Future<CompletedPart> part) {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException(Reason.TRANSIENT, "interrupted while uploading parts", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Uploads the parts of one upload and returns them in order. */
    @FunctionalInterface
    private interface Parts {
        List<CompletedPart> upload(String s3Key, String uploadId, String where);
    }

    private StoredObject upload(String key, PutOptions options, Crc32c.Computing read, Parts uploader) {
        String where = keys.where(key);
        String s3Key = keys.name(key);
        String contentType = options.contentType() == null ? SinglePartUpload.CONTENT_TYPE : options.contentType();
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(r -> r.bucket(keys.bucket()).key(s3Key)
                    .contentType(contentType)
                    .metadata(options.metadata())
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                    .checksumType(ChecksumType.FULL_OBJECT)).uploadId();
        } catch (RuntimeException e) {
            throw S3Errors.translate(where, e);
        }
        try {
            List<CompletedPart> parts = uploader.upload(s3Key, uploadId, where);
            String sent = read.crc32c();
            if (options.crc32c() != null && !options.crc32c().equals(sent)) {
                throw new ObjectStoreException(Reason.CHECKSUM_MISMATCH, where + ": the bytes read had CRC32C "
                        + sent + ", not the declared " + options.crc32c() + "; upload aborted before completing");
            }
            String fullObjectCrc32c = options.crc32c() != null ? options.crc32c() : sent;
            CompleteMultipartUploadResponse done = s3.completeMultipartUpload(r -> r.bucket(keys.bucket()).key(s3Key)
                    .uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts))
                    .checksumType(ChecksumType.FULL_OBJECT)
                    .checksumCRC32C(fullObjectCrc32c));
            return S3ObjectMapping.afterPut(key, read.count(), fullObjectCrc32c, done.eTag(), null,
                    SinglePartUpload.serverTime(done.sdkHttpResponse()), options.metadata());
        } catch (RuntimeException e) {
            ObjectStoreException failure = S3Errors.translate(where, e);
            abort(s3Key, uploadId, failure);
            if (failure.reason() == Reason.CHECKSUM_MISMATCH && !(e instanceof ObjectStoreException)) {
                // Each part's CRC32C was computed from the very buffer sent, and the whole object's was
                // compared with what was read before completing: S3 received other bytes than were sent.
                throw new ObjectStoreException(Reason.TRANSIENT, where + ": S3 received bytes that do not have the"
                        + " CRC32C they were sent with (corrupted on the way; upload aborted, try again): "
                        + failure.getMessage(), e);
            }
            throw failure;
        }
    }

    /** Reads into {@code buffer} until it is full or the data ends; returns how many bytes it holds. */
    private static int fill(InputStream data, byte[] buffer, String where) {
        int filled = 0;
        try {
            while (filled < buffer.length) {
                int n = data.read(buffer, filled, buffer.length - filled);
                if (n < 0) {
                    break;
                }
                filled += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(where + ": reading the data to upload failed: " + e.getMessage(), e);
        }
        return filled;
    }

    private List<CompletedPart> uploadParts(String s3Key, String uploadId, InputStream data, long size, String where) {
        long thisPartSize = partSizeFor(size, partSize);
        byte[] buffer = new byte[(int) Math.min(thisPartSize, size)];
        List<CompletedPart> parts = new ArrayList<>();
        long remaining = size;
        for (int number = 1; remaining > 0; number++) {
            int length = (int) Math.min(thisPartSize, remaining);
            UploadData.readFully(data, buffer, length, size - remaining, size, where);
            parts.add(uploadPart(s3Key, uploadId, number, buffer, length));
            remaining -= length;
        }
        return parts;
    }

    private CompletedPart uploadPart(String s3Key, String uploadId, int partNumber, byte[] buffer, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buffer, 0, length);
        String partCrc32c = Crc32c.encode(crc.getValue());
        UploadPartResponse uploaded = s3.uploadPart(r -> r.bucket(keys.bucket()).key(s3Key).uploadId(uploadId)
                        .partNumber(partNumber)
                        .contentLength((long) length)
                        .checksumCRC32C(partCrc32c),
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length,
                        SinglePartUpload.CONTENT_TYPE));
        return CompletedPart.builder().partNumber(partNumber).eTag(uploaded.eTag()).checksumCRC32C(partCrc32c).build();
    }

    private void abort(String s3Key, String uploadId, ObjectStoreException failure) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(keys.bucket()).key(s3Key).uploadId(uploadId));
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
