package dev.cutover.testsupport;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

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

    /**
     * Starts the browser, installing Debian's package first where it is missing (as the test stack
     * installs its servers). A browser that cannot be had fails the test, never skips it.
     */
    public static SystemChromium launch() {
        if (!Files.isExecutable(EXECUTABLE)) {
            install();
        }
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

    private static void install() {
        try {
            Process install = new ProcessBuilder("bash", "scripts/test-stack.sh", "install").inheritIO().start();
            if (!install.waitFor(15, java.util.concurrent.TimeUnit.MINUTES) || install.exitValue() != 0
                    || !Files.isExecutable(EXECUTABLE)) {
                throw new IllegalStateException(EXECUTABLE + " is missing and scripts/test-stack.sh install did not "
                        + "install it (it needs root and Debian's package index); install the package chromium");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
