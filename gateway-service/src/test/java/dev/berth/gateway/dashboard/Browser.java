package dev.berth.gateway.dashboard;

import com.microsoft.playwright.Browser.NewContextOptions;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's Chromium, headless, driven by Playwright (which downloads no browser here). One per test class; each
 * test gets a fresh context (its own storage, so its own sign-in).
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final Playwright playwright;
    private final com.microsoft.playwright.Browser browser;

    Browser() {
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
                .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-dev-shm-usage")));
    }

    /** A new context at {@code width}×{@code height} that may read and write the clipboard of {@code origin}. */
    BrowserContext context(String origin, int width, int height) {
        BrowserContext context = browser.newContext(new NewContextOptions().setViewportSize(width, height)
                .setBaseURL(origin));
        context.grantPermissions(List.of("clipboard-read", "clipboard-write"),
                new BrowserContext.GrantPermissionsOptions().setOrigin(origin));
        context.setDefaultTimeout(30_000);
        return context;
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
