package dev.cutover.database.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.database.ReplicationLagGauges;
import dev.cutover.step.StepFailedException;
import dev.cutover.testsupport.RecordingStepContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A password in the connection's uri never shows in a failure, its evidence or the progress lines. */
class MongoSecretsTests {

    private static final String PASSWORD = "pa55-do-not-leak";

    @Test
    void anUnreachableReplicaSetFailsTheGateWithoutShowingThePassword() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RecordingStepContext context = new RecordingStepContext(Map.of("connection", "rs", "members",
                List.of("127.0.0.1:" + closedPort), "maxLag", "1s", "interval", "500ms"))
                .secret("MONGO_URI", "mongodb://app:" + PASSWORD + "@127.0.0.1:" + closedPort + "/?replicaSet=rs0")
                .connection("rs", "mongo", Map.of("uri", "${env:MONGO_URI}"))
                .timeout(Duration.ofSeconds(4));
        MongoLagGateStepType gate = new MongoLagGateStepType(new ReplicationLagGauges(new SimpleMeterRegistry()));
        assertThatThrownBy(() -> gate.execute(context)).isInstanceOf(StepFailedException.class)
                .satisfies(e -> assertThat(e.getMessage() + ((StepFailedException) e).evidence()).doesNotContain(PASSWORD))
                .hasMessageContaining("still closed");
        assertThat(context.progress().toString()).contains("status unreadable").doesNotContain(PASSWORD);
    }

    @Test
    void aMalformedUriIsReportedWithoutQuotingIt() {
        RecordingStepContext context = new RecordingStepContext(Map.of())
                .connection("rs", "mongo", Map.of("uri", "mongodb://app:" + PASSWORD + "@/?replicaSet=rs0"));
        assertThatThrownBy(() -> ReplicaSet.open(context.connection("rs"))).isInstanceOf(StepFailedException.class)
                .hasMessage("the uri of mongo connection 'rs' is not a valid mongodb:// connection string");
    }

    @Test
    void userAndPasswordSettingsOverrideTheUri() throws Exception {
        RecordingStepContext context = new RecordingStepContext(Map.of()).secret("MONGO_PASSWORD", PASSWORD)
                .connection("rs", "mongo", Map.of("uri", "mongodb://h1:27017,h2:27017/?replicaSet=rs0&authSource=users",
                        "user", "cutover", "password", "${env:MONGO_PASSWORD}"));
        MongoSettings settings = MongoSettings.of(context.connection("rs"));
        assertThat(settings.seeds()).containsExactly("h1:27017", "h2:27017");
        assertThat(settings.credential().getUserName()).isEqualTo("cutover");
        assertThat(settings.credential().getSource()).isEqualTo("users");
        assertThat(new String(settings.credential().getPassword())).isEqualTo(PASSWORD);
        assertThat(settings.toString()).doesNotContain(PASSWORD);
    }
}
