package dev.cutover.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.cutover.cutover.GateSamples;
import dev.cutover.database.mysql.ReplicationPair;
import dev.cutover.step.GateSample;
import dev.cutover.step.MetricSample;
import dev.cutover.testsupport.BrowserPages;
import dev.cutover.testsupport.ServiceTest;
import dev.cutover.testsupport.TcpRelay;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The replication-lag chart in a real headless Chromium, fed by a real {@code mysql-lag-gate}
 * sampling the test stack's MariaDB replica. The gate only reads replication status (and waits for
 * the source's GTID position): it never stops or changes replication of the shared pair.
 */
class LagChartBrowserTests extends ServiceTest {

    private static final ReplicationPair PAIR = new ReplicationPair();
    @RegisterExtension
    static final BrowserPages browsers = new BrowserPages();
    private static final LocatorAssertions.IsVisibleOptions FIVE_SECONDS =
            new LocatorAssertions.IsVisibleOptions().setTimeout(5000);


    @Autowired
    private GateSamples gateSamples;

    @BeforeEach
    void addRunbook() throws Exception {
        if (api.get("viewer", "/api/runbooks/lag-chart-demo").status() != 200) {
            Files.writeString(RUNBOOKS.work().resolve("mysql-password"), PAIR.peers.password());
            String password = "${file:@WORK@/mysql-password}";
            addRunbook("lag-chart-demo.yaml", """
                    name: lag-chart-demo
                    description: A lag gate on the test stack's MariaDB replica, for the lag chart's browser test
                    environments:
                      local:
                        connections:
                          orders-source: %s
                          orders-replica: %s
                    phases:
                      - name: catch-up
                        steps:
                          - id: replica-caught-up
                            type: mysql-lag-gate
                            owner: db-architect
                            with: { replica: orders-replica, source: orders-source, maxLag: 1s, interval: 250ms, consecutive: 24 }
                    """.formatted(PAIR.runbookConnection("source", password), PAIR.runbookConnection("replica", password)));
        }
    }

    @Test
    void theChartDrawsTheGatesSamplesAndThresholdAndEachNewSampleArrivesWithoutAReload() throws Exception {
        String id = createCutover("lag-chart-demo");
        Page page = loggedIn("viewer", 1920, 1080);
        page.navigate(base() + "/cutovers/" + id);
        Locator panel = page.locator("#lag-charts");
        assertThat(panel.locator("#lag-title")).hasText("Gate samples");
        assertThat(panel.locator("[data-legend='metric']")).hasCount(0); // only what this panel can show is explained
        assertThat(panel.locator("[data-gate-step='replica-caught-up'] [data-empty]"))
                .hasText("No samples yet — the gate starts in phase catch-up.");
        assertThat(page.locator("#feed .event")).hasCount(1); // the stream is open
        assertThat(panel).hasAttribute("data-loaded", "true");
        page.waitForTimeout(500); // the opening fetches of the samples are done
        page.evaluate("window.__sameDocument = true");
        AtomicInteger sampleFetches = new AtomicInteger();
        page.onRequest(request -> {
            if (request.url().contains("/gate-samples")) {
                sampleFetches.incrementAndGet();
            }
        });

        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/catch-up/start", null).status()).isEqualTo(202);

        Locator chart = panel.locator("figure.lag-chart[data-series='orders-replica']");
        assertThat(chart).isVisible(FIVE_SECONDS);
        assertThat(chart.locator(".uplot canvas")).hasCount(1);
        assertThat(panel.locator("[data-gate-step='replica-caught-up'] [data-empty]")).isHidden();
        assertThat(chart).hasAttribute("data-threshold-ms", "1000");
        assertThat(chart.locator(".lag-caption")).containsText("replication lag — orders-replica");
        assertThat(panel.locator(".lag-legend")).containsText("threshold");
        assertThat(panel.locator(".lag-legend")).containsText("within threshold");
        int first = points(chart);
        assertThat(first).isGreaterThanOrEqualTo(1);
        // The next samples come over the stream: the count grows with no reload and no fetch of the samples.
        page.waitForFunction("n => Number(document.querySelector(\"#lag-charts figure.lag-chart\").dataset.points) > n",
                first, new Page.WaitForFunctionOptions().setTimeout(3000));
        assertThat(sampleFetches.get()).as("fetches of the samples while the gate ran").isZero();
        assertThat(page.evaluate("window.__sameDocument === true")).as("no reload").isEqualTo(true);
        assertThat(chart).hasAttribute("data-last-verdict", "within");
        assertThat(chart.locator(".lag-values")).containsText("last 0 s");
        screenshots(page, "lag-chart-running");

        JsonNode done = api.awaitCutover(id, c -> "SUCCEEDED".equals(stepState(c, "replica-caught-up")), 30);
        assertThat(stepState(done, "replica-caught-up")).isEqualTo("SUCCEEDED");
        // Every stored sample is on the page once: none missed, none twice.
        JsonNode stored = api.get("viewer", "/api/cutovers/" + id + "/gate-samples").body().path("series");
        assertThat(stored.size()).isEqualTo(1);
        int storedPoints = stored.get(0).path("points").size();
        assertThat(storedPoints).isGreaterThanOrEqualTo(24);
        for (JsonNode point : stored.get(0).path("points")) {
            assertThat(point.get(1).isNull()).as("a healthy replica's lag is known: %s", point).isFalse();
        }
        assertThat(chart).hasAttribute("data-points", Integer.toString(storedPoints));
        // The gate's state follows the page's refresh; the "no samples yet" line stays away.
        assertThat(page.locator("#lag-state-replica-caught-up")).hasText("succeeded");
        assertThat(panel.locator("[data-gate-step='replica-caught-up'] [data-empty]")).isHidden();
        screenshots(page, "lag-chart-done");

        // The chart follows the panel's width.
        page.setViewportSize(1920, 1080);
        page.waitForTimeout(300);
        double wide = canvasWidth(chart);
        page.setViewportSize(1366, 768);
        page.waitForTimeout(300);
        assertThat(canvasWidth(chart)).isLessThan(wide);
    }

    @Test
    void aFreshPageOfACompletedGateShowsItsSamplesAndACutoverWithoutLagGatesHasNoPanel() throws Exception {
        String id = createCutover("lag-chart-demo");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/catch-up/start", null).status()).isEqualTo(202);
        api.awaitCutover(id, c -> "SUCCEEDED".equals(stepState(c, "replica-caught-up")), 30);
        int stored = api.get("viewer", "/api/cutovers/" + id + "/gate-samples").body().path("series").get(0)
                .path("points").size();

        Page page = loggedIn("viewer", 1366, 768);
        page.navigate(base() + "/cutovers/" + id);
        Locator chart = page.locator("#lag-charts figure.lag-chart[data-series='orders-replica']");
        assertThat(chart).hasAttribute("data-points", Integer.toString(stored));
        assertThat(chart.locator(".uplot canvas")).hasCount(1);

        // The report of the night sums the gate's samples up.
        JsonNode report = api.get("viewer", "/api/cutovers/" + id + "/report").body();
        JsonNode lag = report.path("lagGates").get(0);
        assertThat(lag.path("stepId").asString()).isEqualTo("replica-caught-up");
        assertThat(lag.path("phase").asString()).isEqualTo("catch-up");
        assertThat(lag.path("series").asString()).isEqualTo("orders-replica");
        assertThat(lag.path("samples").asInt()).isEqualTo(stored);
        assertThat(lag.path("unknown").asInt()).isZero();
        assertThat(lag.path("thresholdMs").asLong()).isEqualTo(1000);
        assertThat(lag.path("firstWithin").isNull()).isFalse();
        page.navigate(base() + "/cutovers/" + id + "/report");
        assertThat(page.locator("#lag-gates")).containsText("orders-replica");

        page.navigate(base() + "/cutovers/" + createCutover("walkthrough"));
        assertThat(page.locator("#phases")).containsText("go-no-go");
        assertThat(page.locator("#lag-charts")).hasCount(0);
    }

    @Test
    void samplesTakenWhileTheStreamWasDownAreFetchedOnReconnectWithNoGapAndNoDuplicate() throws Exception {
        String id = createCutover("lag-chart-demo");
        try (TcpRelay relay = new TcpRelay(port)) {
            String viaRelay = "http://127.0.0.1:" + relay.port();
            Page page = loggedIn("viewer", viaRelay, 1366, 768);
            page.navigate(viaRelay + "/cutovers/" + id);
            assertThat(page.locator("#feed .event")).hasCount(1);
            assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/catch-up/start", null).status()).isEqualTo(202);
            Locator chart = page.locator("#lag-charts figure.lag-chart[data-series='orders-replica']");
            assertThat(chart).isVisible(FIVE_SECONDS);

            relay.drop();
            assertThat(page.locator("#stream-banner")).isVisible(FIVE_SECONDS);
            int before = points(chart);
            page.waitForTimeout(1500); // the gate keeps sampling while this page hears nothing
            assertThat(points(chart)).as("no sample arrives while the stream is down").isEqualTo(before);
            relay.restore();

            assertThat(page.locator("#stream-banner")).isHidden(new LocatorAssertions.IsHiddenOptions().setTimeout(15000));
            api.awaitCutover(id, c -> "SUCCEEDED".equals(stepState(c, "replica-caught-up")), 30);
            JsonNode stored = api.get("viewer", "/api/cutovers/" + id + "/gate-samples").body().path("series").get(0)
                    .path("points");
            assertThat(chart).hasAttribute("data-points", Integer.toString(stored.size()),
                    new LocatorAssertions.HasAttributeOptions().setTimeout(5000));
            Object shown = chart.evaluate("f => f.dataset.points");
            assertThat(Integer.parseInt(String.valueOf(shown))).isGreaterThan(before);
        }
    }

    /**
     * What a hard night looks like: lag climbing over the threshold, replication broken for a while,
     * then catching up. The samples are recorded through {@link GateSamples} (as a running gate
     * records them), not taken from the shared replica, whose replication this test must not break.
     */
    @Test
    void recordedSamplesOverTheThresholdAndUnknownOnesShowAsCrossesAndGaps() throws Exception {
        String id = createCutover("lag-chart-demo");
        Instant start = Instant.now().minusSeconds(20 * 60);
        for (int i = 0; i < 240; i++) {
            Instant at = start.plusSeconds(5L * i);
            GateSample sample;
            if (i >= 100 && i < 115) {
                sample = GateSample.unknown("orders-replica", 1000, i < 108); // broken, then the IO thread reconnecting
            } else {
                long lag = i < 100 ? Math.round(4000 * Math.sin(Math.PI * i / 120.0)) : Math.max(0, 3000 - (i - 115) * 40L);
                sample = GateSample.of("orders-replica", lag, 1000);
            }
            gateSamples.record(id, "replica-caught-up", at, List.of(sample));
        }

        Page page = loggedIn("viewer", 1920, 1080);
        page.navigate(base() + "/cutovers/" + id);
        Locator chart = page.locator("#lag-charts figure.lag-chart[data-series='orders-replica']");
        assertThat(chart).hasAttribute("data-points", "240");
        assertThat(chart.locator(".lag-values")).containsText("max 4 s");
        assertThat(chart.locator(".lag-values")).containsText("15 unknown");
        screenshots(page, "lag-chart-hard-night");
    }

    /**
     * A metric gate's chart and a dns-shift guard's: values, the pass and failWhen lines, a marker
     * per verdict, a gap for no data; a new sample arrives over the stream. The samples are recorded
     * through {@link GateSamples}, as a running gate records them (the gate's own recording against a
     * real Prometheus is {@code MetricGateTests}'s), so no metrics source is needed here.
     */
    @Test
    void aMetricGatesChartDrawsItsValuesAndBothConditionsAndANewSampleArrivesWithoutAReload() throws Exception {
        if (api.get("viewer", "/api/runbooks/metric-chart-demo").status() != 200) {
            addRunbook("metric-chart-demo.yaml", """
                    name: metric-chart-demo
                    description: A metric gate and a guarded dns-shift, for the gate charts' browser test
                    environments:
                      local:
                        connections:
                          app-metrics: { type: prometheus, url: "http://127.0.0.1:9" }
                          zone: { type: route53, endpoint: "http://127.0.0.1:9", region: us-east-1, hostedZoneId: Z0NOWHERE, zone: example.test., accessKeyId: k, secretAccessKey: s }
                    phases:
                      - name: traffic
                        steps:
                          - id: shift-traffic
                            type: dns-shift
                            owner: network-lead
                            with:
                              connection: zone
                              record: www
                              type: CNAME
                              from: gcp
                              to: aws
                              toValues: [shop-alb.aws.example.]
                              steps: [10, 50, 100]
                              hold: 1m
                              guard: app-metrics
                              queries:
                                - { name: error-rate, query: "sum(rate(http_errors_total[1m]))", pass: "< 0.01", failWhen: "> 0.05" }
                          - id: traffic-healthy
                            type: metric-gate
                            owner: app-owner
                            timeout: 2h
                            with:
                              connection: app-metrics
                              for: 30m
                              queries:
                                - { name: error-rate, query: "sum(rate(http_errors_total[1m]))", pass: "< 0.01", failWhen: "> 0.05" }
                                - { name: p95-latency, query: "max(http_request_seconds)", pass: "<= 0.25", unit: s }
                    """);
        }
        String id = createCutover("metric-chart-demo");
        MetricSample.Bound pass = new MetricSample.Bound("<", 0.01, "< 0.01");
        MetricSample.Bound failWhen = new MetricSample.Bound(">", 0.05, "> 0.05");
        MetricSample.Bound latencyPass = new MetricSample.Bound("<=", 0.25, "<= 0.25");
        Instant start = Instant.now().minusSeconds(30 * 60);
        for (int i = 0; i < 120; i++) {
            Instant at = start.plusSeconds(15L * i);
            double rate = i < 40 ? 0.002 + 0.004 * Math.sin(Math.PI * i / 40.0) : i < 50 ? 0.012 + 0.001 * (i - 40) : 0.003;
            MetricSample errors = i >= 60 && i < 66
                    ? new MetricSample("error-rate", null, null, pass, failWhen, MetricSample.Verdict.NO_DATA)
                    : new MetricSample("error-rate", rate, null, pass, failWhen,
                            rate < 0.01 ? MetricSample.Verdict.PASS : MetricSample.Verdict.FAIL);
            double latency = 0.12 + 0.05 * Math.sin(i / 7.0) + (i >= 45 && i < 52 ? 0.2 : 0);
            gateSamples.record(id, "traffic-healthy", at, List.of(errors, new MetricSample("p95-latency", latency, "s",
                    latencyPass, null, latency <= 0.25 ? MetricSample.Verdict.PASS : MetricSample.Verdict.FAIL)));
            if (i < 20) {
                gateSamples.record(id, "shift-traffic", at, List.of(new MetricSample("guard: error-rate", rate, null, pass,
                        failWhen, MetricSample.Verdict.PASS)));
            }
        }

        Page page = loggedIn("viewer", 1920, 1080);
        page.navigate(base() + "/cutovers/" + id);
        Locator panel = page.locator("#lag-charts");
        assertThat(panel.locator("#lag-title")).hasText("Gate samples");
        assertThat(panel.locator("[data-legend='metric']")).containsText("failWhen");
        assertThat(panel.locator("[data-legend='metric']")).containsText("failWhen met");
        assertThat(panel.locator("[data-legend='metric']")).containsText("no data");
        assertThat(panel.locator("[data-legend='lag']")).hasCount(0);
        Locator errorRate = panel.locator("[data-gate-step='traffic-healthy'] figure.lag-chart[data-series='error-rate']");
        assertThat(errorRate).hasAttribute("data-points", "120");
        assertThat(errorRate).hasAttribute("data-kind", "metric");
        assertThat(errorRate).hasAttribute("data-lines", "value,pass,failWhen");
        assertThat(errorRate).hasAttribute("data-pass", "< 0.01");
        assertThat(errorRate).hasAttribute("data-fail-when", "> 0.05");
        assertThat(errorRate.locator(".lag-caption")).containsText("metric — error-rate");
        assertThat(errorRate.locator(".lag-values")).containsText("(6 no data)");
        assertThat(errorRate.locator(".uplot canvas")).hasCount(1);
        assertThat(errorRate).hasAttribute("data-y-label", "value");
        Locator latency = panel.locator("[data-gate-step='traffic-healthy'] figure.lag-chart[data-series='p95-latency']");
        assertThat(latency).hasAttribute("data-lines", "value,pass");
        assertThat(latency).hasAttribute("data-unit", "s");
        assertThat(latency).hasAttribute("data-y-label", "value (s)");
        assertThat(latency.locator(".lag-values")).containsText("s · min");
        Locator guard = panel.locator("[data-gate-step='shift-traffic'] figure.lag-chart[data-series='guard: error-rate']");
        assertThat(guard).hasAttribute("data-points", "20");
        assertThat(guard.locator(".lag-caption")).containsText("metric — guard: error-rate");
        assertThat(page.locator("#feed .event")).hasCount(1); // the stream is open
        assertThat(panel).hasAttribute("data-loaded", "true");

        // A new sample over the stream extends the chart: no reload, no fetch of the samples.
        page.evaluate("window.__sameDocument = true");
        AtomicInteger sampleFetches = new AtomicInteger();
        page.onRequest(request -> {
            if (request.url().contains("/gate-samples")) {
                sampleFetches.incrementAndGet();
            }
        });
        gateSamples.record(id, "traffic-healthy", Instant.now(), List.of(new MetricSample("error-rate", 0.08, null, pass,
                failWhen, MetricSample.Verdict.FAIL_WHEN)));
        assertThat(errorRate).hasAttribute("data-points", "121");
        assertThat(errorRate).hasAttribute("data-last-verdict", "fail-when");
        assertThat(errorRate).hasAttribute("data-last-value", "0.08");
        assertThat(sampleFetches.get()).as("fetches of the samples").isZero();
        assertThat(page.evaluate("window.__sameDocument === true")).as("no reload").isEqualTo(true);
        screenshots(page, "metric-chart");
    }

    private static int points(Locator chart) {
        return Integer.parseInt(chart.getAttribute("data-points"));
    }

    private static double canvasWidth(Locator chart) {
        return ((Number) chart.locator(".uplot canvas").evaluate("c => c.getBoundingClientRect().width")).doubleValue();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private Page loggedIn(String user, int width, int height) {
        return loggedIn(user, base(), width, height);
    }

    private Page loggedIn(String user, String base, int width, int height) {
        return browsers.loggedIn(user, base, width, height);
    }

    /** The lag panel in view at both sizes the war room uses. */
    private static void screenshots(Page page, String name) throws Exception {
        BrowserPages.screenshots(page, name, false, shown -> shown.locator("#lag-charts").scrollIntoViewIfNeeded());
    }
}
