package dev.berth.gateway.proof;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.embedded.Commands;
import dev.berth.testing.PodmanService;
import dev.berth.testing.ServiceProcess;
import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The registry process SIGKILLed (by its own PID) at each step of a create and of an app deploy, with the caller
 * going through the gateway as a user does. A create: after the reservation, after the provisioner made role and
 * database, after the catalog row turned ready with its event. A deploy: after its database was made and bound,
 * before the container was asked for. After the registry's restart the caller's retry with the same Idempotency-Key
 * gets one complete database (or app), the same one again on a second retry, and the server holds exactly that:
 * one database, one role, one catalog row, one {@code DatabaseProvisioned} event, one container.
 */
@QuarkusTest
@Tag("faults")
class RegistryCrashIT {

    private static final Duration RETRYING = Duration.ofSeconds(60);

    @ParameterizedTest
    @ValueSource(strings = {"create.reserved", "create.provisioned", "create.ready"})
    void aCreateCutOffByARegistryCrashEndsAsOneCompleteDatabaseOnRetry(String point) throws Exception {
        String app = "rc-" + UUID.randomUUID().toString().substring(0, 6);
        String key = UUID.randomUUID().toString();
        Supplier<Response> create = () -> given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("app", app, "warmPool", false)).when().post("/api/databases");
        cutOffAt(point, create);

        Response retry = retried(create);
        assertEquals(201, retry.statusCode(), retry.asString());
        String id = retry.jsonPath().getString("id");
        assertEquals("ready", retry.jsonPath().getString("status"));
        Response again = create.get();
        assertEquals(201, again.statusCode(), again.asString());
        assertEquals(id, again.jsonPath().getString("id"), "the same key gives the same database");
        assertEquals(retry.jsonPath().getString("credentials.password"), again.jsonPath().getString(
                "credentials.password"), "and the same credentials");

        assertEquals(1, given().queryParam("app", app.replace('-', '_')).get("/api/databases").jsonPath()
                .getInt("total"), "one database in the catalog");
        String name = retry.jsonPath().getString("database");
        String pattern = "app\\_" + app.replace('-', '_') + "%";
        assertEquals(name, sql("postgres", "SELECT string_agg(datname, ',') FROM pg_database WHERE datname LIKE '"
                + pattern + "'"), "exactly that database on the server");
        assertEquals("1", sql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname LIKE '"
                + pattern.replace("app\\_", "berth\\_") + "'"), "exactly one role on the server");
        assertEquals("1", sql("berth_registry", "SELECT count(*) FROM outbox WHERE message_key = '" + id
                + "' AND event_type = 'dev.berth.DatabaseProvisioned'"), "one DatabaseProvisioned event");
        // The URL holds the password: through the environment, never on a command line.
        Commands.Result connects = Commands.tryRun(List.of("sh", "-c", "psql \"$URL\" -XqtAc 'SELECT current_database()'"),
                Map.of("URL", retry.jsonPath().getString("connection.uri")), null, 30, null);
        assertEquals(name, connects.output().strip(), "the credentials open the database");
    }

    @Test
    void aDeployCutOffAfterItsDatabaseEndsAsOneAppWithThatDatabaseOnRetry() throws Exception {
        String name = "rd-" + UUID.randomUUID().toString().substring(0, 6);
        String key = UUID.randomUUID().toString();
        Supplier<Response> deploy = () -> given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("name", name, "image", PodmanService.APP_IMAGE, "env", Map.of("DATABASE_URL", ""),
                        "command", List.of("sleep", "600"), "deletionPolicy", "delete"))
                .when().post("/api/apps");
        cutOffAt("deploy.database-bound", deploy);
        String made = sql("berth_registry", "SELECT database_id FROM apps WHERE name = '" + name + "'");
        // Without the key, the name is held by the cut-off deploy, and the answer says how to get past it.
        given().contentType(ContentType.JSON).body(Map.of("name", name, "image", PodmanService.APP_IMAGE))
                .post("/api/apps").then().statusCode(409).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("is being deployed"))
                .body("detail", org.hamcrest.Matchers.containsString("Idempotency-Key"));

        Response retry = retried(deploy);
        assertEquals(201, retry.statusCode(), retry.asString());
        String id = retry.jsonPath().getString("id");
        assertEquals(made, retry.jsonPath().getString("databaseId"), "finished with the database made before the crash");
        Response again = deploy.get();
        assertEquals(201, again.statusCode(), again.asString());
        assertEquals(id, again.jsonPath().getString("id"), "the same key gives the same app");

        assertEquals("1", sql("berth_registry", "SELECT count(*) FROM apps WHERE name = '" + name + "'"), "one app");
        assertEquals("1", sql("berth_registry", "SELECT count(*) FROM app_databases WHERE app = '"
                + name.replace('-', '_') + "'"), "one database in the catalog");
        assertEquals("1", sql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'app\\_"
                + name.replace('-', '_') + "%'"), "one database on the server");
        PodmanService podman = PodmanService.get();
        assertEquals(name, podman.podman("ps", "-a", "--filter", "name=^" + name + "$", "--format", "{{.Names}}")
                .output().strip(), "one container");
        Commands.Result inside = podman.podman("exec", name, "sh", "-c",
                "psql \"$DATABASE_URL\" -XqtAc 'SELECT current_database()'");
        assertEquals(0, inside.exitCode(), inside.output());
        assertTrue(inside.output().strip().startsWith("app_" + name.replace('-', '_')), inside.output());

        // And it is an app like any other: removing it removes its container.
        given().delete("/api/apps/" + id).then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> podman.podman("container", "exists", name).exitCode() == 1);
    }

    /**
     * A dedicated instance's create cut off once the provisioner made it, before the registry marked it ready: the
     * registry, back, finds it still "creating" past the stuck-after time, asks the provisioner, and records it as
     * ready — one instance, one container, usable like any other.
     */
    @Test
    void anInstanceCreateCutOffOnceItExistsIsRecordedAsReadyAfterTheRestart() throws Exception {
        String name = "ri" + UUID.randomUUID().toString().substring(0, 6);
        Supplier<Response> create = () -> given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "engine", "redis")).when().post("/api/instances");
        ServiceProcess registry = ServiceProcess.registry(1);
        try {
            cutOffAt("instance.made", create, Map.of("berth.registry.reconcile.stuck-after", "1s"));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> given()
                    .queryParam("size", 200).get("/api/instances").jsonPath()
                    .getList("items.findAll { it.name == '" + name + "-production-redis' }.status")
                    .equals(List.of("ready")));
        } finally {
            registry.restartWith(Map.of());
        }
        PodmanService podman = PodmanService.get();
        assertEquals(name + "-production-redis", podman.podman("ps", "-a", "--filter", "name=" + name, "--format",
                "{{.Names}}").output().strip(), "one container");
        String id = given().queryParam("size", 200).get("/api/instances").jsonPath()
                .getString("items.find { it.name == '" + name + "-production-redis' }.id");
        given().contentType(ContentType.JSON).body(Map.of("app", "on" + name, "instance", id))
                .post("/api/databases").then().statusCode(201);
        given().queryParam("force", true).delete("/api/instances/" + id).then().statusCode(204);
    }

    /**
     * Restarts the registry paused at {@code point}, sends the request, kills the registry once it is there, and
     * checks the gateway answers the cut-off request with a clean 5xx problem; the registry comes back as it was.
     */
    private static void cutOffAt(String point, Supplier<Response> request) throws Exception {
        cutOffAt(point, request, Map.of());
    }

    /** The same, the registry coming back with {@code settings} of its own. */
    private static void cutOffAt(String point, Supplier<Response> request, Map<String, String> settings)
            throws Exception {
        ServiceProcess registry = ServiceProcess.registry(1);
        registry.restartWith(Map.of("berth.faults.pause-at", point));
        try {
            CompletableFuture<Response> first = CompletableFuture.supplyAsync(request);
            registry.awaitLog("fault point " + point + " reached", Duration.ofSeconds(60));
            registry.kill();
            Response cut = first.get(60, TimeUnit.SECONDS);
            assertTrue(cut.statusCode() == 502 || cut.statusCode() == 503, cut.statusCode() + " " + cut.asString());
            assertEquals("application/problem+json", cut.contentType().split(";")[0], cut.asString());
        } finally {
            registry.restartWith(settings);
        }
    }

    /** The request again until it is no longer refused for being under way, as a client following 409s would. */
    private static Response retried(Supplier<Response> request) throws InterruptedException {
        Response answer = request.get();
        for (long deadline = System.nanoTime() + RETRYING.toNanos();
                answer.statusCode() == 409 && System.nanoTime() < deadline; answer = request.get()) {
            Thread.sleep(1000);
        }
        return answer;
    }

    private static String sql(String database, String query) {
        return TestInfrastructure.get().postgres().sql(database, query).trim();
    }
}
