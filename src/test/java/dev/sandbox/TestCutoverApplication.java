package dev.sandbox;

import dev.cutover.CutoverApplication;
import dev.cutover.database.mysql.ApplicationWriter;
import dev.cutover.sandbox.RehearsalStack;
import java.nio.file.Path;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sandbox for newcomers, Spring Boot's dev-services convention: {@code ./mvnw spring-boot:test-run}
 * starts the local peers that {@code runbooks/rehearsal.yaml} names (the test stack's MariaDB pair,
 * S3Mock and BIND through {@code scripts/test-stack.sh}; the GCS fake and the MongoDB stub replica
 * set in this JVM), seeds them, keeps an application writing orders (5/s), and starts the service on
 * http://localhost:8080 with the runbooks of {@code ./runbooks}. Ctrl-C stops the service and the
 * in-JVM peers; {@code scripts/test-stack.sh down} stops the rest.
 *
 * <p>{@code @SpringBootApplication} only marks this as the main class {@code spring-boot:test-run}
 * picks among the test sources' mains (the benchmarks have some); it is not a configuration source:
 * the service runs from {@link CutoverApplication}. The package is outside {@code dev.cutover} so that
 * {@code @SpringBootTest} never finds it.
 */
@SpringBootApplication
public final class TestCutoverApplication {

    private TestCutoverApplication() {
    }

    public static void main(String[] args) throws Exception {
        // The rehearsal runbook names fixed loopback ports: the script's peers, even where Docker runs.
        System.setProperty("CUTOVER_TEST_PEERS", "script");
        RehearsalStack stack = RehearsalStack.start(Path.of(".rehearsal/sandbox")).seed(200);
        ApplicationWriter writer = stack.startOrdersWriter(5);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                writer.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stack.close();
        }, "sandbox-stop"));
        System.out.println("""
                sandbox peers up and seeded: GCS fake 127.0.0.1:14443 (acme-assets), S3Mock 127.0.0.1:19090 \
                (acme-assets-aws), MariaDB 127.0.0.1:13306 -> 13307 (cutover_test.orders, 5 writes/s), MongoDB stub \
                rs0 127.0.0.1:27117-27119 (shop.catalog), BIND 127.0.0.1:15353 (shop.cutover.test.)""");
        SpringApplication.from(CutoverApplication::main).run(args);
    }
}
