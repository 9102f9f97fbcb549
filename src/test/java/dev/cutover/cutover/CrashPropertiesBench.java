package dev.cutover.cutover;

import dev.cutover.testsupport.ServiceProcess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The state machine's properties with kill -9 among the moves: the packaged jar (system property
 * {@code cutover.jar}) runs as its own process on an H2 file database, and now and then it is
 * killed with SIGKILL between two moves and started again, so cutovers come back INTERRUPTED in the
 * middle of a phase or a rollback. Run by {@code CRASH=1 bench/state-machine-properties.sh}.
 * Arguments: an ISO-8601 duration (default PT5M) and a seed (default random).
 */
public final class CrashPropertiesBench {

    private CrashPropertiesBench() {
    }

    public static void main(String[] args) throws Exception {
        Duration budget = Duration.parse(args.length > 0 ? args[0] : "PT5M");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        Path root = Files.createTempDirectory("cutover-crash-properties-");
        Path runbooks = Files.createDirectories(root.resolve("runbooks"));
        try (InputStream runbook = CrashPropertiesBench.class.getResourceAsStream("/test-runbooks/properties.yaml")) {
            Files.copy(runbook, runbooks.resolve("properties.yaml"));
        }
        CutoverPropertyRun.Result result;
        try (ServiceProcess service = new ServiceProcess(root)) {
            AtomicInteger runs = new AtomicInteger(1);
            service.start("run-1.log");
            result = new CutoverPropertyRun(service.api(), seed, () -> {
                service.killNine();
                service.start("run-" + runs.incrementAndGet() + ".log");
            }).run(budget);
            System.out.println("service restarts: " + (runs.get() - 1) + " (logs under " + root + ")");
        }
        result.failures().forEach(System.out::println);
        System.exit(result.failures().isEmpty() ? 0 : 1);
    }
}
