package dev.berth.gateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Request;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dashboard's figures in a real browser (Debian's Chromium), for {@code bench/dashboard.sh}: bytes over the wire
 * for a first load, time until the databases list shows every database, and time from a backup completing to the
 * page showing it — each next to a raw baseline measured in the same run. Not a test: it prints, it asserts nothing.
 *
 * <p>Arguments: gateway URL, a file holding a session token (never the token itself: command lines are public), a
 * database id to back up, how many backups to time.
 */
public final class DashboardBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private DashboardBench() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = java.nio.file.Files.readString(Path.of(args[1])).strip();
        String databaseId = args[2];
        int backups = Integer.parseInt(args[3]);
        JsonNode me = call(base, "GET", "/api/auth/me", token);
        String session = JSON.writeValueAsString(Map.of("token", token, "me", me));
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
                Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(Path.of("/usr/bin/chromium")).setHeadless(true)
                        .setArgs(List.of("--no-sandbox", "--disable-dev-shm-usage")))) {
            firstLoad(browser, base);
            for (int run = 1; run <= 3; run++) {
                listTime(browser, base, session, run);
            }
            streamLatency(browser, base, session, token, databaseId, backups);
        }
    }

    /** A signed-out first visit: every request until the network is idle, bytes as transferred (compressed). */
    private static void firstLoad(Browser browser, String base) {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setBaseURL(base))) {
            Page page = context.newPage();
            List<Request> requests = Collections.synchronizedList(new ArrayList<>());
            page.onRequestFinished(requests::add);
            page.navigate("/", new Page.NavigateOptions().setWaitUntil(
                    com.microsoft.playwright.options.WaitUntilState.NETWORKIDLE));
            long body = 0;
            long headers = 0;
            for (Request r : requests) {
                body += r.sizes().responseBodySize;
                headers += r.sizes().responseHeadersSize;
            }
            System.out.printf("first load: %d requests, %.1f KB of bodies + %.1f KB of headers over the wire "
                    + "(target ≤ 300 KB compressed)%n", requests.size(), body / 1024.0, headers / 1024.0);
        }
    }

    /** Signed in already (the session as the page keeps it): navigation → every row of the list in the DOM. */
    private static void listTime(Browser browser, String base, String session, int run) {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setBaseURL(base))) {
            context.addInitScript("sessionStorage.setItem('berth.session', " + JSON.valueToTree(session) + ");");
            Page page = context.newPage();
            page.navigate("/#/databases");
            page.waitForFunction("() => document.querySelectorAll('tr[data-database]').length > 0 && "
                    + "document.querySelector('[role=search] [role=status]')?.textContent.match(/^(\\d+) of \\1$/)",
                    null, new Page.WaitForFunctionOptions().setTimeout(60_000).setPollingInterval(5));
            double shown = ((Number) page.evaluate("() => performance.now()")).doubleValue();
            int rows = ((Number) page.evaluate("() => document.querySelectorAll('tr[data-database]').length"))
                    .intValue();
            // The raw baseline: the same API calls the page makes for the list, from the same page, warm.
            double raw = ((Number) page.evaluate("async () => { const t = performance.now(); const h = { Authorization:"
                    + " 'Bearer ' + JSON.parse(sessionStorage.getItem('berth.session')).token }; await Promise.all(["
                    + "fetch('/api/databases?size=500&page=0', { headers: h }).then(r => r.json()),"
                    + "fetch('/api/backups/summary', { headers: h }).then(r => r.json()),"
                    + "fetch('/api/instances?size=500&page=0', { headers: h }).then(r => r.json())]);"
                    + " return performance.now() - t; }")).doubleValue();
            if (Boolean.getBoolean("bench.verbose")) {
                System.out.println(page.evaluate("() => performance.getEntriesByType('resource').filter(e => "
                        + "e.name.includes('/api/') || e.name.endsWith('main.js')).map(e => e.name.replace(location.origin, '')"
                        + " + ' ' + Math.round(e.startTime) + '→' + Math.round(e.responseEnd)).join('\\n')"));
            }
            System.out.printf("list run %d: %d databases shown %.0f ms after navigation (target ≤ 1000); its API "
                    + "calls alone %.0f ms; shown/raw = %.1f%n", run, rows, shown, raw, shown / raw);
        }
    }

    /**
     * The database's page open; backups taken one after another through the API; for each, the moment its row says
     * completed, against the event's own time (when the backup service committed it) and against the event's arrival.
     */
    private static void streamLatency(Browser browser, String base, String session, String token,
            String databaseId, int backups) throws Exception {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setBaseURL(base))) {
            context.addInitScript("sessionStorage.setItem('berth.session', " + JSON.valueToTree(session) + ");");
            Page page = context.newPage();
            page.navigate("/#/databases/" + databaseId);
            page.locator("h2#backups-h").waitFor();
            page.evaluate("() => { window.arrived = {}; window.shown = {}; window.addEventListener('berth-event', e => {"
                    + " if (e.detail.name === 'BackupCompleted') window.arrived[e.detail.data.data.backupId] ="
                    + " { at: Date.now(), occurred: Date.parse(e.detail.data.occurredAt) }; });"
                    + " new MutationObserver(() => document.querySelectorAll('tr[data-backup]').forEach(tr => {"
                    + " if (!window.shown[tr.dataset.backup] && tr.textContent.includes('completed'))"
                    + " window.shown[tr.dataset.backup] = Date.now(); })).observe(document.querySelector('b-database'),"
                    + " { subtree: true, childList: true, characterData: true }); }");
            List<Double> toShown = new ArrayList<>();
            List<Double> toArrival = new ArrayList<>();
            AtomicLong missing = new AtomicLong();
            for (int i = 0; i < backups; i++) {
                String id = call(base, "POST", "/api/databases/" + databaseId + "/backups", token).get("id").asText();
                try {
                    page.waitForFunction("id => window.shown[id] && window.arrived[id]", id,
                            new Page.WaitForFunctionOptions().setTimeout(30_000));
                } catch (RuntimeException e) {
                    missing.incrementAndGet();
                    continue;
                }
                JsonNode t = JSON.valueToTree(page.evaluate("id => ({ shown: window.shown[id], arrived: "
                        + "window.arrived[id].at, occurred: window.arrived[id].occurred })", id));
                toShown.add(t.get("shown").asDouble() - t.get("occurred").asDouble());
                toArrival.add(t.get("arrived").asDouble() - t.get("occurred").asDouble());
            }
            System.out.printf("backup completed → page shows it (%d backups, %d missed): p50 %.0f ms, p99 %.0f ms "
                    + "(target p99 ≤ 250); event arrival alone p50 %.0f ms, p99 %.0f ms%n", toShown.size(),
                    missing.get(), quantile(toShown, 0.5), quantile(toShown, 0.99), quantile(toArrival, 0.5),
                    quantile(toArrival, 0.99));
        }
    }

    static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static JsonNode call(String base, String method, String path, String token) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
