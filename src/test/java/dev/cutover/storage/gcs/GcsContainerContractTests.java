package dev.cutover.storage.gcs;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The port's contract against fsouza/fake-gcs-server, a GCS emulator in Docker: the same suite as
 * {@link GcsObjectStoreContractTests}, against a server this project did not write. Skipped where Docker is not
 * available. The emulator puts its own URL into the {@code Location} of resumable upload sessions and into media
 * links, so it must know the address the client reaches it at: it listens on a free host port chosen here,
 * bound to the same port on the host, with {@code -public-host} and {@code -external-url} naming it.
 */
class GcsContainerContractTests extends ObjectStoreContract {

    private static final DockerImageName IMAGE = DockerImageName.parse("fsouza/fake-gcs-server:1.52.2");
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private static GenericContainer<?> server;
    private static Storage admin;
    private static URI endpoint;

    @BeforeAll
    static void startServer() {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "Docker is not available");
        int port = freePort();
        String host = DockerClientFactory.instance().dockerHostIpAddress();
        endpoint = URI.create("http://" + host + ":" + port);
        server = new GenericContainer<>(IMAGE)
                .withCommand("-scheme", "http", "-backend", "memory", "-port", Integer.toString(port),
                        "-public-host", host + ":" + port, "-external-url", endpoint.toString())
                .withExposedPorts(port)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                        new PortBinding(Ports.Binding.bindPort(port), new ExposedPort(port))))
                .waitingFor(Wait.forHttp("/storage/v1/b").forPort(port).forStatusCode(200));
        server.start();
        admin = StorageOptions.http()
                .setHost(endpoint.toString())
                .setProjectId("test")
                .setCredentials(NoCredentials.getInstance())
                .build()
                .getService();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Override
    protected ObjectStore newEmptyStore() {
        String bucket = "container-" + BUCKETS.incrementAndGet();
        admin.create(BucketInfo.of(bucket));
        return GcsObjectStores.open(GcsSettings.of(bucket)
                .with(s -> s
                        .endpoint(endpoint)
                        .listPageSize(GcsTestStores.PAGE_SIZE)
                        .uploadChunkSize(GcsTestStores.UPLOAD_CHUNK_SIZE)
                        .firstRetryDelay(Duration.ofMillis(50))));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
