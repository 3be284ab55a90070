package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.embedded.Commands;
import dev.berth.testing.PodmanService;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The provisioner's Podman admission hook, used by the real podman CLI ({@code podman --url unix://hook}) and by a
 * Docker-API client (curl): container creates get their database injected, everything else passes through.
 */
@QuarkusTest
class AdmissionHookIT {

    private final PodmanService podman = PodmanService.get();

    @Test
    void podmanRunThroughTheHookGetsAWorkingDatabase() {
        String name = "hooked-" + suffix();
        Commands.Result run = podman.podmanThroughHook("run", "-d", "--name", name, "-e", "DATABASE_URL=",
                "-e", "GREETING=hi", PodmanService.APP_IMAGE, "sleep", "600");
        assertEquals(0, run.exitCode(), run.output());
        String databaseId = null;
        try {
            Commands.Result inside = podman.podman("exec", name, "sh", "-c",
                    "psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -qtAc 'CREATE TABLE t (x int); SELECT current_user'; "
                            + "echo \"$GREETING\"");
            assertEquals(0, inside.exitCode(), inside.output());
            assertTrue(inside.output().startsWith("berth_hooked_"), inside.output());
            assertTrue(inside.output().strip().endsWith("hi"));
            // The registry knows the app, its database and (from Podman's events) its container.
            await().atMost(Duration.ofSeconds(20)).until(() -> app(name) != null
                    && "running".equals(app(name).getString("status")));
            JsonPath app = app(name);
            databaseId = app.getString("databaseId");
            assertEquals(run.output().strip(), app.getString("containerId"));
            given().get("/api/databases/" + app.getString("databaseId")).then().statusCode(200)
                    .body("status", equalTo("ready"));
            // Other calls pass through unchanged: inspect through the hook shows Berth's labels.
            Commands.Result labels = podman.podmanThroughHook("inspect", "--format",
                    "{{index .Config.Labels \"berth.database\"}}", name);
            assertEquals(app.getString("databaseId"), labels.output().strip());
        } finally {
            podman.podmanThroughHook("rm", "-f", "-t", "0", name);
        }
        // Removed through the hook like any podman client: the app is gone, its database kept as an orphan (keep).
        String kept = databaseId;
        await().atMost(Duration.ofSeconds(20)).until(() -> app(name) == null && given().get("/api/databases/orphans")
                .jsonPath().getList("id").contains(kept));
    }

    @Test
    void dockerApiCreateIsInjectedToo() {
        String name = "docker-" + suffix();
        String body = "{\"Image\":\"" + PodmanService.APP_IMAGE + "\",\"Cmd\":[\"sleep\",\"600\"],"
                + "\"Env\":[\"JDBC_DATABASE_URL=\",\"X=1\"]}";
        Commands.Result created = Commands.tryRun(List.of("curl", "-sS", "--unix-socket", podman.hookSocket()
                .toString(), "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body,
                "http://d/v1.41/containers/create?name=" + name), null, 60, null);
        assertTrue(created.output().contains("\"Id\""), created.output());
        try {
            Commands.Result env = podman.podman("inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}",
                    name);
            assertTrue(env.output().contains("JDBC_DATABASE_URL=jdbc:postgresql://host.containers.internal:"),
                    "the JDBC URL was injected");
            assertTrue(env.output().contains("X=1"));
            assertTrue(env.output().contains("PGPASSWORD="));
        } finally {
            podman.podman("rm", "-f", "-t", "0", name);
        }
    }

    @Test
    void optOutPlainContainersAndRefusalsAreHonoured() {
        String optOut = "optout-" + suffix();
        Commands.Result run = podman.podmanThroughHook("run", "-d", "--name", optOut, "--label",
                "berth.database=none", "-e", "DATABASE_URL=", PodmanService.APP_IMAGE, "sleep", "600");
        assertEquals(0, run.exitCode(), run.output());
        String plain = "plain-" + suffix();
        assertEquals(0, podman.podmanThroughHook("run", "-d", "--name", plain, PodmanService.APP_IMAGE, "sleep", "600")
                .exitCode());
        try {
            assertEquals("", podman.podman("exec", optOut, "printenv", "DATABASE_URL").output().strip());
            assertEquals(null, app(optOut));
            assertEquals(null, app(plain));
        } finally {
            podman.podman("rm", "-f", "-t", "0", optOut, plain);
        }

        String refused = "refused-" + suffix();
        Commands.Result bad = podman.podmanThroughHook("run", "-d", "--name", refused, "--label",
                "berth.database=not-a-database", "-e", "DATABASE_URL=", PodmanService.APP_IMAGE, "sleep", "600");
        assertNotEquals(0, bad.exitCode());
        assertTrue(bad.output().contains("berth.database must be none or a database id"), bad.output());
        assertEquals(1, podman.podman("container", "exists", refused).exitCode(), "nothing was created");

        // Podman refuses an admitted create (unknown image): the admission is undone, no database is left.
        String noImage = "noimage-" + suffix();
        Commands.Result missing = podman.podmanThroughHook("create", "--pull=never", "--name", noImage, "-e",
                "DATABASE_URL=", "localhost/berth/no-such-image:1");
        assertNotEquals(0, missing.exitCode());
        assertEquals(null, app(noImage));
        given().queryParam("app", noImage.replace('-', '_')).get("/api/databases").then()
                .body("items.size()", equalTo(0));
    }

    @Test
    void anAdmissionWhoseCreateNeverHappenedCanBeDeletedAndLeavesNothing() {
        String name = "stuck-" + suffix();
        // What the hook asks before a create; here the create never comes (the client or the hook died).
        JsonPath admission = given().contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("name", name, "image", PodmanService.APP_IMAGE, "env", Map.of("DATABASE_URL", ""),
                        "labels", Map.of()))
                .when().post("/internal/admissions").then().statusCode(200).extract().jsonPath();
        String databaseId = admission.getString("databaseId");
        given().get("/api/databases/" + databaseId).then().statusCode(200);
        given().when().delete("/api/apps/" + admission.getString("appId")).then().statusCode(202);
        assertEquals(null, app(name));
        given().get("/api/databases/" + databaseId).then().statusCode(404);
    }

    private static JsonPath app(String name) {
        List<Map<String, Object>> apps = given().get("/api/apps").jsonPath().getList("findAll { it.name == '" + name
                + "' }");
        if (apps.isEmpty()) {
            return null;
        }
        return given().get("/api/apps/" + apps.get(0).get("id")).jsonPath();
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
