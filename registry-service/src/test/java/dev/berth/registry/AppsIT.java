package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.contracts.events.ContainerRemoved;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.embedded.Commands;
import dev.berth.testing.PodmanService;
import dev.berth.testing.TestEvents;
import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Apps deployed through the registry on the real provisioner, real Podman and the harness PostgreSQL: the injected
 * database works from inside the container, removal runs the app's policy, and refused deploys leave nothing.
 */
@QuarkusTest
class AppsIT {

    private static final List<String> SLEEP = List.of("sleep", "600");

    @Test
    void anAppWithAnEmptyDatabaseUrlGetsAWorkingDatabaseAndDeleteDropsIt() {
        String name = "shop-" + suffix();
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", "", "JDBC_DATABASE_URL", "", "GREETING", "hi"));
        JsonPath app = deploy(Map.of("name", name, "image", PodmanService.APP_IMAGE, "env", env, "command", SLEEP,
                "deletionPolicy", "delete"))
                .then().statusCode(201)
                .body("status", equalTo("running"))
                .body("databaseMode", equalTo("auto"))
                .body("bindings.variable", equalTo(List.of("DATABASE_URL", "JDBC_DATABASE_URL")))
                .body("env.DATABASE_URL", equalTo("")) // only what the user gave is stored and shown
                .extract().jsonPath();
        String databaseId = app.getString("databaseId");
        String containerId = app.getString("containerId");

        // From inside the container, with the injected URL: connect, create a table, and see who we are.
        Commands.Result inside = PodmanService.get().podman("exec", name, "sh", "-c",
                "psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -qtAc 'CREATE TABLE hello (x int); SELECT current_user'");
        assertEquals(0, inside.exitCode(), inside.output());
        String role = inside.output().strip();
        assertTrue(role.startsWith("berth_shop_"), role);
        Commands.Result jdbc = PodmanService.get().podman("exec", name, "sh", "-c", "echo \"$JDBC_DATABASE_URL\"; "
                + "echo \"$PGHOST:$PGPORT/$PGDATABASE\"; echo \"$GREETING\"");
        assertTrue(jdbc.output().startsWith("jdbc:postgresql://host.containers.internal:"), "JDBC URL injected");
        assertTrue(jdbc.output().contains("host.containers.internal:" + pg().port() + "/app_shop_"), jdbc.output());
        assertTrue(jdbc.output().strip().endsWith("hi"), "the user's own env is kept");
        String database = given().when().get("/api/databases/" + databaseId).then().statusCode(200)
                .body("app", equalTo(name.replace('-', '_'))).extract().path("database");

        given().when().delete("/api/apps/" + app.getString("id")).then().statusCode(202);
        // Podman's remove event → registry: app removed, database orphaned, quarantined, dropped after the grace.
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/databases/" + databaseId).statusCode()
                == 404);
        assertFalse(exists("pg_database", "datname", database));
        assertFalse(exists("pg_roles", "rolname", role));
        given().when().get("/api/apps/" + app.getString("id")).then().statusCode(200)
                .body("status", equalTo("removed")).body("removedAt", notNullValue());
        assertEquals(1, PodmanService.get().podman("container", "exists", containerId).exitCode());
    }

    @Test
    void keepMakesAQuarantinedOrphanThatCanBeReattachedAndRedeployed() {
        String name = "blog-" + suffix();
        JsonPath app = deploy(Map.of("name", name, "image", PodmanService.APP_IMAGE, "env",
                Map.of("SPRING_DATASOURCE_URL", ""), "command", SLEEP)).then().statusCode(201)
                .body("deletionPolicy", equalTo("keep")).extract().jsonPath();
        String databaseId = app.getString("databaseId");
        String username = given().get("/api/databases/" + databaseId).then().extract().path("username");
        assertTrue(PodmanService.get().podman("exec", name, "sh", "-c", "test -n \"$SPRING_DATASOURCE_PASSWORD\"")
                .exitCode() == 0, "Spring gets its username and password next to the URL");

        given().when().delete("/api/apps/" + app.getString("id")).then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/databases/orphans").jsonPath()
                .getList("findAll { it.quarantined }.id").contains(databaseId));
        assertEquals("f", pg().sql("postgres", "SELECT rolcanlogin FROM pg_roles WHERE rolname = '" + username + "'"));
        // Well past the grace period a kept orphan is still there.
        sleep(Duration.ofSeconds(4));
        given().get("/api/databases/" + databaseId).then().statusCode(200).body("status", equalTo("ready"));

        given().when().post("/api/databases/" + databaseId + "/reattach").then().statusCode(200);
        assertEquals("t", pg().sql("postgres", "SELECT rolcanlogin FROM pg_roles WHERE rolname = '" + username + "'"));
        given().get("/api/databases/orphans").then().body("id", not(hasItem(databaseId)));
        given().when().post("/api/databases/" + databaseId + "/reattach").then().statusCode(409);

        // Deployed again, the app gets its own database back.
        deploy(Map.of("name", name, "image", PodmanService.APP_IMAGE, "env", Map.of("DATABASE_URL", ""), "command",
                SLEEP)).then().statusCode(201).body("databaseId", equalTo(databaseId));
        Commands.Result inside = PodmanService.get().podman("exec", name, "sh", "-c",
                "psql \"$DATABASE_URL\" -tAc 'SELECT current_user'");
        assertEquals(0, inside.exitCode(), inside.output());
    }

    @Test
    void aRotationHandsTheNewCredentialsToTheBoundApp() {
        String name = "wiki-" + suffix();
        JsonPath app = deploy(Map.of("name", name, "image", PodmanService.APP_IMAGE, "env", Map.of("DATABASE_URL", ""),
                "command", SLEEP, "deletionPolicy", "delete")).then().statusCode(201).extract().jsonPath();
        String databaseId = app.getString("databaseId");
        String oldUser = PodmanService.get().podman("exec", name, "printenv", "PGUSER").output().strip();

        JsonPath rotated = given().contentType(ContentType.JSON).body(Map.of("mode", "zero-downtime", "graceSeconds",
                        120))
                .when().post("/api/databases/" + databaseId + "/rotate-credentials")
                .then().statusCode(200).body("handedTo", equalTo(List.of(name))).extract().jsonPath();
        String newUser = rotated.getString("credentials.username");
        assertTrue(!newUser.equals(oldUser), newUser);

        // The container was recreated (same name) with the new login, and it connects with it (session_user: the
        // login; current_user is the owner role every login acts as).
        Commands.Result inside = PodmanService.get().podman("exec", name, "sh", "-c",
                "psql \"$DATABASE_URL\" -qtAc 'SELECT session_user'");
        assertEquals(0, inside.exitCode(), inside.output());
        assertEquals(newUser, inside.output().strip());
        JsonPath after = given().get("/api/apps/" + app.getString("id")).jsonPath();
        assertTrue(!after.getString("containerId").equals(app.getString("containerId")));
        assertEquals(1, PodmanService.get().podman("container", "exists", app.getString("containerId")).exitCode());
        // The old container's removal did not orphan anything.
        sleep(Duration.ofSeconds(2));
        given().get("/api/apps/" + app.getString("id")).then().body("status", equalTo("running"))
                .body("removedAt", equalTo(null));
        given().get("/api/databases/orphans").then().body("id", not(hasItem(databaseId)));
        given().when().delete("/api/apps/" + app.getString("id")).then().statusCode(202);
    }

    @Test
    void aStoppedContainerIsNotGoneEvenWhenARemovalIsReportedForIt() {
        String name = "cron-" + suffix();
        JsonPath app = deploy(Map.of("name", name, "image", PodmanService.APP_IMAGE, "env", Map.of("DATABASE_URL", ""),
                "command", SLEEP, "deletionPolicy", "delete")).then().statusCode(201).extract().jsonPath();
        String id = app.getString("id");
        String databaseId = app.getString("databaseId");
        given().when().post("/api/apps/" + id + "/stop").then().statusCode(200).body("status", equalTo("exited"));
        await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/api/apps/" + id).jsonPath()
                .getString("status"), equalTo("stopped"));

        // A removal report for a container that still exists (stopped): the sweep asks Podman and keeps the data.
        TestEvents.publish(EventEnvelope.of("/berth/provisioner", new ContainerRemoved(app.getString("containerId"),
                name, name)));
        await().atMost(Duration.ofSeconds(20)).until(() -> "removed".equals(given().get("/api/apps/" + id).jsonPath()
                .getString("status")));
        sleep(Duration.ofSeconds(5)); // longer than the grace period
        given().get("/api/databases/" + databaseId).then().statusCode(200).body("status", equalTo("ready"));
        given().get("/api/databases/orphans").then().body("id", not(hasItem(databaseId)));
        assertEquals(0, PodmanService.get().podman("container", "exists", name).exitCode());
        PodmanService.get().podman("rm", "-f", "-t", "0", name);
    }

    @Test
    void refusedDeploysLeaveNoAppNoDatabaseAndNoContainer() throws Exception {
        String name = "bad-" + suffix();
        Map<String, String> env = Map.of("DATABASE_URL", "");
        deploy(Map.of("name", name, "image", "localhost/berth/no-such-image:1", "env", env))
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("not on this host"));
        deploy(Map.of("name", name, "image", PodmanService.APP_IMAGE, "env", Map.of("1BAD", "")))
                .then().statusCode(400).body("detail", containsString("1BAD"));
        deploy(Map.of("name", "Bad Name", "image", PodmanService.APP_IMAGE)).then().statusCode(400)
                .body("type", containsString("invalid-name"));
        deploy(Map.of("name", name, "image", PodmanService.APP_IMAGE, "database", Map.of("mode", "dedicated",
                "engine", "oracle"))).then().statusCode(400).body("detail", containsString("engine must be one of"));
        deploy(Map.of("name", name, "image", PodmanService.APP_IMAGE, "database", Map.of("mode", "sideways")))
                .then().statusCode(400);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            deploy(Map.of("name", name, "image", PodmanService.APP_IMAGE, "env", env, "command", SLEEP,
                    "ports", List.of(Map.of("hostPort", taken.getLocalPort(), "containerPort", 80))))
                    .then().statusCode(409).body("type", containsString("port-in-use"));
        }
        given().queryParam("app", name).get("/api/databases").then().statusCode(200).body("items.size()", equalTo(0));
        given().get("/api/apps").then().body("name", not(hasItem(name)));
        assertEquals(1, PodmanService.get().podman("container", "exists", name).exitCode());
        assertEquals("0", pg().sql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'app_"
                + name.replace('-', '_') + "%'"));

        // A name clash: the second deploy is refused, the first app is untouched.
        deploy(Map.of("name", name, "image", PodmanService.APP_IMAGE, "command", SLEEP, "database",
                Map.of("mode", "none"))).then().statusCode(201).body("databaseId", equalTo(null));
        deploy(Map.of("name", name, "image", PodmanService.APP_IMAGE, "command", SLEEP)).then().statusCode(409);
        assertEquals(0, PodmanService.get().podman("container", "exists", name).exitCode());
        PodmanService.get().podman("rm", "-f", "-t", "0", name);
    }

    @Test
    void detectionPreviewSaysWhatADeployWouldDo() {
        given().queryParam("env", "DATABASE_URL=", "SPRING_DATASOURCE_URL=", "POSTGRES_URL=postgresql://mine/db",
                        "PORT=8080")
                .when().get("/api/databases/detect")
                .then().statusCode(200)
                .body("needed", equalTo(true))
                .body("engine", equalTo("postgresql"))
                .body("bindings.variable", equalTo(List.of("DATABASE_URL", "SPRING_DATASOURCE_URL")))
                .body("bindings.format", equalTo(List.of("uri", "jdbc")))
                .body("keptAsGiven", equalTo(List.of("POSTGRES_URL")))
                .body("injected", hasItem("PGPASSWORD"));
        given().queryParam("env", "PORT=8080").when().get("/api/databases/detect")
                .then().statusCode(200).body("needed", equalTo(false));
    }

    @Test
    void aDeployRetriedWithItsIdempotencyKeyIsTheSameAppAndAnotherRequestUnderItIsRefused() {
        String name = "keyed-" + suffix();
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("name", name, "image", PodmanService.APP_IMAGE, "env",
                Map.of("DATABASE_URL", ""), "command", SLEEP, "deletionPolicy", "delete");
        // Refused first (no such image): nothing is kept under the key, so the corrected request may use it.
        given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("name", name, "image", "localhost/berth/no-such-image:1")).post("/api/apps")
                .then().statusCode(422);
        JsonPath first = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/api/apps").then().statusCode(201).extract().jsonPath();
        JsonPath second = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/api/apps").then().statusCode(201).extract().jsonPath();
        assertEquals(first.getString("id"), second.getString("id"));
        assertEquals(first.getString("containerId"), second.getString("containerId"));
        assertEquals(first.getString("databaseId"), second.getString("databaseId"));
        given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("name", name, "image", PodmanService.APP_IMAGE, "command", SLEEP)).post("/api/apps")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("already used for a different deploy"));
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k".repeat(201)).body(body).post("/api/apps")
                .then().statusCode(400).body("detail", containsString("Idempotency-Key"));
        assertEquals(1, given().get("/api/apps").jsonPath().getList("findAll { it.name == '" + name + "' }").size());
        assertEquals("1", pg().sql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'app_"
                + name.replace('-', '_') + "%'"));
        given().delete("/api/apps/" + first.getString("id")).then().statusCode(202);
    }

    private static io.restassured.response.Response deploy(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/apps");
    }

    private static dev.berth.embedded.PostgresCluster pg() {
        return TestInfrastructure.get().postgres();
    }

    private static boolean exists(String catalog, String column, String name) {
        return "1".equals(pg().sql("postgres", "SELECT count(*) FROM " + catalog + " WHERE " + column + " = '" + name
                + "'"));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
