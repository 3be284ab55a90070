package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.embedded.PostgresCluster;
import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** POST/GET/DELETE /api/databases against the real provisioner and PostgreSQL. */
@QuarkusTest
class DatabaseApiIT {

    @Test
    void aCreatedDatabaseWorksWithTheReturnedConnectionStrings() throws SQLException {
        String app = unique("Shop-Web");
        JsonPath created = given().contentType(ContentType.JSON).body(Map.of("app", app))
                .when().post("/api/databases")
                .then().statusCode(201)
                .header("Location", containsString("/api/databases/"))
                .body("database", equalTo("app_" + app.toLowerCase().replace('-', '_')))
                .body("role", equalTo("berth_" + app.toLowerCase().replace('-', '_')))
                .body("status", equalTo("ready"))
                .body("connection.uri", startsWith("postgresql://"))
                .body("connection.env.DATABASE_URL", startsWith("postgresql://"))
                .body("connection.env.PGDATABASE", equalTo("app_" + app.toLowerCase().replace('-', '_')))
                .body("connection.libpq", containsString("sslmode=prefer"))
                .extract().jsonPath();

        try (Connection c = DriverManager.getConnection(created.getString("connection.jdbc"));
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items (id int)");
        }
        // The event is in the outbox, and no event carries the password.
        assertEquals("1", pg().sql("berth_registry", "SELECT count(*) FROM outbox WHERE event_type = "
                + "'dev.berth.DatabaseProvisioned' AND message_key = '" + created.getString("id") + "'"));
        assertEquals("0", pg().sql("berth_registry", "SELECT count(*) FROM outbox WHERE payload::text LIKE '%"
                + created.getString("credentials.password") + "%'"));
        // Shown once: reading the database does not reveal the password.
        given().get("/api/databases/" + created.getString("id")).then().statusCode(200)
                .body("credentials", equalTo(null))
                .body("stats.connections", org.hamcrest.Matchers.greaterThanOrEqualTo(0))
                .body(org.hamcrest.Matchers.not(containsString(created.getString("credentials.password"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x\"; DROP ROLE postgres; --", "café", "postgres", "pg_shadow", "template1", "registry",
            "1abc", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void namesThatBreakARuleAreRefusedAndChangeNothing(String app) {
        String rolesBefore = berthRoles();
        long before = catalogSize();
        given().contentType(ContentType.JSON).body(Map.of("app", app))
                .when().post("/api/databases")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://berth.dev/problems/invalid-name"))
                .body("detail", org.hamcrest.Matchers.anyOf(containsString("may only contain"),
                        containsString("reserved"), containsString("start with a letter"), containsString("at most")));
        assertEquals(before, catalogSize());
        assertEquals(rolesBefore, berthRoles());
        assertTrue(pg().sql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'postgres'").equals("1"));
    }

    @Test
    void aSecondDatabaseForTheSameAppIsAConflict() {
        String app = unique("dup");
        given().contentType(ContentType.JSON).body(Map.of("app", app)).post("/api/databases").then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("app", app)).post("/api/databases").then().statusCode(409)
                .body("detail", containsString("already has a database"));
        // Another environment is another database.
        given().contentType(ContentType.JSON).body(Map.of("app", app, "environment", "staging"))
                .post("/api/databases").then().statusCode(201)
                .body("database", equalTo("app_" + app + "_staging"));
    }

    @Test
    void pooledIsRefusedWhereNoPgBouncerIsConfiguredAndNothingIsMade() {
        String app = unique("pool");
        given().contentType(ContentType.JSON).body(Map.of("app", app, "pooled", true)).post("/api/databases").then()
                .statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("this Berth has no PgBouncer"));
        given().get("/api/databases?app=" + app).then().statusCode(200).body("total", equalTo(0));
        // Without a pooler, pooled:false and no answer at all are both direct.
        given().contentType(ContentType.JSON).body(Map.of("app", app, "pooled", false)).post("/api/databases").then()
                .statusCode(201).body("pooled", equalTo(false))
                .body("connection.jdbc", org.hamcrest.Matchers.not(containsString("prepareThreshold")));
    }

    @Test
    void switchingPoolingOnWithoutAPgBouncerIsRefusedAndChangesNothing() {
        String app = unique("switch");
        JsonPath created = given().contentType(ContentType.JSON).body(Map.of("app", app)).post("/api/databases").then()
                .statusCode(201).extract().jsonPath();
        String id = created.getString("id");
        String uri = created.getString("connection.uri");
        given().contentType(ContentType.JSON).body(Map.of("pooled", true)).patch("/api/databases/" + id).then()
                .statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("this Berth has no PgBouncer"));
        given().contentType(ContentType.JSON).body(Map.of()).patch("/api/databases/" + id).then()
                .statusCode(400).contentType("application/problem+json").body("detail", containsString("\"pooled\""));
        given().contentType(ContentType.JSON).body(Map.of("pooled", false)).patch("/api/databases/" + id).then()
                .statusCode(200).body("pooled", equalTo(false)).body("handedTo", org.hamcrest.Matchers.nullValue());
        given().contentType(ContentType.JSON).body(Map.of("pooled", false))
                .patch("/api/databases/" + UUID.randomUUID()).then().statusCode(404);
        given().get("/api/databases/" + id + "/credentials").then().statusCode(200).body("pooled", equalTo(false))
                .body("connection.uri", equalTo(uri));
    }

    @Test
    void aNameTakenOnTheServerGetsASuffix() {
        String app = unique("taken");
        pg().sql("postgres", "CREATE DATABASE app_" + app);
        given().contentType(ContentType.JSON).body(Map.of("app", app)).post("/api/databases").then().statusCode(201)
                .body("database", org.hamcrest.Matchers.matchesRegex("app_" + app + "_[a-z0-9]{4}"));
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyReturnsTheSameDatabase() {
        String app = unique("idem");
        String key = UUID.randomUUID().toString();
        JsonPath first = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(Map.of("app", app))
                .post("/api/databases").then().statusCode(201).extract().jsonPath();
        JsonPath again = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(Map.of("app", app))
                .post("/api/databases").then().statusCode(201).extract().jsonPath();
        assertEquals(first.getString("id"), again.getString("id"));
        assertEquals(first.getString("credentials.password"), again.getString("credentials.password"));
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(Map.of("app", app + "x"))
                .post("/api/databases").then().statusCode(422);
    }

    @Test
    void rotateThenTheOldPasswordFailsAndTheRevealIsAudited() throws SQLException {
        JsonPath created = given().contentType(ContentType.JSON).body(Map.of("app", unique("rot")))
                .post("/api/databases").then().statusCode(201).extract().jsonPath();
        String id = created.getString("id");

        JsonPath rotated = given().contentType(ContentType.JSON).body(Map.of("mode", "immediate"))
                .post("/api/databases/" + id + "/rotate-credentials").then().statusCode(200).extract().jsonPath();
        assertNotEquals(created.getString("credentials.password"), rotated.getString("credentials.password"));
        assertThrows(SQLException.class, () -> DriverManager.getConnection(created.getString("connection.jdbc")).close());
        DriverManager.getConnection(rotated.getString("connection.jdbc")).close();

        // A client-set header cannot name someone else: the audit takes the actor from the verified token ("it").
        given().header("X-Berth-Actor", "alice").get("/api/databases/" + id + "/credentials").then().statusCode(200)
                .body("credentials.password", equalTo(rotated.getString("credentials.password")));
        assertEquals("it", pg().sql("berth_registry", "SELECT string_agg(actor, ',') FROM audit_events WHERE "
                + "action = 'credentials.revealed' AND subject = '" + id + "'"));
    }

    @Test
    void deleteLeavesNothingOnTheServer() {
        String app = unique("bye");
        String id = given().contentType(ContentType.JSON).body(Map.of("app", app))
                .post("/api/databases").then().statusCode(201).extract().path("id");

        given().delete("/api/databases/" + id).then().statusCode(204);

        assertEquals("0", pg().sql("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'app_" + app + "'"));
        assertEquals("0", pg().sql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'berth_" + app + "'"));
        given().get("/api/databases/" + id).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void keepDetachesWithoutDropping() {
        String app = unique("keep");
        String id = given().contentType(ContentType.JSON).body(Map.of("app", app))
                .post("/api/databases").then().statusCode(201).extract().path("id");
        given().queryParam("policy", "keep").delete("/api/databases/" + id).then().statusCode(204);
        given().get("/api/databases/" + id).then().statusCode(200).body("status", equalTo("detached"));
        assertEquals("1", pg().sql("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'app_" + app + "'"));
    }

    @Test
    void listsFilterByAppAndPaginate() {
        String app = unique("list");
        given().contentType(ContentType.JSON).body(Map.of("app", app)).post("/api/databases").then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("app", app, "environment", "dev")).post("/api/databases")
                .then().statusCode(201);
        given().queryParam("app", app).queryParam("size", 1).get("/api/databases").then().statusCode(200)
                .body("total", equalTo(2)).body("items", hasSize(1))
                .body("items[0].app", equalTo(app))
                .body(org.hamcrest.Matchers.not(containsString("password")));
        given().queryParam("status", "nonsense").get("/api/databases").then().statusCode(400);
    }

    @Test
    void anInstanceThatCannotBeReachedIsRefusedWithTheReason() {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", unique("ext").replace('_', '-'), "host", "127.0.0.1", "port", 1,
                        "adminUser", "postgres", "adminPassword", "x"))
                .post("/api/instances").then().statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("cannot connect to 127.0.0.1:1"));
        given().delete("/api/instances/00000000-0000-4000-8000-000000000001").then().statusCode(409);
    }

    private static PostgresCluster pg() {
        return TestInfrastructure.get().postgres();
    }

    private static long catalogSize() {
        return Long.parseLong(pg().sql("berth_registry", "SELECT count(*) FROM app_databases"));
    }

    private static String berthRoles() {
        return pg().sql("postgres", "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles "
                + "WHERE rolname LIKE 'berth%'");
    }

    private static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }
}
