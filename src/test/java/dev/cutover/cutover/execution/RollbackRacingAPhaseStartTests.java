package dev.cutover.cutover.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.batch.autoconfigure.BatchTaskExecutor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 16, defect 1: a rollback accepted while a phase has been started but its job has not yet
 * recorded its execution must still wait for that execution and undo every step it started. The
 * window is widened on purpose: phase jobs start 300 ms after their launch, and raising the stop
 * signal takes 500 ms, so the first step starts after the rollback was accepted.
 */
@Import(RollbackRacingAPhaseStartTests.Widened.class)
@TestPropertySource(properties = "spring.main.allow-bean-definition-overriding=true")
class RollbackRacingAPhaseStartTests extends ServiceTest {

    @TestConfiguration
    static class Widened {

        @Bean
        @BatchTaskExecutor
        TaskExecutor phaseTaskExecutor() {
            ThreadPoolTaskExecutor threads = new ThreadPoolTaskExecutor();
            threads.setThreadNamePrefix("slow-phase-");
            threads.setCorePoolSize(4);
            threads.setTaskDecorator(task -> () -> {
                sleep(300);
                task.run();
            });
            return threads;
        }

        @Bean
        @Primary
        StopSignals slowStopSignals() {
            return new StopSignals() {
                @Override
                public void raise(String cutoverId) {
                    sleep(500);
                    super.raise(cutoverId);
                }
            };
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aRollbackAcceptedBeforeThePhaseJobRecordedItsExecutionUndoesTheStepThatStartedMeanwhile() {
        String id = createCutover("slow");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/slow-phase/start", "").status()).isEqualTo(202);
        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", "").status()).isEqualTo(202);

        JsonNode ended = api.awaitCutover(id, c -> c.path("state").asString().startsWith("ROLLED_BACK")
                || c.path("state").asString().equals("ROLLBACK_FAILED"), 30);
        assertThat(ended.path("state").asString()).isEqualTo("ROLLED_BACK");
        // wait-a started after the rollback was accepted: it must have been undone, not left STOPPED.
        assertThat(stepState(ended, "wait-a")).isIn("ROLLED_BACK", "PENDING");
        api.awaitCutover(id, c -> !stepState(c, "wait-a").equals("RUNNING"), 10);
        JsonNode settled = api.get("viewer", "/api/cutovers/" + id).body();
        assertThat(stepState(settled, "wait-a")).as(settled.toString()).isIn("ROLLED_BACK", "PENDING");
        assertThat(settled.path("state").asString()).isEqualTo("ROLLED_BACK");
    }
}
