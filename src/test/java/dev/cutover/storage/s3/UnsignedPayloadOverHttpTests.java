package dev.cutover.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What our S3 client puts on the wire over plain HTTP, captured by a JDK HTTP server (S3Mock does not
 * check signatures, so it cannot tell): a plain body with {@code UNSIGNED-PAYLOAD}, and an Authorization
 * header equal to the one the SDK's own SigV4 signer computes for the same request over HTTPS, which is
 * what AWS accepts.
 */
class UnsignedPayloadOverHttpTests {

    private static final String KEY_ID = "AKIDEXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private HttpServer server;
    private final AtomicReference<Captured> captured = new AtomicReference<>();

    record Captured(String method, String rawPath, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            captured.set(new Captured(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    new TreeMap<>(exchange.getRequestHeaders()), body));
            exchange.getResponseHeaders().add("ETag", "\"0123456789abcdef0123456789abcdef\"");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aPutOverHttpSendsThePlainBodyUnsignedWithTheChecksumInASignedHeader() throws Exception {
        byte[] data = "twenty-one terabytes, one object at a time".getBytes(StandardCharsets.UTF_8);
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        try (S3Client s3 = S3Clients.build(new S3Settings("bucket", "", "eu-west-1", endpoint, true,
                KEY_ID, SECRET, 0, 0, 0, 0, 1, false, null, null, null))) {
            s3.putObject(b -> b.bucket("bucket").key("dir/a b+c.bin").checksumCRC32C("2vHp2A=="),
                    RequestBody.fromBytes(data));
        }

        Captured put = captured.get();
        assertThat(put.header("x-amz-content-sha256")).isEqualTo("UNSIGNED-PAYLOAD");
        assertThat(put.header("Content-Encoding")).isNull();
        assertThat(put.header("x-amz-decoded-content-length")).isNull();
        assertThat(put.body()).isEqualTo(data);
        String authorization = put.header("Authorization");
        assertThat(authorization).contains("x-amz-checksum-crc32c");
        assertThat(authorization).isEqualTo(signedAsHttpsBySdk(put, endpoint));
    }

    /** The SDK's own signer, given the captured request as HTTPS, at the captured time. */
    private static String signedAsHttpsBySdk(Captured put, URI endpoint) {
        String amzDate = put.header("x-amz-date");
        Instant at = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .parse(amzDate, Instant::from);
        String signedHeaders = put.header("Authorization").replaceAll(".*SignedHeaders=([^,]+),.*", "$1");
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.PUT).protocol("https").host(endpoint.getHost()).port(endpoint.getPort())
                .encodedPath(put.rawPath());
        for (String name : signedHeaders.split(";")) {
            if (!name.equals("host") && !name.equals("x-amz-date") && !name.equals("x-amz-content-sha256")) {
                request.putHeader(name, put.header(name));
            }
        }
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .request(request.build())
                .identity(AwsCredentialsIdentity.create(KEY_ID, SECRET))
                .payload(() -> new java.io.ByteArrayInputStream(put.body()))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
        return signed.request().firstMatchingHeader("Authorization").orElseThrow();
    }
}
