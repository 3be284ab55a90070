package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.embedded.Commands;
import dev.berth.embedded.FreePorts;
import dev.berth.testing.PodmanService;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A PostgreSQL container Berth did not start is found by its image and adopted as an instance. */
@QuarkusTest
class AdoptionIT {

    @Test
    void aPostgresContainerIsDetectedAdoptedAndServesAppDatabases() throws Exception {
        PodmanService podman = PodmanService.get();
        String name = "pg-" + UUID.randomUUID().toString().substring(0, 6);
        String password = UUID.randomUUID().toString().replace("-", "");
        int port = FreePorts.next();
        Commands.Result run = podman.podman("run", "-d", "--name", name, "--label", "berth.owner=" + podman.owner(),
                "-e", "POSTGRES_PASSWORD=" + password, "-p", "127.0.0.1:" + port + ":5432",
                "localhost/berth/postgres:bookworm");
        assertEquals(0, run.exitCode(), run.output());
        String containerId = run.output().strip();
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                        "postgres", password)) {
                    return c.isValid(2);
                }
            });
            JsonPath candidate = given().get("/api/instances/detect").then().statusCode(200).extract().jsonPath();
            String path = "find { it.containerId == '" + containerId + "' }";
            assertEquals("postgresql", candidate.getString(path + ".engine"));
            assertEquals("127.0.0.1", candidate.getString(path + ".host"));
            assertEquals(port, candidate.getInt(path + ".port"));
            assertEquals(true, candidate.getBoolean(path + ".adoptable"));

            // Wrong credentials: refused with the reason, nothing registered.
            given().contentType(ContentType.JSON).body(Map.of("adminUser", "postgres", "adminPassword", "wrong"))
                    .when().post("/api/instances/adopt/" + containerId)
                    .then().statusCode(422).contentType("application/problem+json");
            given().get("/api/instances").then().body("name", not(hasItem(name)));
            given().contentType(ContentType.JSON).body(Map.of("adminUser", "postgres", "adminPassword", password))
                    .when().post("/api/instances/adopt/no-such-container").then().statusCode(404);

            String instanceId = given().contentType(ContentType.JSON)
                    .body(Map.of("adminUser", "postgres", "adminPassword", password))
                    .when().post("/api/instances/adopt/" + containerId)
                    .then().statusCode(201).body("name", equalTo(name)).body("port", equalTo(port))
                    .body("status", equalTo("ready")).body("$", not(hasKey("adminPassword"))).extract().path("id");
            given().get("/api/instances/detect").then().body("containerId", not(hasItem(containerId)));

            // The adopted instance serves app databases like any other.
            JsonPath db = given().contentType(ContentType.JSON).body(Map.of("app", "adopted" + name.substring(3),
                            "instance", name))
                    .when().post("/api/databases").then().statusCode(201)
                    .body("instance.name", equalTo(name)).extract().jsonPath();
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/"
                    + db.getString("database"), db.getString("credentials.username"),
                    db.getString("credentials.password"))) {
                c.createStatement().execute("CREATE TABLE adopted (x int)");
            }
            given().delete("/api/databases/" + db.getString("id")).then().statusCode(204);
            given().delete("/api/instances/" + instanceId).then().statusCode(204);
        } finally {
            podman.podman("rm", "-f", "-t", "0", "-v", name);
        }
    }

    @Test
    void otherEnginesAreListedButNotAdoptedYet() {
        PodmanService podman = PodmanService.get();
        String name = "redis-" + UUID.randomUUID().toString().substring(0, 6);
        Commands.Result run = podman.podman("run", "-d", "--name", name, "--label", "berth.owner=" + podman.owner(),
                "localhost/berth/redis:bookworm");
        assertEquals(0, run.exitCode(), run.output());
        try {
            given().get("/api/instances/detect").then().statusCode(200)
                    .body("find { it.name == '" + name + "' }.engine", equalTo("redis"))
                    .body("find { it.name == '" + name + "' }.adoptable", equalTo(false));
            given().contentType(ContentType.JSON).body(Map.of("adminUser", "default", "adminPassword", "x"))
                    .when().post("/api/instances/adopt/" + name)
                    .then().statusCode(501).body("detail", containsString("redis"));
        } finally {
            podman.podman("rm", "-f", "-t", "0", "-v", name); // -v: the image's anonymous data volume too
        }
    }
}
