package dev.cutover.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An S3Mock of the test's own (never the shared test stack's on 19090, which other tests use), on a free
 * loopback port with its own store root: a test may {@link #kill()} it with SIGKILL mid-step and
 * {@link #startAgain()} it on the same port and root, where it finds the buckets and objects it had
 * written (what reached its disk before the kill). Same jar and flags as {@code scripts/test-stack.sh}.
 */
public final class PrivateS3Mock implements AutoCloseable {

    private static final String JAR = "s3mock-5.2.0-exec.jar";

    private final Path dir;
    private final int port;
    private Process process;
    /** What the last probe of {@link #answers()} got, to say why a start gave up. */
    private volatile String lastAnswer = "none yet";

    private PrivateS3Mock(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static PrivateS3Mock start() {
        try {
            PrivateS3Mock s3mock = new PrivateS3Mock(Files.createTempDirectory("private-s3mock-"), freePort());
            Files.createDirectories(s3mock.dir.resolve("root"));
            Files.createDirectories(s3mock.dir.resolve("tmp"));
            s3mock.startAgain();
            return s3mock;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Where it keeps its buckets and objects. */
    Path storeRoot() {
        return dir.resolve("root");
    }

    /** kill -9: no shutdown of its own, as when the host dies or the OOM killer picks it. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("S3Mock (pid " + process.pid() + ") still alive 5 s after SIGKILL");
        }
    }

    /**
     * S3Mock rewrites a bucket's metadata (its map of key to object) in place on every put, so a SIGKILL
     * in the middle may leave it empty, and the restarted S3Mock then answers every request 500 (seen in
     * CI: "No content to map due to end-of-input" creating its bucket store). S3 itself loses no bucket
     * to a crash, and that is what the tests stand for: the map is rebuilt from the objects' own
     * metadata, and an object whose own metadata the kill cut off was never stored (its put was not
     * answered), so it goes.
     */
    private void repairWhatTheKillCut() throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        try (Stream<Path> buckets = Files.list(dir.resolve("root"))) {
            for (Path bucket : buckets.filter(Files::isDirectory).toList()) {
                ObjectNode objects = json.createObjectNode();
                try (Stream<Path> entries = Files.list(bucket)) {
                    for (Path object : entries.filter(Files::isDirectory).sorted().toList()) {
                        JsonNode stored = readable(json, object.resolve("objectMetadata.json"));
                        if (stored == null || !Files.isRegularFile(object.resolve("binaryData"))) {
                            FileSystemUtils.deleteRecursively(object);
                        } else {
                            objects.put(stored.path("key").asString(), stored.path("id").asString());
                        }
                    }
                }
                Path metadata = bucket.resolve("bucketMetadata.json");
                ObjectNode kept = readable(json, metadata) instanceof ObjectNode node ? node : fresh(json, bucket);
                kept.set("objects", objects);
                Files.writeString(metadata, json.writeValueAsString(kept));
            }
        }
    }

    private static JsonNode readable(JsonMapper json, Path file) {
        try {
            return Files.isRegularFile(file) && Files.size(file) > 0 ? json.readTree(file.toFile()) : null;
        } catch (IOException | RuntimeException cutOff) {
            return null;
        }
    }

    /** A bucket's metadata as S3Mock 5.2 writes it for a new bucket. */
    private static ObjectNode fresh(JsonMapper json, Path bucket) {
        ObjectNode node = json.createObjectNode();
        node.put("name", bucket.getFileName().toString());
        node.put("creationDate", java.time.Instant.now().toString());
        node.putObject("versioningConfiguration").putNull("MfaDelete").putNull("Status");
        node.putNull("objectLockConfiguration");
        node.putNull("bucketLifecycleConfiguration");
        node.put("objectOwnership", "BucketOwnerEnforced");
        node.put("path", bucket.toUri().toString());
        node.put("bucketRegion", "us-east-1");
        node.putNull("bucketInfo");
        node.putNull("locationInfo");
        return node;
    }

    /** Starts it (again) on the same port and store root; returns once it answers. */
    public void startAgain() throws IOException {
        repairWhatTheKillCut();
        String java = ProcessHandle.current().info().command().orElse("java");
        process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + dir.resolve("tmp"), "-jar", jar().toString(),
                "--server.ssl.enabled=false", "--server.address=127.0.0.1", "--server.port=" + port,
                "--com.adobe.testing.s3mock.httpPort=0",
                "--com.adobe.testing.s3mock.store.root=" + dir.resolve("root"),
                "--com.adobe.testing.s3mock.store.retainFilesOnExit=true",
                "--spring.main.lazy-initialization=true", "--spring.main.banner-mode=off"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3mock.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!answers()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Mock exited at startup; its log ends: "
                        + tail(Files.readString(dir.resolve("s3mock.log"))));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Mock not answering 200 on 127.0.0.1:" + port + " after 60 s (last answer: "
                        + lastAnswer + "); its log's last errors: " + errors(Files.readString(dir.resolve("s3mock.log"))));
            }
            Api.sleep(100);
        }
    }

    /** The lines that say what went wrong (not the stack frames under them), newest last. */
    private static String errors(String log) {
        List<String> said = log.lines().filter(line -> !line.startsWith("\tat ") && !line.startsWith("\t...")
                && (line.contains("ERROR") || line.contains("Exception") || line.startsWith("Caused by"))).toList();
        return tail(String.join("\n", said.subList(Math.max(0, said.size() - 12), said.size())));
    }

    private static String tail(String log) {
        return log.length() <= 3000 ? log : log.substring(log.length() - 3000);
    }

    private boolean answers() {
        try {
            HttpURLConnection get = (HttpURLConnection) endpoint().toURL().openConnection();
            get.setConnectTimeout(300);
            get.setReadTimeout(5000);
            get.setRequestProperty("Connection", "close"); // never a kept-alive connection to the one killed
            try {
                lastAnswer = "HTTP " + get.getResponseCode();
                return get.getResponseCode() == 200;
            } finally {
                get.disconnect();
            }
        } catch (IOException notYet) {
            lastAnswer = notYet.toString();
            return false;
        }
    }

    /** The jar the test stack fetched (its state dir, or the local Maven repository). */
    private static Path jar() {
        String stack = System.getenv("CUTOVER_TEST_STACK_DIR");
        List<Path> candidates = List.of(
                Path.of(stack != null ? stack : ".test-stack", "lib", JAR),
                Path.of(System.getProperty("user.home"), ".m2/repository/com/adobe/testing/s3mock/5.2.0", JAR));
        return candidates.stream().filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new IllegalStateException("no S3Mock jar at " + candidates
                        + ": run scripts/test-stack.sh install"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }


    /** Kills it and deletes its store: nothing of it is left on the machine. */
    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            org.springframework.util.FileSystemUtils.deleteRecursively(dir);
        } catch (IOException leftBehind) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
