package dev.cutover.sandbox;

import dev.cutover.CutoverApplication;
import dev.cutover.database.mysql.ApplicationWriter;
import dev.cutover.testsupport.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A whole rehearsal of {@code runbooks/rehearsal.yaml} timed (bench/cutover-rehearsal.sh runs it):
 * the service in this JVM over its REST API on the local stack, an application writing 100
 * orders/s with fail-over and objects landing every 100 ms until the freeze. First a cutover that
 * completes — every phase, wall time, the write-unavailability window, acknowledged writes missing
 * on the new primary — then, after putting the stack back, one rolled back after promotion and the
 * DNS switch: the state it ends in and the acknowledged writes missing on the original primary.
 * Prints each step's duration, then the last line
 * {@code cutover-rehearsal: state=.. lost=.. window_ms=.. total_s=.. rollback_state=.. rollback_lost=..}.
 */
public final class CutoverRehearsalBenchmark {

    public static void main(String[] args) throws Exception {
        System.setProperty("CUTOVER_TEST_PEERS", "script");
        Path work = Files.createTempDirectory("cutover-rehearsal-");
        try (RehearsalStack stack = RehearsalStack.start(work).seed(1_000)) {
            ConfigurableApplicationContext app = new SpringApplication(CutoverApplication.class).run("--server.port=0",
                    "--spring.datasource.url=jdbc:h2:mem:rehearsal;DB_CLOSE_DELAY=-1", "--cutover.scheduling.enabled=false",
                    "--cutover.runbooks.location=" + RehearsalStack.runbooks(work),
                    "--spring.main.banner-mode=off", "--logging.level.root=WARN");
            try {
                RehearsalDriver driver = new RehearsalDriver(new Api(Integer.parseInt(
                        app.getEnvironment().getProperty("local.server.port"))));
                Run completed = run(stack, driver, "completed", false);
                stack.restore();
                Run rolledBack = run(stack, driver, "rolled-back", true);
                System.out.printf("cutover-rehearsal: state=%s lost=%d window_ms=%d total_s=%.1f rollback_state=%s "
                        + "rollback_lost=%d%n", completed.state(), completed.lost(), completed.windowMillis(),
                        completed.seconds(), rolledBack.state(), rolledBack.lost());
            } finally {
                app.close();
                stack.restore();
            }
        }
    }

    record Run(String state, long lost, long windowMillis, double seconds) {
    }

    private static Run run(RehearsalStack stack, RehearsalDriver driver, String label, boolean rollBack) throws Exception {
        String id = driver.create();
        long started = System.nanoTime();
        try (ApplicationWriter writer = stack.startOrdersWriter(100);
             RehearsalStack.ObjectLander lander = stack.startObjectLander("incoming/" + label + "/", 100)) {
            JsonNode end = driver.runAll(id, () -> {
                try {
                    lander.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            double seconds = (System.nanoTime() - started) / 1e9;
            String state = end.path("state").asString();
            printSteps(label, end);
            if (!rollBack) {
                dev.cutover.testsupport.WindowTimeline.lines(end, "freeze-orders", "switch-dns").forEach(System.out::println);
            }
            ApplicationWriter.Window window = writer.window("source", "replica", started);
            String server = "replica";
            if (rollBack && "COMPLETED".equals(state)) {
                long rollbackStarted = System.nanoTime();
                JsonNode rolledBack = driver.rollback(id);
                state = rolledBack.path("state").asString();
                server = "source";
                System.out.printf("%s: rollback %s in %.1f s; window %d ms (last ack on the new primary -> first on the "
                        + "original)%n", label, state, (System.nanoTime() - rollbackStarted) / 1e9,
                        writer.window("replica", "source", rollbackStarted).millis());
            }
            Thread.sleep(1_000);
            writer.close();
            List<ApplicationWriter.Ack> acks = writer.acks();
            long lost = writer.missingOn(server, acks);
            System.out.printf("%s: %s in %.1f s; %d acknowledged writes, %d missing on the %s; window %d ms; %d objects "
                    + "landed before the freeze; rejected writes %s%n", label, end.path("state").asString(), seconds,
                    acks.size(), lost, server, window.millis(), lander.landed(), writer.errorCodes(started));
            return new Run(state, lost, window.millis(), seconds);
        }
    }

    private static void printSteps(String label, JsonNode cutover) {
        for (JsonNode phase : cutover.path("phases")) {
            for (JsonNode step : phase.path("steps")) {
                String startedAt = step.path("startedAt").asString("");
                String endedAt = step.path("endedAt").asString("");
                long millis = startedAt.isEmpty() || endedAt.isEmpty() ? -1
                        : java.time.Duration.between(java.time.Instant.parse(startedAt), java.time.Instant.parse(endedAt))
                        .toMillis();
                System.out.printf("%s:   %-22s %-26s %-10s %6d ms%n", label, phase.path("name").asString(),
                        step.path("id").asString(), step.path("state").asString(), millis);
                if ("FAILED".equals(step.path("state").asString())) {
                    System.out.printf("%s:     %s%n", label, step.path("output").path("summary").asString());
                }
            }
        }
    }
}
