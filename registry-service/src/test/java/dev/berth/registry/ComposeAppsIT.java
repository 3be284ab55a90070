package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.embedded.Commands;
import dev.berth.testing.PodmanService;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A docker-compose project through the hook: an app per compose service, not per container. Replicas share the
 * service's one database; {@code down} quarantines it (kept, login disabled); the next {@code up} gets the same
 * database and its data back.
 */
@QuarkusTest
class ComposeAppsIT {

    private final PodmanService podman = PodmanService.get();

    @Test
    void replicasShareOneDatabaseAndDownUpKeepsTheData() throws IOException {
        String project = "cmp" + UUID.randomUUID().toString().substring(0, 6);
        String app = project + "-web";
        Path dir = Files.createTempDirectory("berth-compose");
        Files.writeString(dir.resolve("docker-compose.yml"), """
                version: "3"
                services:
                  web:
                    image: %s
                    command: ["sleep", "600"]
                    environment:
                      DATABASE_URL: ""
                """.formatted(PodmanService.APP_IMAGE));
        List<String> compose = List.of("docker-compose", "-p", project, "-f", dir.resolve("docker-compose.yml")
                .toString());
        try {
            Commands.Result up = compose(compose, "up", "-d", "--scale", "web=2");
            assertEquals(0, up.exitCode(), up.output());
            List<String> replicas = containers(project);
            assertEquals(2, replicas.size(), "two replicas: " + replicas);

            // One app, one database, and both replicas log in to it as the same role.
            await().atMost(Duration.ofSeconds(20)).until(() -> app(app) != null
                    && "running".equals(app(app).getString("status")));
            String databaseId = app(app).getString("databaseId");
            List<Map<String, Object>> databases = given().queryParam("app", app.replace('-', '_')).get("/api/databases")
                    .jsonPath().getList("items");
            assertEquals(1, databases.size(), "one database for the service: " + databases);
            assertEquals(databaseId, databases.get(0).get("id"));
            assertEquals(1, appsNamed(project), "one app for the service, not one per container");
            String first = psql(replicas.get(0), "CREATE TABLE visits (n int); INSERT INTO visits VALUES (42); "
                    + "SELECT current_database()");
            String second = psql(replicas.get(1), "SELECT n FROM visits");
            assertTrue(first.endsWith("app_" + app.replace('-', '_')), first);
            assertEquals("42", second, "the second replica sees what the first wrote");

            // down: the app is gone, its database kept and quarantined (policy keep for hook apps).
            Commands.Result down = compose(compose, "down");
            assertEquals(0, down.exitCode(), down.output());
            await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/databases/orphans").jsonPath()
                    .getList("findAll { it.id == '" + databaseId + "' && it.quarantined }").size() == 1);
            assertEquals(null, app(app));

            // up again: the same database, released from quarantine, with the data.
            Commands.Result again = compose(compose, "up", "-d");
            assertEquals(0, again.exitCode(), again.output());
            await().atMost(Duration.ofSeconds(20)).until(() -> app(app) != null);
            assertEquals(databaseId, app(app).getString("databaseId"));
            assertEquals("42", psql(containers(project).get(0), "SELECT n FROM visits"));
            given().get("/api/databases/orphans").then().statusCode(200);
            assertTrue(given().get("/api/databases/orphans").jsonPath().getList("id").stream()
                    .noneMatch(databaseId::equals), "no longer an orphan");
        } finally {
            compose(compose, "down");
        }
    }

    private Commands.Result compose(List<String> compose, String... args) {
        List<String> command = new ArrayList<>(List.of("timeout", "120"));
        command.addAll(compose);
        command.addAll(List.of(args));
        return Commands.tryRun(command, Map.of("DOCKER_HOST", "unix://" + podman.hookSocket()), null, 150, null);
    }

    private List<String> containers(String project) {
        String ids = podman.podman("ps", "-q", "--filter", "label=com.docker.compose.project=" + project).output()
                .strip();
        return ids.isEmpty() ? List.of() : List.of(ids.split("\\s+"));
    }

    private String psql(String container, String sql) {
        Commands.Result result = podman.podman("exec", container, "sh", "-c", "psql \"$DATABASE_URL\" -v "
                + "ON_ERROR_STOP=1 -qtAc \"" + sql + "\"");
        assertEquals(0, result.exitCode(), result.output());
        String[] lines = result.output().strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    private static long appsNamed(String project) {
        return given().get("/api/apps").jsonPath().getList("name", String.class).stream()
                .filter(name -> name.startsWith(project)).count();
    }

    private static JsonPath app(String name) {
        List<Map<String, Object>> apps = given().get("/api/apps").jsonPath().getList("findAll { it.name == '" + name
                + "' }");
        return apps.isEmpty() ? null : given().get("/api/apps/" + apps.get(0).get("id")).jsonPath();
    }
}
