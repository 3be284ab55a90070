package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The provisioner SIGKILLed (by its own PID) at each step of a create — after recording the operation, with the role
 * and the database made but not granted, granted but not catalogued, catalogued but not answered. After its restart
 * the caller's retry with the same Idempotency-Key gets one complete database, and the server holds exactly that one:
 * no role without its database, no database the catalog does not know.
 */
@QuarkusTest
@Tag("faults")
class ProvisionerCrashIT {

    @ParameterizedTest
    @ValueSource(strings = {"create.recorded", "create.role-and-database", "create.granted", "create.catalogued"})
    void aCreateCutOffAtAnyStepEndsAsOneCompleteDatabaseOnRetry(String point) throws Exception {
        ServiceProcess provisioner = ServiceProcess.provisioner(2);
        String app = "crash-" + UUID.randomUUID().toString().substring(0, 6);
        String key = UUID.randomUUID().toString();
        provisioner.restartWith(Map.of("berth.faults.pause-at", point));
        try {
            CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> create(app, key));
            provisioner.awaitLog("fault point " + point + " reached", Duration.ofSeconds(30));
            provisioner.kill();
            int firstStatus = first.get(60, TimeUnit.SECONDS).statusCode();
            assertEquals(503, firstStatus, "the cut-off request answers that the provisioner is unavailable");
        } finally {
            provisioner.restartWith(Map.of());
        }

        // The retry may find the provisioner still cleaning up after its restart (409): it tries again, as a
        // client following the answer would.
        Response retry = create(app, key);
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                retry.statusCode() != 201 && System.nanoTime() < deadline; retry = create(app, key)) {
            Thread.sleep(1000);
        }
        assertEquals(201, retry.statusCode(), retry.asString() + "\nthe provisioner logged:\n"
                + provisioner.problemsLogged());
        String id = retry.jsonPath().getString("id");
        Response again = create(app, key);
        assertEquals(201, again.statusCode(), again.asString());
        assertEquals(id, again.jsonPath().getString("id"), "the same key gives the same database");

        assertEquals(1, given().queryParam("app", app.replace('-', '_')).get("/api/databases").jsonPath()
                .getInt("total"), "one database in the catalog");
        String database = given().get("/api/databases/" + id).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("ready")).extract().jsonPath().getString("database");
        assertNotNull(database);
        String pattern = "app\\_" + app.replace('-', '_') + "%";
        // Recovery of what the killed process left runs at its start; give it the time it needs.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals("1", sql("SELECT count(*) FROM pg_database WHERE datname LIKE '" + pattern + "'"),
                    "exactly one database on the server");
            assertEquals("1", sql("SELECT count(*) FROM pg_roles WHERE rolname LIKE '"
                    + pattern.replace("app\\_", "berth\\_") + "'"), "exactly one role on the server");
        });
        assertEquals(database, sql("SELECT datname FROM pg_database WHERE datname LIKE '" + pattern + "'"));
    }

    /**
     * A dedicated instance's create cut off once its container runs (before it is healthy and recorded): the
     * registry forgets the instance (503); the provisioner's next start removes the container, volume and admin
     * secret that nobody recorded; the create tried again makes the whole instance under the same name.
     */
    @Test
    void anInstanceCreateCutOffOnceItsContainerRunsLeavesNothingAndTheRetryMakesIt() throws Exception {
        ServiceProcess provisioner = ServiceProcess.provisioner(2);
        PodmanService podman = PodmanService.get();
        String name = "ic" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> body = Map.of("name", name, "engine", "redis");
        provisioner.restartWith(Map.of("berth.faults.pause-at", "instance.started"));
        try {
            CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                    .body(body).post("/api/instances"));
            provisioner.awaitLog("fault point instance.started reached", Duration.ofSeconds(120));
            assertEquals(List.of(name + "-production-redis"), leftovers(podman, name, "ps", "-a"), "its container runs");
            provisioner.kill();
            Response cut = first.get(60, TimeUnit.SECONDS);
            assertEquals(503, cut.statusCode(), cut.asString());
        } finally {
            provisioner.restartWith(Map.of());
        }
        provisioner.awaitLog("removing container " + name + "-production-redis of an instance whose create a restart "
                + "cut off", Duration.ofSeconds(10));
        assertEquals(List.of(), leftovers(podman, name, "ps", "-a"), "no container left");
        assertEquals(List.of(), leftovers(podman, name, "volume", "ls"), "no volume left");
        assertEquals(List.of(), leftovers(podman, name, "secret", "ls"), "no secret left");
        assertTrue(given().queryParam("size", 200).get("/api/instances").jsonPath().getList("items.name").stream()
                .noneMatch(name::equals), "the registry forgot it");

        Response made = given().contentType(ContentType.JSON).body(body).post("/api/instances");
        assertEquals(201, made.statusCode(), made.asString());
        assertEquals("ready", made.jsonPath().getString("instance.status"));
        assertEquals(List.of(name + "-production-redis"), leftovers(podman, name, "ps", "-a"));
        given().queryParam("force", true).delete("/api/instances/" + made.jsonPath().getString("instance.id"))
                .then().statusCode(204);
    }

    /** Names of containers, volumes or secrets (as {@code podman <list>} shows them) that contain {@code name}. */
    private static List<String> leftovers(PodmanService podman, String name, String... list) {
        List<String> command = new java.util.ArrayList<>(List.of(list));
        command.addAll(List.of("--format", list[0].equals("ps") ? "{{.Names}}" : "{{.Name}}"));
        Commands.Result result = podman.podman(command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.output());
        return result.output().lines().map(String::strip).filter(n -> n.contains(name)).toList();
    }

    private static Response create(String app, String key) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("app", app, "warmPool", false)).when().post("/api/databases");
    }

    private static String sql(String query) {
        return TestInfrastructure.get().postgres().sql("postgres", query).trim();
    }
}
