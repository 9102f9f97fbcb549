package dev.cutover.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.BrowserPages;
import dev.cutover.testsupport.ServiceTest;
import dev.cutover.testsupport.ThrottledRelay;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A partitioned sync's partitions under its step's row, in a real headless Chromium: each partition's
 * keys, worker, state, objects, bytes and rate, refreshed as they copy without a reload, and all
 * completed at the end. The target is the test stack's S3Mock behind a 60 KB/s relay, so that the
 * partitions are seen under way (a partition's figures move with its committed chunks of 100 objects).
 */
class PartitionsBrowserTests extends ServiceTest {

    private static final int OBJECTS = 600;
    private static final LocatorAssertions.HasTextOptions TWENTY_SECONDS =
            new LocatorAssertions.HasTextOptions().setTimeout(20_000);

    @RegisterExtension
    static final BrowserPages browsers = new BrowserPages();

    @Test
    void aPartitionedSyncsStepShowsWhichWorkerCopiesWhichKeysAndHowFast() throws Exception {
        String bucket = "partitions-page-" + UUID.randomUUID().toString().substring(0, 8);
        URI s3Endpoint = TestPeers.s3Endpoint();
        try (S3Client s3 = TestPeers.s3Client(s3Endpoint);
             ThrottledRelay slowLink = new ThrottledRelay(new InetSocketAddress(s3Endpoint.getHost(), s3Endpoint.getPort()),
                     60 * 1024)) {
            s3.createBucket(b -> b.bucket(bucket));
            writeSourceObjects(RUNBOOKS.work().resolve("partitions-page-src/assets"));
            addRunbook("partitions-page.yaml", """
                    name: partitions-page
                    description: A sync in three partitions, watched on the cutover's page
                    environments:
                      local:
                        connections:
                          src: { type: filesystem, root: "@WORK@/partitions-page-src" }
                          s3: { type: s3, region: us-east-1, endpoint: "http://127.0.0.1:%d", pathStyle: "true", accessKeyId: test, secretAccessKey: test }
                    phases:
                      - name: data
                        steps:
                          - id: bucket-sync
                            type: storage-sync
                            with: { source: src, sourceBucket: assets, target: s3, targetBucket: %s, mode: full, partitions: 3, concurrency: 2 }
                    """.formatted(slowLink.port(), bucket));
            String id = createCutover("partitions-page");
            Page page = browsers.loggedIn("viewer", base(), 1366, 768);
            page.navigate(base() + "/cutovers/" + id);
            Locator step = page.locator("#phases [data-step='bucket-sync']");
            assertThat(step.locator(".partitions")).hasCount(0); // nothing to show before it runs

            assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/data/start", null).status()).isEqualTo(202);
            Locator rows = step.locator(".partitions-table tbody tr");
            assertThat(rows).hasCount(3, new LocatorAssertions.HasCountOptions().setTimeout(20_000));
            assertThat(step.locator(".partitions-summary")).hasText(Pattern.compile("^3 partitions on 1 worker: .*running"),
                    TWENTY_SECONDS);
            assertThat(rows.first().locator(".keys")).hasText(Pattern.compile("^start – \\S+"));
            assertThat(rows.last().locator(".keys")).hasText(Pattern.compile("\\S+ – end$"));
            String name = step.locator(".partitions-table tr:has(.state.tone-active)").first().getAttribute("data-partition");
            Locator running = step.locator(".partitions-table tr[data-partition='" + name + "']");
            assertThat(running.locator("td").nth(1)).hasText(Pattern.compile("\\S+")); // the worker's instance
            page.evaluate("window.__sameDocument = true");
            // Its figures move with its committed chunks (100 objects), pushed to the page without a reload.
            assertThat(running.locator("td").nth(3)).hasText(Pattern.compile("^[1-9][0-9,]*$"), TWENTY_SECONDS);
            assertThat(running.locator("td").nth(4)).hasText(Pattern.compile("/s"), TWENTY_SECONDS);
            BrowserPages.screenshot(page, "cutover-partitions-1366x768.png", true);

            api.awaitState(id, "COMPLETED");
            assertThat(step.locator(".partitions-summary")).hasText("3 partitions on 1 worker: 3 completed", TWENTY_SECONDS);
            List<String> objects = rows.locator("td:nth-child(4)").allTextContents();
            assertThat(objects.stream().mapToLong(n -> Long.parseLong(n.replace(",", ""))).sum())
                    .as("objects copied by the partitions together").isEqualTo(OBJECTS);
            assertThat(page.evaluate("window.__sameDocument")).as("no reload").isEqualTo(true);
            BrowserPages.screenshot(page, "cutover-partitions-done-1366x768.png", true);
        }
    }

    private static void writeSourceObjects(Path dir) throws Exception {
        Random random = new Random(12);
        for (int i = 0; i < OBJECTS; i++) {
            byte[] data = new byte[1024];
            random.nextBytes(data);
            Path file = dir.resolve(String.format("%s/%03d.bin", List.of("css", "img", "js").get(i % 3), i));
            Files.createDirectories(file.getParent());
            Files.write(file, data);
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
