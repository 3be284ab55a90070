package dev.berth.gateway.dashboard;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScratchIT {
    @Test
    void look() throws Exception {
        String base = System.getProperty("scratch.url", "http://127.0.0.1:8080");
        try (Browser browser = new Browser(); BrowserContext context = browser.context(base, Integer.getInteger("scratch.width", 1280), 800)) {
            Page page = context.newPage();
            page.onConsoleMessage(m -> System.out.println("CONSOLE " + m.type() + ": " + m.text()));
            page.onPageError(e -> System.out.println("PAGEERROR " + e));
            page.navigate("/");
            page.getByLabel("User name").fill("dev");
            page.locator("input[name=password]").fill("dev-password-123");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            page.waitForTimeout(1500);
            if (page.getByText("Skip the tour").count() > 0) {
                page.getByText("Skip the tour").click();
                page.waitForTimeout(500);
            }
            System.out.println("AFTER SIGNIN: " + page.locator("body").innerText());
            page.onResponse(r -> { if (r.url().contains("/api/apps")) System.out.println("RESP " + r.request().method() + " " + r.url() + " " + r.status()); });
            page.onRequestFailed(r -> System.out.println("REQFAILED " + r.method() + " " + r.url() + " " + r.failure()));
            if (System.getProperty("scratch.remove") != null) {
                page.navigate("/#/apps");
                page.waitForTimeout(1500);
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remove " + System.getProperty("scratch.remove"))).click();
                page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Remove")).click();
                page.waitForTimeout(15000);
                System.out.println("AFTER REMOVE: " + page.locator("main").innerText());
            }
            for (String p : System.getProperty("scratch.pages", "databases").split(",")) {
                page.navigate("/#/" + p);
                page.waitForTimeout(1500);
                System.out.println("=== " + p + " h1 count " + page.locator("h1").count());
                System.out.println("WIDE " + page.evaluate("() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')"));
                System.out.println(page.evaluate("() => [...document.querySelector('main').childNodes].map(n => n.nodeType === 8 ? '<!--' + n.data + '-->' : n.nodeName).join(' ')"));
                System.out.println(page.evaluate("() => [...document.querySelector('.shell').childNodes].map(n => n.nodeType === 8 ? '<!--' + n.data + '-->' : n.nodeName).join(' ')"));
                page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/scratch-" + p.replace('/', '_') + ".png")).setFullPage(true));
            }
        }
    }
}
