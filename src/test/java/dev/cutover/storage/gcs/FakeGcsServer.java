package dev.cutover.storage.gcs;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Map.entry;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A <b>fake</b> of the Google Cloud Storage JSON API, for tests on machines where no real GCS server
 * (fake-gcs-server in Docker) can run. It serves what {@code google-cloud-storage} (HTTP transport) and
 * rclone's GCS backend use: bucket metadata (with a lifecycle rule) and bucket listing; object listing with
 * prefix, delimiter, start/end offsets and paging, in UTF-8 byte order; object metadata with a real CRC32C and
 * MD5; media download (also under {@code /download/}) with {@code Range}; media, multipart and resumable uploads
 * (declared {@code crc32c}/{@code md5Hash}/{@code x-goog-hash} verified, gzip request bodies inflated); delete;
 * rewrite (server-side copy, done in one call); {@code generation} and {@code if(Meta)Generation(Not)Match} preconditions; GCS-shaped JSON errors.
 * Anything else answers 501 naming the method and path, and is logged.
 * <p>
 * Not modelled: credentials, ACLs, object versions (only the live generation is kept), metageneration
 * changes, composite objects, {@code fields} projections (full resources are always returned).
 * <p>
 * Object bytes live on the heap, or in files under the directory given to {@link #FakeGcsServer(Path)}
 * (for benchmark-sized data). Test hooks: fixtures ({@link #put}, {@link #get}, {@link #delete}),
 * {@link #failNextRequests} fault injection, {@link #omitCrc32c}, and {@link #requestCount}.
 */
public final class FakeGcsServer implements AutoCloseable {

    static {
        System.setProperty("sun.net.httpserver.nodelay", "true"); // read once, when the JDK's server first loads
    }

    /** What a request asked for, as counted by {@link #requestCount}. */
    public enum RequestKind { BUCKET, LIST, GET_METADATA, GET_MEDIA, UPLOAD, DELETE, REWRITE, UNKNOWN }

    private static final Logger log = LoggerFactory.getLogger(FakeGcsServer.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Comparator<String> UTF8_ORDER = FakeGcsServer::compareUtf8;
    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final String PRECONDITION_FAILED = "At least one of the pre-conditions you specified did not hold.";
    private static final Map<Integer, String> ERROR_REASONS = Map.of(400, "invalid", 404, "notFound",
            412, "conditionNotMet", 416, "requestedRangeNotSatisfiable", 429, "rateLimitExceeded",
            501, "notImplemented", 503, "backendError");

    private final Path dataDir;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong(System.currentTimeMillis() * 1000);
    private final Map<RequestKind, LongAdder> counters = new EnumMap<>(RequestKind.class);
    private final List<Fault> faults = new ArrayList<>();
    private HttpServer server;
    private ExecutorService executor;

    /** A fake keeping object bytes on the heap. */
    public FakeGcsServer() {
        this(null);
    }

    /** A fake keeping object bytes in files under {@code dataDir} (on the heap when {@code null}). */
    public FakeGcsServer(Path dataDir) {
        this.dataDir = dataDir;
        Stream.of(RequestKind.values()).forEach(kind -> counters.put(kind, new LongAdder()));
    }

    public FakeGcsServer start() {
        return start(0);
    }

    /** Listens on {@code port} of 127.0.0.1 (0: any free port), e.g. a fixed one a runbook names. */
    public FakeGcsServer start(int port) {
        server = unchecked(() -> HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128));
        executor = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "fake-gcs");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    /** The root URL, e.g. {@code http://127.0.0.1:40123}: the Java client's host; rclone's endpoint adds {@code /storage/v1/}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    // ---- fixtures and test hooks ----

    public void createBucket(String name) {
        buckets.putIfAbsent(name, new Bucket(name));
    }

    /** Gives the bucket a lifecycle rule that deletes objects older than {@code days} days. */
    public void setLifecycleDeleteAfterDays(String bucket, int days) {
        fixtureBucket(bucket).lifecycleDeleteAfterDays.set(days);
    }

    /** Stores an object as a new generation and returns that generation. */
    public long put(String bucket, String key, byte[] data, Map<String, String> metadata) {
        Sink sink = newSink();
        sink.write(data, 0, data.length);
        Spec spec = new Spec(key, "application/octet-stream", metadata == null ? Map.of() : metadata, null, null);
        return commit(fixtureBucket(bucket), spec, sink, Map.of()).generation;
    }

    /** The object's bytes, or {@code null} when absent. */
    public byte[] get(String bucket, String key) {
        StoredObject o = fixtureBucket(bucket).objects.get(key);
        return o == null ? null : unchecked(() -> {
            try (InputStream in = o.open(0)) {
                return in.readAllBytes();
            }
        });
    }

    public boolean delete(String bucket, String key) {
        StoredObject old = fixtureBucket(bucket).objects.remove(key);
        discard(old);
        return old != null;
    }

    /** Serves the object without {@code crc32c}, in its metadata and its {@code x-goog-hash} header. */
    public void omitCrc32c(String bucket, String key) {
        fixtureBucket(bucket).objects.computeIfPresent(key, (k, o) -> o.withoutCrc32c());
    }

    /** The next {@code count} requests of any kind answer {@code status} with a GCS error body. */
    public void failNextRequests(int count, int status) {
        failNextRequests(null, count, status);
    }

    /** The next {@code count} requests of {@code kind} ({@code null}: any kind) answer {@code status}. */
    public void failNextRequests(RequestKind kind, int count, int status) {
        synchronized (faults) {
            faults.add(new Fault(kind, status, new AtomicInteger(count)));
        }
    }

    /** Requests received of that kind, injected failures included. */
    public long requestCount(RequestKind kind) {
        return counters.get(kind).sum();
    }

    private Bucket fixtureBucket(String name) {
        Bucket b = buckets.get(name);
        if (b == null) {
            throw new IllegalArgumentException("No bucket '" + name + "' in the fake: call createBucket first");
        }
        return b;
    }

    // ---- HTTP ----

    /** A request resolved against the API's paths. */
    private record Route(RequestKind kind, String bucket, String object, String toBucket, String toObject) {
        static final Route UNKNOWN = new Route(RequestKind.UNKNOWN, null, null, null, null);

        Route(RequestKind kind, String bucket, String object) {
            this(kind, bucket, object, null, null);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            Map<String, String> query = parseQuery(ex.getRequestURI().getRawQuery());
            Route route = resolve(method, ex.getRequestURI().getRawPath(), query);
            counters.get(route.kind).increment();
            log.trace("{} {} ({})", method, ex.getRequestURI(), route.kind);
            try {
                Integer injected = takeFault(route.kind);
                if (injected != null) {
                    throw new GcsError(injected, "Injected failure for " + method + " " + ex.getRequestURI());
                }
                serve(ex, route, query);
            } catch (GcsError e) {
                if (e.code == 501) {
                    log.warn("{}", e.getMessage());
                }
                drain(ex);
                sendError(ex, e);
            } catch (RuntimeException | IOException e) {
                log.warn("FakeGcsServer failed on {} {}", method, ex.getRequestURI(), e);
                drain(ex);
                sendError(ex, new GcsError(500, String.valueOf(e)));
            }
        }
    }

    /** Object names come %-encoded in one segment; segments are %-decoded as UTF-8 ({@code +} stays a plus). */
    private static Route resolve(String method, String rawPath, Map<String, String> q) {
        List<String> p = Stream.of(rawPath.split("/", -1)).skip(1).map(FakeGcsServer::percentDecode).toList();
        String media = !p.isEmpty() && (p.get(0).equals("upload") || p.get(0).equals("download")) ? p.get(0) : "";
        int base = media.isEmpty() ? 0 : 1;
        if (p.size() < base + 3 || !p.subList(base, base + 3).equals(List.of("storage", "v1", "b"))) {
            return Route.UNKNOWN;
        }
        List<String> r = p.subList(base + 3, p.size()); // bucket, "o", object name...
        String bucket = r.isEmpty() ? null : r.get(0);
        boolean objects = r.size() >= 2 && r.get(1).equals("o");
        String object = r.size() > 2 ? String.join("/", r.subList(2, r.size())) : null;
        boolean get = method.equals("GET");
        if (media.equals("upload")) {
            return objects && object == null && !get ? new Route(RequestKind.UPLOAD, bucket, null) : Route.UNKNOWN;
        } else if (media.equals("download")) {
            return objects && object != null && get ? new Route(RequestKind.GET_MEDIA, bucket, object) : Route.UNKNOWN;
        } else if (r.size() <= 1) {
            return get ? new Route(RequestKind.BUCKET, bucket, null) : Route.UNKNOWN; // bucket null: list buckets
        } else if (!objects) {
            return Route.UNKNOWN;
        } else if (object == null) {
            return get ? new Route(RequestKind.LIST, bucket, null) : Route.UNKNOWN;
        }
        int to = r.indexOf("rewriteTo");
        return switch (method) {
            case "GET" -> new Route("media".equals(q.get("alt")) ? RequestKind.GET_MEDIA : RequestKind.GET_METADATA,
                    bucket, object);
            case "DELETE" -> new Route(RequestKind.DELETE, bucket, object);
            case "POST" -> to > 2 && r.size() > to + 3 && r.get(to + 1).equals("b") && r.get(to + 3).equals("o")
                    ? new Route(RequestKind.REWRITE, bucket, String.join("/", r.subList(2, to)), r.get(to + 2),
                            String.join("/", r.subList(to + 4, r.size())))
                    : Route.UNKNOWN;
            default -> Route.UNKNOWN;
        };
    }

    private void serve(HttpExchange ex, Route route, Map<String, String> q) throws IOException {
        switch (route.kind) {
            case BUCKET -> sendJson(ex, 200, route.bucket != null ? bucketResource(bucket(route.bucket))
                    : Map.of("kind", "storage#buckets", "items", buckets.values().stream()
                            .sorted(Comparator.comparing(b -> b.name)).map(this::bucketResource).toList()));
            case LIST -> sendJson(ex, 200, list(bucket(route.bucket), q));
            case GET_METADATA -> sendJson(ex, 200, resource(readable(bucket(route.bucket), route.object, q, true)));
            case GET_MEDIA -> sendMedia(ex, readable(bucket(route.bucket), route.object, q, true));
            case DELETE -> {
                Bucket b = bucket(route.bucket);
                StoredObject old;
                synchronized (b) {
                    readable(b, route.object, q, false);
                    old = b.objects.remove(route.object);
                }
                discard(old);
                ex.sendResponseHeaders(204, -1);
            }
            case REWRITE -> rewrite(ex, route, q);
            case UPLOAD -> upload(ex, bucket(route.bucket), q);
            default -> throw new GcsError(501, "FakeGcsServer does not implement " + ex.getRequestMethod() + " "
                    + ex.getRequestURI().getRawPath());
        }
    }

    private Map<String, Object> list(Bucket b, Map<String, String> q) {
        String prefix = q.getOrDefault("prefix", "");
        String delimiter = q.getOrDefault("delimiter", "").isEmpty() ? null : q.get("delimiter");
        String end = q.get("endOffset");
        String last = q.containsKey("pageToken") ? new String(Base64.getUrlDecoder().decode(q.get("pageToken")), UTF_8) : null;
        int max = q.containsKey("maxResults") ? Math.max(1, Math.min(1000, Integer.parseInt(q.get("maxResults")))) : 1000;
        String from = Stream.of(prefix, q.get("startOffset"), last).filter(s -> s != null).max(UTF8_ORDER).orElseThrow();
        List<Object> items = new ArrayList<>();
        Set<String> prefixes = new LinkedHashSet<>();
        String next = null;
        for (StoredObject o : b.objects.tailMap(from, true).values()) {
            if (!o.name.startsWith(prefix) || (end != null && UTF8_ORDER.compare(o.name, end) >= 0)) {
                break; // keys sharing the prefix are contiguous in this order
            }
            int cut = delimiter == null ? -1 : o.name.indexOf(delimiter, prefix.length());
            String entry = cut < 0 ? o.name : o.name.substring(0, cut + delimiter.length());
            if (last != null && UTF8_ORDER.compare(entry, last) <= 0) {
                continue; // answered on an earlier page, or rolled up into a prefix already answered
            }
            if (items.size() + prefixes.size() == max) {
                next = last;
                break;
            }
            if (cut < 0) {
                items.add(resource(o));
            } else {
                prefixes.add(entry);
            }
            last = entry;
        }
        Map<String, Object> answer = new TreeMap<>(Map.of("kind", "storage#objects"));
        if (next != null) {
            answer.put("nextPageToken", Base64.getUrlEncoder().encodeToString(next.getBytes(UTF_8)));
        }
        if (!prefixes.isEmpty()) {
            answer.put("prefixes", prefixes);
        }
        if (!items.isEmpty()) {
            answer.put("items", items);
        }
        return answer;
    }

    private void sendMedia(HttpExchange ex, StoredObject o) throws IOException {
        long start = 0;
        long end = o.size - 1;
        int status = 200;
        Headers h = ex.getResponseHeaders();
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=") && o.size > 0) {
            String[] ab = range.substring(6).split(",")[0].trim().split("-", 2);
            if (ab[0].isEmpty()) {
                start = Math.max(0, o.size - Long.parseLong(ab[1])); // suffix: the last n bytes
            } else {
                start = Long.parseLong(ab[0]);
                end = ab[1].isEmpty() ? end : Math.min(end, Long.parseLong(ab[1]));
            }
            if (start >= o.size || start > end) {
                throw new GcsError(416, "The requested range cannot be satisfied.");
            }
            status = 206;
            h.set("Content-Range", "bytes " + start + "-" + end + "/" + o.size);
        }
        h.set("Content-Type", o.contentType);
        h.set("ETag", o.etag());
        h.set("x-goog-generation", Long.toString(o.generation));
        h.set("x-goog-metageneration", "1");
        h.set("x-goog-stored-content-length", Long.toString(o.size));
        h.set("x-goog-stored-content-encoding", "identity");
        if (o.crc32c != null) {
            h.add("x-goog-hash", "crc32c=" + o.crc32c);
        }
        h.add("x-goog-hash", "md5=" + o.md5);
        long length = end - start + 1;
        ex.sendResponseHeaders(status, length == 0 ? -1 : length);
        try (InputStream in = o.open(start); OutputStream out = ex.getResponseBody()) {
            byte[] buffer = new byte[64 * 1024];
            for (long left = length; left > 0; ) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("Object ended " + left + " bytes early");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    /** Server-side copy; {@code ifGenerationMatch} applies to the target, {@code ifSourceGenerationMatch} to the source. */
    private void rewrite(HttpExchange ex, Route route, Map<String, String> q) throws IOException {
        Map<String, String> sourceQuery = new HashMap<>();
        if (q.containsKey("sourceGeneration")) {
            sourceQuery.put("generation", q.get("sourceGeneration"));
        }
        if (q.containsKey("ifSourceGenerationMatch")) {
            sourceQuery.put("ifGenerationMatch", q.get("ifSourceGenerationMatch"));
        }
        StoredObject source = readable(bucket(route.bucket), route.object, sourceQuery, false);
        Spec spec = Spec.of(readJson(body(ex).readAllBytes()), route.toObject, source.contentType, null);
        Sink sink = newSink();
        try (InputStream in = source.open(0)) {
            in.transferTo(sink);
        }
        StoredObject copy = commit(bucket(route.toBucket),
                spec.metadata.isEmpty() ? spec.withMetadata(source.metadata) : spec, sink, q);
        sendJson(ex, 200, Map.of("kind", "storage#rewriteResponse", "totalBytesRewritten", Long.toString(copy.size),
                "objectSize", Long.toString(copy.size), "done", true, "resource", resource(copy)));
    }

    private void upload(HttpExchange ex, Bucket b, Map<String, String> q) throws IOException {
        if (q.containsKey("upload_id")) {
            resumableChunk(ex, q.get("upload_id"));
            return;
        }
        Headers headers = ex.getRequestHeaders();
        String xGoogHash = String.join(",", headers.getOrDefault("x-goog-hash", List.of()));
        switch (q.getOrDefault("uploadType", "")) {
            case "media" -> {
                Sink sink = newSink();
                body(ex).transferTo(sink);
                Spec spec = Spec.of(Map.of(), q.get("name"), headers.getFirst("Content-Type"), xGoogHash);
                sendJson(ex, 200, resource(commit(b, spec, sink, q)));
            }
            case "multipart" -> {
                List<String[]> parts = multipart(body(ex).readAllBytes(), headers.getFirst("Content-Type"));
                if (parts.size() != 2) {
                    throw new GcsError(400, "Multipart upload needs a metadata part and a media part, got " + parts.size());
                }
                Matcher type = Pattern.compile("(?im)^content-type:\\s*(.+?)\\s*$").matcher(parts.get(1)[0]);
                Spec spec = Spec.of(readJson(parts.get(0)[1].getBytes(ISO_8859_1)), q.get("name"),
                        type.find() ? type.group(1) : null, xGoogHash);
                Sink sink = newSink();
                byte[] media = parts.get(1)[1].getBytes(ISO_8859_1);
                sink.write(media, 0, media.length);
                sendJson(ex, 200, resource(commit(b, spec, sink, q)));
            }
            case "resumable" -> {
                Spec spec = Spec.of(readJson(body(ex).readAllBytes()), q.get("name"),
                        headers.getFirst("X-Upload-Content-Type"), xGoogHash);
                synchronized (b) {
                    checkPreconditions(b.objects.get(spec.requireName()), q, false);
                }
                String id = UUID.randomUUID().toString();
                uploads.put(id, new Upload(b, spec, Map.copyOf(q), newSink(), new AtomicReference<>()));
                ex.getResponseHeaders().set("Location", endpoint() + "/upload/storage/v1/b/" + percentEncode(b.name)
                        + "/o?uploadType=resumable&upload_id=" + id);
                ex.sendResponseHeaders(200, -1);
            }
            default -> throw new GcsError(400, "Unsupported uploadType '" + q.get("uploadType") + "'");
        }
    }

    /** A PUT (Java) or POST (Go) into a session, {@code Content-Range: bytes a-b/total}, {@code a-b/*} or {@code *}{@code /total}. */
    private void resumableChunk(HttpExchange ex, String id) throws IOException {
        Upload u = uploads.get(id);
        if (u == null) {
            throw new GcsError(404, "No such upload session: " + id);
        }
        synchronized (u) {
            InputStream body = body(ex);
            if (u.result.get() != null) {
                body.transferTo(OutputStream.nullOutputStream());
                sendJson(ex, 200, resource(u.result.get()));
                return;
            }
            Matcher range = Pattern.compile("bytes (\\*|(\\d+)-\\d+)/(\\*|\\d+)")
                    .matcher(String.valueOf(ex.getRequestHeaders().getFirst("Content-Range")));
            long total = range.matches() && !range.group(3).equals("*") ? Long.parseLong(range.group(3)) : -1;
            if (range.matches() && range.group(2) != null) {
                long first = Long.parseLong(range.group(2));
                if (first > u.sink.size) {
                    throw new GcsError(400, "Chunk starts at " + first + " but " + u.sink.size + " bytes are persisted");
                }
                body.skipNBytes(u.sink.size - first); // bytes sent again after a retry
            }
            body.transferTo(u.sink);
            if (total >= 0 && u.sink.size >= total) {
                try {
                    if (u.sink.size > total) {
                        throw new GcsError(400, "Received " + u.sink.size + " bytes, more than the total " + total);
                    }
                    u.result.set(commit(u.bucket, u.spec, u.sink, u.query));
                } catch (RuntimeException e) {
                    uploads.remove(id);
                    throw e;
                }
                sendJson(ex, 200, resource(u.result.get()));
                return;
            }
            if (u.sink.size > 0) {
                ex.getResponseHeaders().set("Range", "bytes=0-" + (u.sink.size - 1));
            }
            if ("yes".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-GUploader-No-308"))) {
                ex.getResponseHeaders().set("X-Http-Status-Code-Override", "308"); // Go's client reads 308 as a redirect
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(308, -1);
            }
        }
    }

    // ---- objects ----

    private Bucket bucket(String name) {
        Bucket b = buckets.get(name);
        if (b == null) {
            throw new GcsError(404, "The specified bucket does not exist.");
        }
        return b;
    }

    /** The live object, checked against {@code generation} and the preconditions. */
    private static StoredObject readable(Bucket b, String name, Map<String, String> q, boolean read) {
        StoredObject o = b.objects.get(name);
        if (o == null || (q.containsKey("generation") && Long.parseLong(q.get("generation")) != o.generation)) {
            throw new GcsError(404, "No such object: " + b.name + "/" + name);
        }
        checkPreconditions(o, q, read);
        return o;
    }

    /** An absent object has generation 0, so {@code ifGenerationMatch=0} means "only if absent", as on GCS. */
    private static void checkPreconditions(StoredObject current, Map<String, String> q, boolean read) {
        long generation = current == null ? 0 : current.generation;
        String match = q.get("ifGenerationMatch");
        String notMatch = q.get("ifGenerationNotMatch");
        String metaMatch = q.get("ifMetagenerationMatch");
        if ((match != null && Long.parseLong(match) != generation)
                || (metaMatch != null && (current == null || Long.parseLong(metaMatch) != 1))) {
            throw new GcsError(412, PRECONDITION_FAILED);
        }
        if (notMatch != null && Long.parseLong(notMatch) == generation) {
            throw new GcsError(read ? 304 : 412, PRECONDITION_FAILED);
        }
    }

    /** Verifies declared checksums, then preconditions, and stores the sink's bytes as a new generation. */
    private StoredObject commit(Bucket b, Spec spec, Sink sink, Map<String, String> q) {
        sink.finish();
        try {
            String name = spec.requireName();
            if (spec.crc32c != null && !spec.crc32c.equals(sink.crc32c)) {
                throw new GcsError(400, "Provided CRC32C \"%s\" doesn't match calculated CRC32C \"%s\"."
                        .formatted(spec.crc32c, sink.crc32c));
            }
            if (spec.md5 != null && !spec.md5.equals(sink.md5)) {
                throw new GcsError(400, "Provided MD5 hash \"%s\" doesn't match calculated MD5 hash \"%s\"."
                        .formatted(spec.md5, sink.md5));
            }
            StoredObject stored;
            StoredObject old;
            synchronized (b) {
                checkPreconditions(b.objects.get(name), q, false);
                stored = new StoredObject(b.name, name, generations.incrementAndGet(), spec.contentType,
                        Map.copyOf(spec.metadata), sink.size, sink.md5, sink.crc32c, Instant.now(), sink.bytes, sink.file);
                old = b.objects.put(name, stored);
            }
            discard(old);
            return stored;
        } catch (RuntimeException e) {
            deleteFile(sink.file);
            throw e;
        }
    }

    private static void discard(StoredObject o) {
        if (o != null) {
            deleteFile(o.file); // a reader still streaming the file keeps its open descriptor
        }
    }

    private static void deleteFile(Path file) {
        if (file != null) {
            unchecked(() -> Files.deleteIfExists(file));
        }
    }

    private Sink newSink() {
        return unchecked(() -> new Sink(dataDir == null ? null : Files.createTempFile(dataDir, "object-", ".bin")));
    }

    private Map<String, Object> resource(StoredObject o) {
        String path = "/b/" + percentEncode(o.bucket) + "/o/" + percentEncode(o.name);
        Map<String, Object> m = new TreeMap<>(Map.ofEntries(entry("kind", "storage#object"),
                entry("id", o.bucket + "/" + o.name + "/" + o.generation),
                entry("selfLink", endpoint() + "/storage/v1" + path),
                entry("mediaLink", endpoint() + "/download/storage/v1" + path + "?generation=" + o.generation + "&alt=media"),
                entry("name", o.name), entry("bucket", o.bucket), entry("generation", Long.toString(o.generation)),
                entry("metageneration", "1"), entry("contentType", o.contentType), entry("storageClass", "STANDARD"),
                entry("size", Long.toString(o.size)), entry("md5Hash", o.md5), entry("etag", o.etag()),
                entry("timeCreated", RFC3339.format(o.created)), entry("updated", RFC3339.format(o.created))));
        if (o.crc32c != null) {
            m.put("crc32c", o.crc32c);
        }
        if (!o.metadata.isEmpty()) {
            m.put("metadata", o.metadata);
        }
        return m;
    }

    private Map<String, Object> bucketResource(Bucket b) {
        Map<String, Object> m = new TreeMap<>(Map.ofEntries(entry("kind", "storage#bucket"), entry("id", b.name),
                entry("name", b.name), entry("selfLink", endpoint() + "/storage/v1/b/" + percentEncode(b.name)),
                entry("projectNumber", "0"), entry("metageneration", "1"), entry("etag", "CAE="),
                entry("location", "US"), entry("locationType", "multi-region"), entry("storageClass", "STANDARD"),
                entry("timeCreated", RFC3339.format(b.created)), entry("updated", RFC3339.format(b.created))));
        Integer days = b.lifecycleDeleteAfterDays.get();
        if (days != null) {
            m.put("lifecycle", Map.of("rule", List.of(
                    Map.of("action", Map.of("type", "Delete"), "condition", Map.of("age", days)))));
        }
        return m;
    }

    private Integer takeFault(RequestKind kind) {
        synchronized (faults) {
            for (Fault f : faults) {
                if (f.kind == null || f.kind == kind) {
                    if (f.remaining.decrementAndGet() <= 0) {
                        faults.remove(f);
                    }
                    return f.status;
                }
            }
            return null;
        }
    }

    // ---- wire helpers ----

    private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sendError(HttpExchange ex, GcsError e) throws IOException {
        if (e.code == 304) {
            ex.sendResponseHeaders(304, -1);
            return;
        }
        String reason = ERROR_REASONS.getOrDefault(e.code, "internalError");
        Map<String, Object> detail = Map.of("message", e.getMessage(), "domain", "global", "reason", reason);
        sendJson(ex, e.code, Map.of("error", Map.of("code", e.code, "message", e.getMessage(), "errors", List.of(detail))));
    }

    /** The request body, inflated when the client compressed it (the Java client gzips uploads by default). */
    private static InputStream body(HttpExchange ex) throws IOException {
        boolean gzip = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"));
        return gzip ? new GZIPInputStream(ex.getRequestBody()) : ex.getRequestBody();
    }

    /** Reads what is left of the request body, so that the connection can be reused. */
    private static void drain(HttpExchange ex) {
        try {
            ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            log.debug("Could not drain the request body", e);
        }
    }

    private static Map<?, ?> readJson(byte[] bytes) {
        Object json = bytes.length == 0 ? null : JSON.readValue(bytes, Object.class);
        return json instanceof Map<?, ?> map ? map : Map.of(); // Go sends "null" as an empty rewrite body
    }

    /** Just enough of multipart/related: each part as {headers, body}, in ISO-8859-1 so bytes survive. */
    private static List<String[]> multipart(byte[] body, String contentType) {
        Matcher boundary = Pattern.compile("boundary=\"?([^\";]+)").matcher(String.valueOf(contentType));
        if (!boundary.find()) {
            throw new GcsError(400, "Multipart upload without a boundary: " + contentType);
        }
        String text = new String(body, ISO_8859_1);
        String delimiter = "--" + boundary.group(1);
        List<String[]> parts = new ArrayList<>();
        for (int at = text.indexOf(delimiter); at >= 0 && !text.startsWith("--", at + delimiter.length()); ) {
            int headersEnd = text.indexOf("\r\n\r\n", at);
            int next = headersEnd < 0 ? -1 : text.indexOf("\r\n" + delimiter, headersEnd + 4);
            if (next < 0) {
                throw new GcsError(400, "Malformed multipart body");
            }
            parts.add(new String[] {text.substring(at + delimiter.length(), headersEnd), text.substring(headersEnd + 4, next)});
            at = next + 2;
        }
        return parts;
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> q = new HashMap<>();
        for (String pair : rawQuery == null ? new String[0] : rawQuery.split("&")) {
            String[] kv = pair.split("=", 2);
            q.putIfAbsent(URLDecoder.decode(kv[0], UTF_8), kv.length < 2 ? "" : URLDecoder.decode(kv[1], UTF_8));
        }
        return q;
    }

    private static String percentDecode(String segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = segment.getBytes(UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            boolean escape = bytes[i] == '%' && i + 2 < bytes.length;
            out.write(escape ? Integer.parseInt(new String(bytes, i + 1, 2, ISO_8859_1), 16) : bytes[i]);
            i += escape ? 2 : 0;
        }
        return out.toString(UTF_8);
    }

    private static String percentEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(UTF_8)) {
            char c = (char) (b & 0xff);
            boolean unreserved = Character.isLetterOrDigit(c) && c < 128 || "-._~".indexOf(c) >= 0;
            out.append(unreserved ? String.valueOf(c) : "%%%02X".formatted(b & 0xff));
        }
        return out.toString();
    }

    /** UTF-8 byte order, which is code point order (unlike {@link String#compareTo}, which compares UTF-16 units). */
    static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private interface IoCall<T> {
        T call() throws Exception;
    }

    private static <T> T unchecked(IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- state ----

    /** Keys in UTF-8 byte order, as GCS lists them. Writes synchronize on the bucket. */
    private record Bucket(String name, Instant created, ConcurrentSkipListMap<String, StoredObject> objects,
                          AtomicReference<Integer> lifecycleDeleteAfterDays) {
        Bucket(String name) {
            this(name, Instant.now(), new ConcurrentSkipListMap<>(UTF8_ORDER), new AtomicReference<>());
        }
    }

    /** One live generation; its bytes are in {@code bytes} (heap) or {@code file}. */
    private record StoredObject(String bucket, String name, long generation, String contentType,
                                Map<String, String> metadata, long size, String md5, String crc32c, Instant created,
                                byte[] bytes, Path file) {

        InputStream open(long offset) throws IOException {
            if (bytes != null) {
                return new ByteArrayInputStream(bytes, (int) offset, bytes.length - (int) offset);
            }
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(offset);
            return in;
        }

        String etag() {
            return Base64.getEncoder().encodeToString(Long.toString(generation).getBytes(UTF_8));
        }

        StoredObject withoutCrc32c() {
            return new StoredObject(bucket, name, generation, contentType, metadata, size, md5, null, created, bytes, file);
        }
    }

    /** What an upload declares: name, content type, custom metadata, and checksums to verify (null: none). */
    private record Spec(String name, String contentType, Map<String, String> metadata, String crc32c, String md5) {

        static Spec of(Map<?, ?> json, String queryName, String fallbackType, String xGoogHash) {
            Map<String, String> metadata = new TreeMap<>();
            if (json.get("metadata") instanceof Map<?, ?> m) {
                m.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
            }
            String crc32c = (String) json.get("crc32c");
            String md5 = (String) json.get("md5Hash");
            Matcher hash = Pattern.compile("(crc32c|md5)=([^,\\s]+)").matcher(String.valueOf(xGoogHash));
            while (hash.find()) {
                crc32c = hash.group(1).equals("crc32c") ? hash.group(2) : crc32c;
                md5 = hash.group(1).equals("md5") ? hash.group(2) : md5;
            }
            String type = json.get("contentType") != null ? (String) json.get("contentType")
                    : fallbackType != null ? fallbackType : "application/octet-stream";
            String name = json.get("name") != null ? (String) json.get("name") : queryName;
            return new Spec(name, type, metadata, crc32c, md5);
        }

        Spec withMetadata(Map<String, String> replacement) {
            return new Spec(name, contentType, replacement, crc32c, md5);
        }

        String requireName() {
            if (name == null || name.isEmpty()) {
                throw new GcsError(400, "Required: object name");
            }
            return name;
        }
    }

    /** Receives upload bytes (heap or file) while counting them and computing their CRC32C and MD5. */
    private static final class Sink extends OutputStream {
        final CRC32C crc = new CRC32C();
        final MessageDigest digest = unchecked(() -> MessageDigest.getInstance("MD5"));
        final Path file;
        final OutputStream out;
        long size;
        byte[] bytes;
        String crc32c;
        String md5;

        Sink(Path file) throws IOException {
            this.file = file;
            this.out = file == null ? new ByteArrayOutputStream() : Files.newOutputStream(file);
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            digest.update(b, off, len);
            unchecked(() -> {
                out.write(b, off, len);
                return null;
            });
            size += len;
        }

        void finish() {
            if (md5 == null) {
                unchecked(() -> {
                    out.close();
                    return null;
                });
                bytes = out instanceof ByteArrayOutputStream heap ? heap.toByteArray() : null;
                long value = crc.getValue(); // GCS serves the big-endian 4 bytes, base64-encoded
                crc32c = Base64.getEncoder().encodeToString(
                        new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
                md5 = Base64.getEncoder().encodeToString(digest.digest());
            }
        }
    }

    private record Upload(Bucket bucket, Spec spec, Map<String, String> query, Sink sink,
                          AtomicReference<StoredObject> result) {
    }

    private record Fault(RequestKind kind, int status, AtomicInteger remaining) {
    }

    private static final class GcsError extends RuntimeException {
        final int code;

        GcsError(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
