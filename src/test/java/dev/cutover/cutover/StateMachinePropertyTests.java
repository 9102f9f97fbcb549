package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of what people do to a cutover ({@link CutoverMoves}: start, pause, resume,
 * approve, restart, abort, rollback, the same button pressed twice at once) against the running
 * service over HTTP ({@link CutoverPropertyRun}), with {@link CutoverInvariants} checked after every move: the state is a state,
 * refusals are 409 problem+json with {@code allowedActions}, no 500, no step ran twice at once, the
 * event log only grows, and a finished rollback undid every completed step once. Runs for
 * {@code -Dproperties.duration} (5 s by default; {@code bench/state-machine-properties.sh} runs
 * minutes) from {@code -Dproperties.seed} (random by default, printed); a failure prints the seed and
 * the failing sequence of moves.
 */
class StateMachinePropertyTests extends ServiceTest {

    @Test
    void randomSequencesOfActionsKeepTheStateMachinesInvariants() throws Exception {
        addRunbook("properties.yaml", resource("/test-runbooks/properties.yaml"));
        Duration budget = Duration.parse(System.getProperty("properties.duration", "PT5S"));
        long seed = Long.getLong("properties.seed", System.nanoTime());
        CutoverPropertyRun.Result result = new CutoverPropertyRun(api, seed, null).run(budget);

        assertThat(result.failures()).as("replay with -Dproperties.seed=%d", seed).isEmpty();
        assertThat(result.sequences()).as("sequences tried").isGreaterThan(0);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = StateMachinePropertyTests.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
