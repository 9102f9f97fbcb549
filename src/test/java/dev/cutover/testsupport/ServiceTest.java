package dev.cutover.testsupport;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The whole service on a random port with an in-memory H2 and the test runbooks: tests talk to
 * it over real HTTP with the dev users. One context is shared by every subclass: a subclass that
 * adds beans or properties of its own starts a second service (~30 s of CI), so keep those rare.
 * Its connector has {@link SmallSendBuffers}, so a client that stops reading blocks the server soon.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(SmallSendBuffers.class)
public abstract class ServiceTest {

    protected static final TestRunbooks RUNBOOKS = TestRunbooks.create();

    @LocalServerPort
    protected int port;

    protected Api api;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("cutover.runbooks.location", () -> RUNBOOKS.runbooks().toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:service-test;DB_CLOSE_DELAY=-1");
        registry.add("cutover.storage.schedule-tick", () -> "500ms");
        // Every test signs in from 127.0.0.1 against this one shared service for the whole run: the
        // per-address login limit (LoginAttemptsTest proves it) would lock the suite out of itself.
        registry.add("cutover.security.login-limit.failures-per-address", () -> "100000");
    }

    @BeforeEach
    void api() {
        api = new Api(port);
    }

    /** Writes a runbook built at test time next to the others and reloads the catalog. */
    protected void addRunbook(String fileName, String yaml) {
        RUNBOOKS.add(fileName, yaml);
        Api.Answer reloaded = api.post("operator", "/api/runbooks/reload", "");
        if (reloaded.status() != 200) {
            throw new AssertionError("could not reload the runbooks: " + reloaded.text());
        }
    }

    /** Creates a rehearsal cutover of the runbook in environment {@code local}; returns its id. */
    protected String createCutover(String runbook) {
        Api.Answer created = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"" + runbook + "\",\"environment\":\"local\",\"rehearsal\":true}");
        if (created.status() != 201) {
            throw new AssertionError("could not create a cutover of " + runbook + ": " + created.text());
        }
        return created.body().path("id").asString();
    }

    protected static String stepState(JsonNode cutover, String stepId) {
        return Api.stepState(cutover, stepId);
    }
}
