package dev.cutover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A browser that opens a page of a cutover that does not exist gets a page that says so, never raw JSON. */
class ProblemPagesTests extends ServiceTest {

    @LocalServerPort
    private int port;

    @Test
    void theReportOfAnUnknownCutoverIsTheSameProblemPageAsTheCutoverItself() {
        BrowserSession browser = BrowserSession.login(port, "viewer");

        HttpResponse<String> cutover = browser.get("/cutovers/no-such-cutover");
        HttpResponse<String> report = browser.get("/cutovers/no-such-cutover/report");

        assertThat(cutover.statusCode()).isEqualTo(404);
        assertThat(cutover.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(report.statusCode()).isEqualTo(404);
        assertThat(report.headers().firstValue("Content-Type").orElse("")).as(report.body()).startsWith("text/html");
        assertThat(report.body()).contains("<h1>" + title(cutover.body()) + "</h1>").contains("no-such-cutover")
                .contains("Back to all cutovers");
    }

    private static String title(String html) {
        int start = html.indexOf("<h1>") + 4;
        return html.substring(start, html.indexOf("</h1>", start));
    }
}
