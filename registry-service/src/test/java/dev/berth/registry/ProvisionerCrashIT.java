package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.berth.testing.ServiceProcess;
import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
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

    private static Response create(String app, String key) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("app", app, "warmPool", false)).when().post("/api/databases");
    }

    private static String sql(String query) {
        return TestInfrastructure.get().postgres().sql("postgres", query).trim();
    }
}
