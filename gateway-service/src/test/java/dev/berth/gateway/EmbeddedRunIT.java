package dev.berth.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.embedded.Commands;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's first command as a user runs it: {@code ./berth up} on its own state directory and ports (the jars
 * this build just made), then what an operator would check — another local user gets no PostgreSQL login, sign-in
 * and a database through the gateway, a killed service comes back by itself and {@code ./berth status} says so,
 * and {@code ./berth down} leaves nothing running. Runs last in the reactor: it needs all four service jars.
 */
class EmbeddedRunIT {

    private static RunningBerth berth;
    private static Path home;
    private static Map<String, String> env;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void up() {
        berth = RunningBerth.up();
        home = berth.home();
        env = berth.env();
    }

    @AfterAll
    static void down() {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void anotherLocalUserGetsNoDatabaseLogin() {
        if (!Commands.runningAsRoot()) {
            return; // ./berth up itself refuses non-root users
        }
        String port = env.get("BERTH_PG_PORT");
        for (String host : List.of(home.resolve("postgres/socket").toString(), "127.0.0.1")) {
            Commands.Result psql = Commands.tryRun(List.of("runuser", "-u", "nobody", "--", "psql", "-X", "-w", "-h",
                    host, "-p", port, "-U", "postgres", "-d", "postgres", "-c", "SELECT 1"), Map.of(), null, 30, null);
            assertNotEquals(0, psql.exitCode(), host + ": " + psql.output());
        }
    }

    @Test
    void signInAndADatabaseThroughTheGateway() throws Exception {
        String gateway = "http://127.0.0.1:" + env.get("BERTH_GATEWAY_PORT");
        String password = Files.readString(home.resolve("secrets/admin.password")).strip();
        HttpResponse<String> login = post(gateway + "/api/auth/login", null,
                "{\"username\":\"admin\",\"password\":\"" + password + "\"}");
        assertEquals(200, login.statusCode(), login.body());
        String token = login.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
        HttpResponse<String> created = post(gateway + "/api/databases", token, "{\"app\":\"embedded_run\"}");
        assertEquals(201, created.statusCode(), created.body());
        String id = created.body().replaceAll("^\\{\"id\":\"([^\"]+)\".*", "$1");
        HttpResponse<String> deleted = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/api/databases/" + id
                + "?policy=delete")).header("Authorization", "Bearer " + token).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, deleted.statusCode(), deleted.body());
    }

    @Test
    void aKilledServiceIsRestartedAndCounted() throws Exception {
        String pid = Files.readString(home.resolve("run/backup/pid")).strip();
        assertEquals(0, Commands.tryRun(List.of("kill", "-9", pid), null, 10, null).exitCode());
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = berth(60, "status").output();
            if (status.matches("(?s).*backup-service: running \\(pid \\d+\\)[^\\n]*UP, restarted 1 time.*")) {
                break;
            }
            Thread.sleep(1000);
        }
        assertTrue(status.matches("(?s).*backup-service: running \\(pid \\d+\\)[^\\n]*UP, restarted 1 time "
                + "\\(last: exit 137 at .*"), status);
        assertNotEquals(pid, Files.readString(home.resolve("run/backup/pid")).strip());
    }

    private static HttpResponse<String> post(String url, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Commands.Result berth(int seconds, String... args) {
        return berth.run(seconds, args);
    }
}
