package dev.cutover.testsupport;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code /usr/bin/chromium} driven by Playwright for Java, headless. Playwright never
 * downloads a browser here ({@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1}); {@code scripts/test-stack.sh
 * install} installs the package. The flags keep Chromium off the (closed) network: without them it
 * keeps trying to reach Google's update, sync and field-trial services. Each {@code launch} gets a
 * fresh temporary profile directory from Playwright.
 */
public final class SystemChromium implements AutoCloseable {

    public static final Path EXECUTABLE = Paths.get("/usr/bin/chromium");
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    private final Playwright playwright;
    private final Browser browser;

    private SystemChromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    /** Starts the browser; skips the test (with the reason) where the package is not installed. */
    public static SystemChromium launch() {
        Assumptions.assumeTrue(Files.isExecutable(EXECUTABLE),
                EXECUTABLE + " is missing: run scripts/test-stack.sh install (it installs Debian's chromium)");
        Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(EXECUTABLE).setHeadless(true).setArgs(FLAGS));
            return new SystemChromium(playwright, browser);
        } catch (RuntimeException failed) {
            playwright.close();
            throw failed;
        }
    }

    public Browser browser() {
        return browser;
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            playwright.close();
        }
    }
}
