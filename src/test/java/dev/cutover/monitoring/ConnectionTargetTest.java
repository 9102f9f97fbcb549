package dev.cutover.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.runbook.RunbookConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionTargetTest {

    @Test
    void aHostAndPortFromEachKindOfAddress() {
        assertThat(target("mysql", Map.of("url", "jdbc:mysql://10.10.0.5:3306/orders")).shown()).isEqualTo("10.10.0.5:3306");
        assertThat(target("mysql", Map.of("url", "jdbc:mariadb://db.internal/orders")).shown()).isEqualTo("db.internal:3306");
        assertThat(target("mongo", Map.of("uri", "mongodb://mongo1:27017,mongo2:27018/?replicaSet=rs0")).shown())
                .isEqualTo("mongo1:27017");
        assertThat(target("prometheus", Map.of("url", "http://prometheus.internal")).shown())
                .isEqualTo("prometheus.internal:9090");
        assertThat(target("s3", Map.of("region", "ap-south-1")).shown()).isEqualTo("s3.ap-south-1.amazonaws.com:443");
        assertThat(target("s3", Map.of("region", "us-east-1", "endpoint", "http://127.0.0.1:19090")).shown())
                .isEqualTo("127.0.0.1:19090");
        assertThat(target("gcs", Map.of("project", "acme")).shown()).isEqualTo("storage.googleapis.com:443");
        assertThat(target("route53", Map.of("hostedZoneId", "Z1")).shown()).isEqualTo("route53.amazonaws.com:443");
        assertThat(target("rfc2136", Map.of("server", "127.0.0.1", "port", "5353")).shown()).isEqualTo("127.0.0.1:5353");
        assertThat(target("filesystem", Map.of("root", "/srv/data")).directory()).isEqualTo("/srv/data");
    }

    @Test
    void credentialsInAUriAreDroppedAndAnAddressFromASecretIsNotShown(@TempDir Path dir) throws Exception {
        ConnectionTarget inline = target("mongo", Map.of("uri", "mongodb://admin:hunter2@mongo1:27017/?authSource=admin"));
        assertThat(inline.host()).isEqualTo("mongo1");
        assertThat(inline.shown()).isEqualTo("mongo1:27017").doesNotContain("hunter2");

        Path secret = Files.writeString(dir.resolve("mongo-uri"), "mongodb://admin:hunter2@mongo1:27017/\n");
        ConnectionTarget fromSecret = target("mongo", Map.of("uri", "${file:" + secret + "}"));
        assertThat(fromSecret.host()).isEqualTo("mongo1");
        assertThat(fromSecret.shown()).isEqualTo("(from a secret reference, not shown)");
    }

    @Test
    void whatCannotBeProbedSaysWhy() {
        assertThat(target("mongo", Map.of("uri", "mongodb+srv://cluster0.example.net/")).problem()).contains("SRV");
        assertThat(target("http", Map.of("token", "x")).problem()).contains("no url");
        assertThat(target("mysql", Map.of("url", "${env:CUTOVER_SURELY_UNSET_VARIABLE}")).problem())
                .isEqualTo("a secret reference in its address does not resolve in the service's environment");
        assertThat(target("mysql", Map.of("url", "jdbc:mysql://[::1")).problem())
                .isEqualTo("its settings do not name a reachable address");
    }

    private static ConnectionTarget target(String type, Map<String, String> settings) {
        return ConnectionTarget.of(new RunbookConnection("c", type, settings));
    }
}
