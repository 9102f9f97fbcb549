package dev.cutover.testsupport;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Pages in Debian's headless Chromium for a browser test class: the browser for the class, a fresh
 * context (its own cookies) per page, closed after each test, the dashboard's login form, and
 * screenshots at the two sizes the war room uses. Register with
 * {@code @RegisterExtension static final BrowserPages browsers = new BrowserPages();}.
 */
public final class BrowserPages implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    public static final Path SCREENSHOTS = Paths.get("target", "screenshots");
    private static final int[][] WAR_ROOM_SIZES = {{1920, 1080}, {1366, 768}};

    private SystemChromium chromium;
    private final List<BrowserContext> contexts = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        chromium = SystemChromium.launch();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        contexts.forEach(BrowserContext::close);
        contexts.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (chromium != null) {
            chromium.close();
        }
    }

    /** A blank page in a fresh browser context (its own cookies). */
    public Page page(int width, int height) {
        BrowserContext context = chromium.browser().newContext(new Browser.NewContextOptions().setViewportSize(width, height));
        contexts.add(context);
        return context.newPage();
    }

    /** A fresh page logged in as a dev user (the password is the name) through the login form. */
    public Page loggedIn(String user, String base, int width, int height) {
        Page page = page(width, height);
        page.navigate(base + "/");
        assertThat(page).hasURL(base + "/login");
        page.getByLabel("User name").fill(user);
        page.getByLabel("Password").fill(user);
        page.locator("button[type=submit]").click();
        assertThat(page).hasURL(Pattern.compile(base.replace(".", "\\.") + "/(\\?continue)?$"));
        return page;
    }

    /** Saves {@code <name>-1920x1080.png} and {@code <name>-1366x768.png}; {@code arrange} runs before each. */
    public static void screenshots(Page page, String name, boolean fullPage, Consumer<Page> arrange) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        for (int[] size : WAR_ROOM_SIZES) {
            page.setViewportSize(size[0], size[1]);
            page.waitForTimeout(300);
            arrange.accept(page);
            page.screenshot(new Page.ScreenshotOptions().setFullPage(fullPage)
                    .setPath(SCREENSHOTS.resolve(name + "-" + size[0] + "x" + size[1] + ".png")));
        }
        page.setViewportSize(1920, 1080);
    }

    /** One screenshot of the page as it is, under {@code target/screenshots/<file>}. */
    public static void screenshot(Page page, String file, boolean fullPage) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        page.screenshot(new Page.ScreenshotOptions().setFullPage(fullPage).setPath(SCREENSHOTS.resolve(file)));
    }
}
