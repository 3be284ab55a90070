package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.service.DatabaseSamples;
import dev.berth.security.Roles;
import dev.berth.testing.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A database over time (sampled figures) and right now (its sessions), as the dashboard's details page shows them. */
@QuarkusTest
class DatabaseActivityIT {

    @Inject
    DatabaseSamples samples;

    @Test
    void samplesGiveSizeConnectionsAndTransactionsPerSecondAndTheListShowsTheNewest() throws SQLException {
        JsonPath db = create("figures");
        String id = db.getString("id");
        try (Connection c = DriverManager.getConnection(db.getString("connection.jdbc"));
                Statement st = c.createStatement()) {
            samples.sample().await().indefinitely();
            st.execute("CREATE TABLE t (id int)");
            for (int i = 0; i < 200; i++) {
                st.execute("INSERT INTO t VALUES (" + i + ")");
            }
            // A session reports its counters to pg_stat_database when it has been idle a while (PostgreSQL 15: about
            // a second), so the sampler sees the 200 commits a little later.
            await().pollInterval(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(20)).until(() -> {
                samples.sample().await().indefinitely();
                return given().get("/api/databases/" + id + "/samples?hours=1").jsonPath().getList("tps", Double.class)
                        .stream().anyMatch(t -> t != null && t > 0);
            });
        }
        List<Map<String, Object>> points = given().get("/api/databases/" + id + "/samples?hours=1").then()
                .statusCode(200).extract().jsonPath().getList("");
        assertTrue(points.size() >= 2, points.toString());
        assertEquals(null, points.get(0).get("tps"));
        Map<String, Object> last = points.get(points.size() - 1);
        assertTrue(((Number) last.get("sizeBytes")).longValue() > 1_000_000, points.toString());
        assertEquals(1, ((Number) last.get("connections")).intValue(), points.toString());
        given().queryParam("app", db.getString("app")).get("/api/databases").then().statusCode(200)
                .body("items[0].latest.connections", equalTo(1))
                .body("items[0].latest.sizeBytes", not(nullValue()));
        given().get("/api/databases/" + id + "/samples?hours=0").then().statusCode(400)
                .body("detail", containsString("hours must be between 1 and 336"));
        given().get("/api/databases/" + UUID.randomUUID() + "/samples").then().statusCode(404);
    }

    @Test
    void sessionsAreListedWithTheirStatementForOperatorsOnlyAndCanBeEnded() throws Exception {
        JsonPath db = create("sessions");
        String id = db.getString("id");
        String password = db.getString("credentials.password");
        Connection held = DriverManager.getConnection(db.getString("connection.jdbc"));
        CompletableFuture<Throwable> sleeping = CompletableFuture.supplyAsync(() -> {
            try (Statement st = held.createStatement()) {
                st.execute("SELECT pg_sleep(60) /* batch job */");
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/api/databases/" + id + "/sessions")
                .jsonPath().getList("query", String.class).stream().anyMatch(q -> q != null && q.contains("pg_sleep")));
        JsonPath sessions = given().get("/api/databases/" + id + "/sessions").then().statusCode(200)
                .body("user", hasItem(db.getString("username")))
                .body("state", hasItem("active"))
                .extract().jsonPath();
        int pid = sessions.getInt("find { it.query != null && it.query.contains('pg_sleep') }.pid");
        // A viewer sees who is connected, not what they run.
        given().header("Authorization", "Bearer " + TestKeys.bearer("vic", Roles.VIEWER)).get("/api/databases/" + id + "/sessions")
                .then().statusCode(200).body("pid", hasItem(pid)).body("query", not(hasItem(containsString("pg_"))));
        given().header("Authorization", "Bearer " + TestKeys.bearer("vic", Roles.VIEWER))
                .delete("/api/databases/" + id + "/sessions/" + pid).then().statusCode(403);

        given().delete("/api/databases/" + id + "/sessions/" + pid).then().statusCode(204);
        Throwable ended = sleeping.get();
        assertNotNull(ended, "the session's statement should have been cut off");
        assertTrue(ended.getMessage().contains("terminat"), ended.getMessage());
        given().delete("/api/databases/" + id + "/sessions/" + pid).then().statusCode(404)
                .body("detail", containsString("no session " + pid));
        // Nothing of the password anywhere in what the panel shows.
        given().get("/api/databases/" + id + "/sessions").then().body(not(containsString(password)));
        held.close();
    }

    private static JsonPath create(String prefix) {
        return given().contentType(ContentType.JSON).body(Map.of("app", prefix + UUID.randomUUID().toString()
                .substring(0, 6))).post("/api/databases").then().statusCode(201).extract().jsonPath();
    }
}
