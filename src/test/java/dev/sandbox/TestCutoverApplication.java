package dev.sandbox;

import dev.cutover.CutoverApplication;
import dev.cutover.database.mysql.ApplicationWriter;
import dev.cutover.sandbox.RehearsalStack;
import dev.cutover.sandbox.ShopApplication;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sandbox for newcomers, Spring Boot's dev-services convention: {@code ./mvnw spring-boot:test-run}
 * starts the local peers that {@code runbooks/rehearsal.yaml} names (the test stack's MariaDB pair,
 * S3Mock and BIND through {@code scripts/test-stack.sh}; the GCS fake and the MongoDB stub replica
 * set in this JVM), seeds them, keeps an application writing orders (5/s) as a small shop whose
 * metrics a local Prometheus scrapes (the rehearsal's traffic gate), and starts the service on
 * http://localhost:8080 with the runbooks of {@code ./runbooks}. When all is up it prints one block:
 * the peers, where to go, the dev users. Ctrl-C stops the service and the peers it started: the
 * in-JVM peers always, the script's stack only if the sandbox brought it up (a stack that was
 * already running, e.g. for tests, stays up).
 *
 * <p>Third-party INFO lines (the MongoDB driver's settings, the stub's every connection) are
 * quieted here, for the sandbox only; the service's own lines stay.
 *
 * <p>{@code @SpringBootApplication} only marks this as the main class {@code spring-boot:test-run}
 * picks among the test sources' mains (the benchmarks have some); it is not a configuration source:
 * the service runs from {@link CutoverApplication}. The package is outside {@code dev.cutover} so that
 * {@code @SpringBootTest} never finds it.
 */
@SpringBootApplication
public final class TestCutoverApplication {

    /** Loggers that talk a lot at INFO about things a sandbox user need not see. */
    private static final List<String> NOISY = List.of("org.mongodb.driver", "de.bwaldvogel", "io.netty",
            "software.amazon.awssdk", "org.apache.http", "org.testcontainers", "com.zaxxer.hikari");

    private TestCutoverApplication() {
    }

    public static void main(String[] args) throws Exception {
        quietThirdPartyLogs();
        // The rehearsal runbook names fixed loopback ports: the script's peers, even where Docker runs.
        System.setProperty("CUTOVER_TEST_PEERS", "script");
        boolean stackWasUp = TestStackScript.healthy();
        RehearsalStack stack = RehearsalStack.start(Path.of(".rehearsal/sandbox")).seed(200);
        ApplicationWriter writer = stack.startOrdersWriter(5);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                writer.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stack.close();
            if (!stackWasUp) {
                TestStackScript.down();
            }
        }, "sandbox-stop"));
        ConfigurableApplicationContext service = SpringApplication.from(CutoverApplication::main).run(args)
                .getApplicationContext();
        String port = service.getEnvironment().getProperty("local.server.port", "8080");
        System.out.println(ready(port, stackWasUp));
    }

    private static String ready(String port, boolean stackWasUp) {
        return """

                ================================================================================
                 Cutover sandbox ready
                ================================================================================
                 Peers up (seeded):
                   GCS fake          127.0.0.1:%d           bucket acme-assets
                   S3Mock            127.0.0.1:19090           bucket acme-assets-aws
                   MariaDB           127.0.0.1:13306 -> 13307  cutover_test.orders, 5 writes/s
                   MongoDB stub      127.0.0.1:%d-%d     replica set rs0, shop.catalog
                                     127.0.0.1:%d           set scratch, for the catalog snapshot's restore check
                   BIND              127.0.0.1:15353           zone shop.cutover.test.
                   Route 53 stub     127.0.0.1:%d           www.cutover.test. CNAME, shifted to AWS in steps
                   Shop metrics      127.0.0.1:%d/metrics     the traffic gate's application; fail 20%% of it:
                                     curl -XPOST 'http://127.0.0.1:%d/control/error-rate?value=0.2'
                   Prometheus        127.0.0.1:%d           scraping the shop every second
                 Dashboard and API   http://localhost:%s/   (API under /api, e.g. /api/runbooks)
                 Dev users           viewer/viewer  operator/operator  approver/approver
                 Runbook to try      rehearsal (runbooks/rehearsal.yaml), environment local
                 Ctrl-C stops the service and the peers it started%s
                ================================================================================
                """.formatted(RehearsalStack.GCS_PORT, RehearsalStack.MONGO_FIRST_PORT, RehearsalStack.MONGO_FIRST_PORT + 2,
                RehearsalStack.MONGO_SCRATCH_PORT, RehearsalStack.ROUTE53_PORT, ShopApplication.PORT, ShopApplication.PORT,
                RehearsalStack.PROMETHEUS_PORT, port,
                stackWasUp ? " (the MariaDB/S3Mock/BIND stack was already running, so it stays up;\n"
                        + " scripts/test-stack.sh down stops it)" : ".");
    }

    /**
     * WARN for the noisy loggers, now (the peers start before Spring configures logging, while
     * Logback would print everything) and once Spring has configured logging (its
     * {@code logging.level.*} properties, read from the system properties).
     */
    private static void quietThirdPartyLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
            NOISY.forEach(name -> logback.getLogger(name).setLevel(Level.WARN));
        }
        NOISY.forEach(name -> System.setProperty("logging.level." + name, "WARN"));
    }
}
