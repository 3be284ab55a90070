package dev.berth.gateway.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.AxeResults;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.berth.embedded.Commands;
import dev.berth.gateway.RunningBerth;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser against the real suite ({@code ./berth up}): what a new user does first, what a
 * viewer may not do, deploying an app from the form, and an accessibility scan of every page at desktop and phone
 * width. The first administrator keeps its generated password until the first-run test replaces it in the browser;
 * the other tests act as a second administrator made through the API. The suite runs with PgBouncer in front of its
 * PostgreSQL ({@code BERTH_POOLER=1}), so the pool's panel and the pooling switch are on the pages.
 */
@Tag("browser")
class DashboardIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String IT_ADMIN = "it-admin";
    private static final String IT_PASSWORD = "it-admin-password-1";
    static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final LocatorAssertions.ContainsTextOptions SLOW = new LocatorAssertions.ContainsTextOptions()
            .setTimeout(90_000);

    private static RunningBerth berth;
    private static Browser browser;
    private static String adminToken;

    @BeforeAll
    static void up() throws Exception {
        berth = RunningBerth.up(true);
        browser = new Browser();
        String first = login("admin", berth.adminPassword());
        call("POST", "/api/users", first, Map.of("username", IT_ADMIN, "password", IT_PASSWORD, "role", "admin"));
        adminToken = login(IT_ADMIN, IT_PASSWORD);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void down() {
        if (browser != null) {
            browser.close();
        }
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void aNewUserSignsInMakesADatabaseBacksItUpRestoresItAndDeletesIt() throws Exception {
        try (BrowserContext context = browser.context(berth.gateway(), 1280, 800)) {
            Page page = context.newPage();
            steps(page, "first-run", () -> {
                page.navigate("/");
                page.getByLabel("User name").fill("admin");
                page.locator("input[name=password]").fill(berth.adminPassword());
                page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("sign-in.png")));
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();

                // A generated first password must be replaced before anything else.
                assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions()
                        .setName("Choose your own password"))).isVisible();
                page.locator("input[name=current]").fill(berth.adminPassword());
                page.locator("input[name=next]").fill("my-own-admin-password");
                page.locator("input[name=again]").fill("my-own-admin-password");
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Change password")).click();

                // The wizard: the default instance and its health, backups, a first database.
                assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Welcome to Berth")))
                        .isVisible();
                assertThat(page.locator("li", new Page.LocatorOptions().setHasText("default"))).containsText("ready");
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Next: backups")).click();
                page.locator("select[name=retention]").selectOption("30");
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save and go on")).click();
                page.getByLabel("App name").fill("shop");
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create database")).click();
                assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("is ready")))
                        .isVisible();
                assertEquals(30, call("GET", "/api/backup-settings", adminToken, null).get("retentionDays").asInt());

                // Copy the URL as a user would, and connect with it.
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Copy the URI connection string"))
                        .click();
                String url = (String) page.evaluate("() => navigator.clipboard.readText()");
                assertTrue(url.startsWith("postgresql://"), url);
                Commands.Result psql = Commands.tryRun(List.of("psql", "-X", "-w", "-At", "-c",
                        "SELECT current_database()", url), Map.of(), null, 30, null);
                assertEquals(0, psql.exitCode(), psql.output());
                String database = psql.output().strip();
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Go to the dashboard")).click();
                assertEquals(Boolean.TRUE, call("GET", "/api/auth/me", login("admin", "my-own-admin-password"), null)
                        .get("onboarded").asBoolean());

                // The list, then the details.
                Locator row = page.locator("tr[data-database='" + database + "']");
                assertThat(row).containsText("ready");
                page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("databases.png")));
                row.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("shop")).click();
                assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setLevel(1))).containsText("shop");
                String databaseUrl = page.url();

                // Back up: the phases arrive on the live stream and the row follows without a reload.
                page.evaluate("() => { window.seen = []; window.notReloaded = true; window.addEventListener("
                        + "'berth-event', e => window.seen.push(e.detail.name)); }");
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Back up now")).click();
                Locator backup = page.locator("tr[data-backup]").first();
                assertThat(backup).containsText("completed", SLOW);
                page.waitForFunction("() => window.seen.includes('BackupCompleted')", null,
                        new Page.WaitForFunctionOptions().setTimeout(30_000));
                assertEquals(Boolean.TRUE, page.evaluate("() => window.notReloaded"));
                List<?> seen = (List<?>) page.evaluate("() => window.seen");
                assertTrue(seen.indexOf("BackupStarted") >= 0 && seen.indexOf("BackupStarted")
                        < seen.indexOf("BackupCompleted"), "events seen: " + seen);
                page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("database.png"))
                        .setFullPage(true));

                // Restore into a new database: each phase is shown as it happens.
                backup.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Restore…")).click();
                Locator dialog = page.getByRole(AriaRole.DIALOG);
                assertThat(dialog).containsText("Replace " + database);
                dialog.getByLabel("Into a new database").check();
                dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Restore")).click();
                assertThat(page.getByText("Restore complete.")).isVisible(new LocatorAssertions.IsVisibleOptions()
                        .setTimeout(90_000));
                List<?> phases = (List<?>) page.evaluate("() => window.seen.filter(n => n === 'RestorePhaseChanged')");
                assertTrue(phases.size() >= 4, "restore phases seen: " + phases.size());
                page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Open the new database")).click();
                assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setLevel(1))).containsText("shop");
                assertNotEquals(databaseUrl, page.url());

                // Delete the first one with "back up then delete": it is dropped once its last backup is done.
                page.navigate(databaseUrl);
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete database…")).click();
                dialog = page.getByRole(AriaRole.DIALOG);
                assertThat(dialog).containsText("A final backup is taken");
                dialog.getByLabel("Back up, then delete").check();
                dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete")).click();
                assertThat(page.getByText("This database was dropped.")).isVisible(new LocatorAssertions
                        .IsVisibleOptions().setTimeout(90_000));
                Commands.Result gone = Commands.tryRun(List.of("psql", "-X", "-w", "-At", "-c", "SELECT 1", url), Map.of(),
                        null, 30, null);
                assertNotEquals(0, gone.exitCode(), "the dropped database still answers");
            });
        }
    }

    @Test
    void aDatabaseIsSwitchedToPgBouncerAndBackAndThePoolShowsItsTraffic() throws Exception {
        JsonNode made = call("POST", "/api/databases", adminToken, Map.of("app", "pooly"));
        String id = made.get("id").asText();
        String database = made.get("database").asText();
        try (BrowserContext context = signedIn(IT_ADMIN, IT_PASSWORD, 1280, 800)) {
            Page page = context.pages().get(0);
            steps(page, "pooling", () -> {
                page.navigate("/#/databases/" + id);
                Locator facts = page.locator("dl.facts");
                assertThat(facts).containsText("Pooling");
                assertThat(facts).containsText("direct");
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Use PgBouncer")).click();
                Locator dialog = page.getByRole(AriaRole.DIALOG);
                assertThat(dialog).containsText("pools by transaction");
                dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Use PgBouncer")).click();
                assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions()
                        .setHasText("Now pooled through PgBouncer."))).isVisible();
                assertThat(facts).containsText("through PgBouncer");
                Locator strings = page.locator("b-connection");
                assertThat(strings).containsText("127.0.0.1:" + berth.poolerPort() + "/" + database);
                assertThat(strings).containsText("prepareThreshold=0");

                // The app's own strings now lead through PgBouncer: it answers, and PgBouncer counts the traffic.
                String uri = call("GET", "/api/databases/" + id + "/credentials", adminToken, null).get("connection")
                        .get("uri").asText();
                assertTrue(uri.contains(":" + berth.poolerPort() + "/"), "the credentials name PgBouncer's port");
                for (int i = 0; i < 3; i++) {
                    Commands.Result psql = Commands.tryRun(List.of("psql", "-X", "-w", "-At", "-c",
                            "SELECT current_database()", uri), Map.of(), null, 30, null);
                    assertEquals(database, psql.output().strip(), psql.output());
                }
                page.navigate("/#/instances");
                Locator pool = page.locator("b-pool");
                assertThat(pool).containsText("PgBouncer on port " + berth.poolerPort());
                Locator pools = pool.getByRole(AriaRole.TABLE, new Locator.GetByRoleOptions().setName("Pools"));
                String login = made.get("username").asText();
                assertThat(pools.locator("tr").filter(new Locator.FilterOptions().setHasText(database))
                        .filter(new Locator.FilterOptions().setHasText(login))).containsText("transaction");
                Locator counted = pool.getByRole(AriaRole.TABLE, new Locator.GetByRoleOptions()
                        .setName("Statistics")).locator("tr").filter(new Locator.FilterOptions().setHasText(database));
                assertThat(counted).hasCount(1);
                int transactions = Integer.parseInt(counted.locator("td").nth(1).innerText().strip());
                assertTrue(transactions >= 3, "PgBouncer counted " + transactions + " transactions");
                page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("pool.png"))
                        .setFullPage(true));

                // And back: the server's own port again.
                page.navigate("/#/databases/" + id);
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Connect directly")).click();
                page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
                        .setName("Connect directly")).click();
                assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions()
                        .setHasText("Now connected directly."))).isVisible();
                assertThat(strings).containsText("127.0.0.1:" + berth.pgPort() + "/" + database);
                assertEquals(false, call("GET", "/api/databases/" + id, adminToken, null).get("pooled").asBoolean());
            });
        }
    }

    @Test
    void anAppIsDeployedFromTheFormWithItsDatabaseUrlFilledIn() throws Exception {
        String name = "web-" + UUID.randomUUID().toString().substring(0, 6);
        try (BrowserContext context = signedIn(IT_ADMIN, IT_PASSWORD, 1280, 800)) {
            Page page = context.pages().get(0);
            steps(page, "app", () -> {
                page.navigate("/#/apps");
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Deploy an app")).click();
                page.getByLabel("Name").fill(name);
                page.getByLabel("Image").fill("localhost/berth/base:bookworm");
                page.locator("textarea[name=env]").fill("DATABASE_URL=\nGREETING=hello");
                assertThat(page.locator(".detect")).containsText("fill in: DATABASE_URL");
                page.getByLabel("Command").fill("sleep 600");
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Deploy").setExact(true)).click();
                Locator row = page.locator("tr[data-app='" + name + "']");
                assertThat(row).containsText("running", SLOW);
                page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("apps.png")));

                JsonNode app = null;
                for (JsonNode a : call("GET", "/api/apps", adminToken, null)) {
                    if (a.get("name").asText().equals(name)) {
                        app = a;
                    }
                }
                assertTrue(app != null && app.hasNonNull("containerId"), String.valueOf(app));
                Commands.Result inside = Commands.tryRun(List.of("podman", "--url", "unix://" + berth.home()
                        .resolve("run/podman/podman.sock"), "exec", app.get("containerId").asText(), "sh", "-c",
                        "psql \"$DATABASE_URL\" -At -c 'SELECT 42'"), Map.of(), null, 60, null);
                assertEquals("42", inside.output().strip(), inside.output());

                row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove " + name)).click();
                page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
                        .setName("Remove")).click();
                // The app gets 10 s to stop before its container is removed.
                assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText(
                        "is being removed"))).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(60_000));
            });
        }
    }

    @Test
    void aDedicatedRedisIsRunStoppedStartedMeasuredAndDeletedFromThePage() throws Exception {
        String name = "kv" + UUID.randomUUID().toString().substring(0, 6).replaceAll("[^a-z0-9]", "a");
        String container = name + "-production-redis";
        try (BrowserContext context = signedIn(IT_ADMIN, IT_PASSWORD, 1280, 800)) {
            Page page = context.pages().get(0);
            steps(page, "dedicated", () -> {
                page.navigate("/#/instances");
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Run an instance")).click();
                Locator form = page.getByRole(AriaRole.FORM, new Page.GetByRoleOptions()
                        .setName("Run a dedicated instance"));
                form.getByLabel("Name").fill(name);
                form.getByLabel("Engine").selectOption("redis");
                form.getByLabel("Publish on 127.0.0.1").check();
                form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Run")).click();
                Locator secret = page.locator(".secret-once");
                assertThat(secret).containsText("not shown again", SLOW);
                String password = secret.locator("pre").innerText().strip();
                assertTrue(password.length() >= 24, "the admin password is shown once");
                JsonNode made = null;
                for (JsonNode i : call("GET", "/api/instances?size=500", adminToken, null).get("items")) {
                    if (i.get("name").asText().equals(container)) {
                        made = i;
                    }
                }
                assertTrue(made != null && made.get("hostPort").asInt() >= 6379, String.valueOf(made));
                Commands.Result ping = Commands.tryRun(List.of("redis-cli", "-p", made.get("hostPort").asText(),
                        "--user", "admin", "PING"), Map.of("REDISCLI_AUTH", password), null, 30, null);
                assertEquals("PONG", ping.output().strip(), "the password on the page opens the instance");
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("I have saved it")).click();
                assertThat(secret).hasCount(0);

                Locator row = page.locator("b-dedicated tr").filter(new Locator.FilterOptions().setHasText(container));
                assertThat(row).containsText("ready", SLOW);
                row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Stop " + container)).click();
                assertThat(row).containsText("stopped", SLOW);
                row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Start " + container)).click();
                assertThat(row).containsText("ready", SLOW);
                row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Figures of " + container))
                        .click();
                assertThat(row.locator("dl.figures")).containsText("Memory");
                page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("instances.png")));

                row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete instance " + container))
                        .click();
                Locator dialog = page.getByRole(AriaRole.DIALOG);
                dialog.getByText("Delete its data too").click();
                dialog.getByLabel("Type " + container + " to confirm").fill(container);
                dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete")).click();
                assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText(
                        container + " deleted."))).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(60_000));
                assertThat(row).hasCount(0);
                Commands.Result exists = Commands.tryRun(List.of("podman", "--url", "unix://" + berth.home()
                        .resolve("run/podman/podman.sock"), "container", "exists", container), Map.of(), null, 30,
                        null);
                assertEquals(1, exists.exitCode(), "the container is gone");
            });
        }
    }

    @Test
    void aDedicatedPostgresIsReplacedFromThePageAndKeepsItsData() throws Exception {
        String name = "pg" + UUID.randomUUID().toString().substring(0, 6).replaceAll("[^a-z0-9]", "a");
        JsonNode made = call("POST", "/api/instances", adminToken, Map.of("name", name, "engine", "postgresql",
                "exposePort", true));
        String container = made.get("instance").get("container").asText();
        String id = made.get("instance").get("id").asText();
        int port = made.get("connection").get("hostPort").asInt();
        Map<String, String> admin = Map.of("PGPASSWORD", made.get("connection").get("adminPassword").asText());
        List<String> psql = List.of("psql", "-X", "-w", "-At", "-h", "127.0.0.1", "-p", String.valueOf(port), "-U",
                "postgres", "-d", "postgres", "-c");
        Commands.Result table = Commands.tryRun(concat(psql, "CREATE TABLE kept AS SELECT 7 AS v"), admin, null, 30,
                null);
        assertEquals(0, table.exitCode(), table.output());
        String podmanUrl = "unix://" + berth.home().resolve("run/podman/podman.sock");
        String before = Commands.tryRun(List.of("podman", "--url", podmanUrl, "inspect", "--format", "{{.Id}}",
                container), Map.of(), null, 30, null).output().strip();
        try (BrowserContext context = signedIn(IT_ADMIN, IT_PASSWORD, 1280, 800)) {
            Page page = context.pages().get(0);
            steps(page, "replace", () -> {
                page.navigate("/#/instances");
                Locator row = page.locator("b-dedicated tr").filter(new Locator.FilterOptions().setHasText(container));
                assertThat(row).containsText("ready", SLOW);
                row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Replace the container of "
                        + container)).click();
                Locator dialog = page.getByRole(AriaRole.DIALOG);
                assertThat(dialog).containsText("streaming standby");
                dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Replace")).click();
                assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText(
                        container + " runs in a new container now."))).isVisible(
                        new LocatorAssertions.IsVisibleOptions().setTimeout(120_000));
                assertThat(row).containsText("ready");
            });
        }
        String after = Commands.tryRun(List.of("podman", "--url", podmanUrl, "inspect", "--format", "{{.Id}}",
                container), Map.of(), null, 30, null).output().strip();
        assertNotEquals(before, after, "a new container");
        assertEquals("7", Commands.tryRun(concat(psql, "SELECT v FROM kept"), admin, null, 30, null).output().strip(),
                "the data is there, on the same port");
        call("DELETE", "/api/instances/" + id + "?force=true", adminToken, null);
    }

    private static List<String> concat(List<String> command, String last) {
        List<String> all = new ArrayList<>(command);
        all.add(last);
        return all;
    }

    @Test
    void aPgDumpFileIsImportedIntoANewDatabaseAndAnythingElseIsRefused() throws Exception {
        // A dump as a user brings it: made with pg_dump -Fc from a database with a table and three rows.
        JsonNode source = call("POST", "/api/databases", adminToken, Map.of("app", "legacy"));
        String sourceUrl = source.get("connection").get("uri").asText();
        Commands.Result filled = Commands.tryRun(List.of("psql", "-X", "-w", "-v", "ON_ERROR_STOP=1", "-c",
                "CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'a'), (2, 'b'), "
                        + "(3, 'c')", sourceUrl), Map.of(), null, 30, null);
        assertEquals(0, filled.exitCode(), filled.output());
        Path dump = Files.createTempFile("legacy-", ".dump");
        Commands.Result dumped = Commands.tryRun(List.of("pg_dump", "-Fc", "-f", dump.toString(), sourceUrl),
                Map.of(), null, 60, null);
        assertEquals(0, dumped.exitCode(), dumped.output());
        Path notADump = Files.writeString(Files.createTempFile("notes-", ".txt"), "SELECT 1;\n");
        String target = call("POST", "/api/databases", adminToken, Map.of("app", "imported")).get("id").asText();
        try (BrowserContext context = signedIn(IT_ADMIN, IT_PASSWORD, 1280, 800)) {
            Page page = context.pages().get(0);
            steps(page, "import", () -> {
                page.navigate("/#/backups");
                Locator form = page.locator("form", new Page.LocatorOptions().setHas(page.locator("input[type=file]")));
                form.locator("select[name=database]").selectOption(target);
                form.locator("input[type=file]").setInputFiles(notADump);
                form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Upload and restore")).click();
                assertThat(page.getByRole(AriaRole.ALERT)).containsText("not a pg_dump custom-format file");

                form.locator("select[name=database]").selectOption(target);
                form.locator("input[type=file]").setInputFiles(dump);
                form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Upload and restore")).click();
                page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Open the new database"))
                        .click(new Locator.ClickOptions().setTimeout(90_000));
                String restored = page.url().replaceAll(".*#/databases/", "");
                assertNotEquals(target, restored);
                String url = call("GET", "/api/databases/" + restored + "/credentials", adminToken, null)
                        .get("connection").get("uri").asText();
                Commands.Result rows = Commands.tryRun(List.of("psql", "-X", "-w", "-At", "-c",
                        "SELECT count(*) FROM orders", url), Map.of(), null, 30, null);
                assertEquals("3", rows.output().strip(), rows.output());

                // Rotate its credentials from the page (zero downtime, one minute of grace): the new URI works.
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Rotate credentials")).click();
                Locator dialog = page.getByRole(AriaRole.DIALOG);
                dialog.locator("input[value=zero-downtime]").check();
                dialog.getByLabel("Grace period for the old login (minutes, zero downtime only)").fill("1");
                dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Rotate")).click();
                assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions()
                        .setHasText("Credentials rotated."))).isVisible();
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Copy the URI connection string"))
                        .click();
                String rotated = (String) page.evaluate("() => navigator.clipboard.readText()");
                assertNotEquals(url, rotated, "the copied URI has the new login");
                Commands.Result again = Commands.tryRun(List.of("psql", "-X", "-w", "-At", "-c",
                        "SELECT count(*) FROM orders", rotated), Map.of(), null, 30, null);
                assertEquals("3", again.output().strip(), again.output());
            });
        } finally {
            Files.deleteIfExists(dump);
            Files.deleteIfExists(notADump);
        }
        // The refused file left nothing behind: the target's only backups are the good import.
        JsonNode backups = call("GET", "/api/databases/" + target + "/backups", adminToken, null);
        assertEquals(1, backups.size(), backups.toString());
        assertEquals("import", backups.get(0).get("reason").asText());
    }

    @Test
    void aViewerSeesNoWriteActionsAndAForcedWriteIsRefusedReadably() throws Exception {
        String viewer = "viewer-" + UUID.randomUUID().toString().substring(0, 6);
        call("POST", "/api/users", adminToken, Map.of("username", viewer, "password", "viewer-password-1",
                "role", "viewer"));
        String id = call("POST", "/api/databases", adminToken, Map.of("app", "seen-" + viewer.substring(7)))
                .get("id").asText();
        try (BrowserContext context = signedIn(viewer, "viewer-password-1", 1280, 800)) {
            Page page = context.pages().get(0);
            steps(page, "viewer", () -> {
                page.navigate("/#/databases");
                assertThat(page.locator("tbody tr").first()).isVisible();
                assertNoButtons(page, "New database");
                page.navigate("/#/databases/" + id);
                assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setLevel(1))).containsText("seen_");
                assertNoButtons(page, "Back up now", "Rotate credentials", "Delete database…",
                        "Reveal credentials (audited)");
                page.navigate("/#/apps");
                assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setLevel(1))).hasText("Apps");
                assertNoButtons(page, "Deploy an app");
                page.navigate("/#/backups");
                assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Every database")))
                        .isVisible();
                assertNoButtons(page, "Save", "Upload and restore");
                // Writing anyway, through the dashboard's own API module, as a curious viewer could from the console.
                Object answer = page.evaluate("async () => { const m = await import('/app/api.js'); try { "
                        + "await m.post('/api/databases', { app: 'forced' }); return 'accepted'; } "
                        + "catch (e) { return e.status + ' ' + e.message; } }");
                assertEquals("403 your role does not allow POST /api/databases", answer);
            });
        }
    }

    @Test
    void everyPageHasNoSeriousAccessibilityProblemAndFitsAPhone() throws Exception {
        call("POST", "/api/databases", adminToken, Map.of("app", "axe"));
        List<String> problems = new ArrayList<>();
        try (BrowserContext context = browser.context(berth.gateway(), 1280, 800)) {
            Page page = context.newPage();
            page.navigate("/");
            assertThat(page.getByLabel("User name")).isVisible();
            scan(page, "sign-in", problems);
        }
        String[] pages = {"databases", "apps", "orphans", "instances", "backups", "activity", "audit", "api-keys",
                "users", "account"};
        for (int[] size : new int[][] {{1280, 800}, {390, 844}}) {
            try (BrowserContext context = signedIn(IT_ADMIN, IT_PASSWORD, size[0], size[1])) {
                Page page = context.pages().get(0);
                String axeId = call("GET", "/api/databases?app=axe", adminToken, null).get("items").get(0).get("id")
                        .asText();
                List<String> all = new ArrayList<>(List.of(pages));
                all.add("databases/" + axeId);
                for (String p : all) {
                    page.navigate("/#/" + p);
                    page.waitForFunction("() => !document.querySelector('main')?.textContent.includes('Loading')");
                    scan(page, p + " at " + size[0] + " px", problems);
                    Object overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth");
                    if (((Number) overflow).intValue() > 1) {
                        problems.add(p + " at " + size[0] + " px scrolls sideways by " + overflow + " px");
                    }
                }
                if (size[0] == 390) {
                    page.navigate("/#/databases");
                    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("phone.png")));
                    // The menu opens with the keyboard alone.
                    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Menu")).focus();
                    page.keyboard().press("Enter");
                    assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Backups")))
                            .isVisible();
                } else {
                    page.navigate("/#/backups");
                    page.waitForFunction("() => !document.querySelector('main')?.textContent.includes('Loading')");
                    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("backups.png")));
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** Runs a test's steps; when one fails, the page is saved to target/screenshots/failed-<name>.png first. */
    private static void steps(Page page, String name, Steps steps) throws Exception {
        try {
            steps.run();
        } catch (Exception | AssertionError e) {
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("failed-" + name + ".png"))
                    .setFullPage(true));
            throw e;
        }
    }

    interface Steps {
        void run() throws Exception;
    }

    private static void scan(Page page, String name, List<String> problems) {
        AxeResults results = new AxeBuilder(page).withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa"))
                .analyze();
        results.getViolations().stream().filter(v -> "serious".equals(v.getImpact()) || "critical".equals(
                v.getImpact())).forEach(v -> problems.add(name + ": " + v.getId() + " (" + v.getImpact() + ") "
                + v.getNodes().stream().map(n -> String.valueOf(n.getTarget())).limit(3).toList()));
    }

    private static void assertNoButtons(Page page, String... names) {
        for (String name : names) {
            assertEquals(0, page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name)
                    .setExact(true)).count(), "a viewer sees the button '" + name + "'");
        }
    }

    /** A context signed in through the sign-in form, past the welcome wizard. */
    private static BrowserContext signedIn(String user, String password, int width, int height) {
        BrowserContext context = browser.context(berth.gateway(), width, height);
        Page page = context.newPage();
        page.navigate("/");
        page.getByLabel("User name").fill(user);
        page.locator("input[name=password]").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        Locator skip = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Skip the tour"));
        Locator signedOut = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out"));
        skip.or(signedOut).first().waitFor();
        if (skip.isVisible()) {
            skip.click();
        }
        page.locator("main h1").waitFor();
        return context;
    }

    private static String login(String user, String password) throws Exception {
        return call("POST", "/api/auth/login", null, Map.of("username", user, "password", password)).get("token")
                .asText();
    }

    private static JsonNode call(String method, String path, String token, Object body) throws IOException,
            InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(berth.gateway() + path))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(answer.statusCode() < 300, method + " " + path + " → " + answer.statusCode() + " " + answer.body());
        return answer.body().isEmpty() ? JSON.nullNode() : JSON.readTree(answer.body());
    }
}
