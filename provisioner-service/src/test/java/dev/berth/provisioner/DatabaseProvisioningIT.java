package dev.berth.provisioner;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.contracts.catalog.DefaultInstance;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provisioner's side effects on a real PostgreSQL, through its internal API. */
@QuarkusTest
class DatabaseProvisioningIT {

    @BeforeEach
    void defaultInstanceIsRegistered() {
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/internal/instances/" + DefaultInstance.ID
                + "/inventory").statusCode() == 200);
    }

    @Test
    void theReturnedCredentialsOpenTheDatabaseAndNoOtherAppGetsIn() throws SQLException {
        String name = unique("shop");
        JsonPath shop = create(name);
        assertEquals(32, shop.getString("password").length());
        assertTrue(shop.getString("password").matches("[A-Za-z0-9]{32}"));

        try (Connection c = Pg.connect("app_" + name, shop.getString("username"), shop.getString("password"));
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE orders (id int PRIMARY KEY)");
            st.execute("INSERT INTO orders VALUES (1)");
            // PostgreSQL 15+: public belongs to pg_database_owner, i.e. to whoever owns the database.
            ResultSet owner = st.executeQuery("SELECT pg_get_userbyid(n.nspowner), pg_get_userbyid(d.datdba) "
                    + "FROM pg_namespace n, pg_database d WHERE n.nspname = 'public' AND d.datname = current_database()");
            owner.next();
            assertEquals("pg_database_owner", owner.getString(1));
            assertEquals("berth_" + name, owner.getString(2), "the app role owns the database and so its public schema");
        }

        String other = unique("blog");
        JsonPath blog = create(other);
        SQLException refused = assertThrows(SQLException.class,
                () -> Pg.connect("app_" + name, blog.getString("username"), blog.getString("password")).close());
        assertTrue(refused.getMessage().contains("permission denied"), refused.getMessage());
    }

    @Test
    void aFailingStepDropsTheRoleItMadeAndNothingElse() {
        String name = unique("collide");
        Pg.cluster().sql("postgres", "CREATE DATABASE app_" + name);

        given().contentType(ContentType.JSON).body(request(UUID.randomUUID(), name, false))
                .when().post("/internal/databases")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("already exists"));

        assertFalse(Pg.roleExists("berth_" + name), "the role made before CREATE DATABASE failed is dropped again");
        assertTrue(Pg.databaseExists("app_" + name), "the database Berth did not make is left alone");
    }

    @Test
    void immediateRotationInvalidatesTheOldPassword() throws SQLException {
        String name = unique("rot");
        JsonPath before = create(name);
        String id = before.getString("databaseId");

        JsonPath after = given().contentType(ContentType.JSON).body(Map.of("mode", "immediate"))
                .post("/internal/databases/" + id + "/rotate").then().statusCode(200).extract().jsonPath();

        assertNotEquals(before.getString("password"), after.getString("password"));
        assertThrows(SQLException.class,
                () -> Pg.connect("app_" + name, before.getString("username"), before.getString("password")).close());
        Pg.connect("app_" + name, after.getString("username"), after.getString("password")).close();
    }

    @Test
    void zeroDowntimeRotationKeepsBothLoginsUntilTheGraceEnds() throws SQLException {
        String name = unique("zd");
        JsonPath before = create(name);
        String id = before.getString("databaseId");

        JsonPath after = given().contentType(ContentType.JSON).body(Map.of("mode", "zero-downtime", "graceSeconds", 3))
                .post("/internal/databases/" + id + "/rotate").then().statusCode(200).extract().jsonPath();
        assertEquals("berth_" + name + "_r2", after.getString("username"));
        assertEquals("berth_" + name, after.getString("retiringRole"));

        try (Connection old = Pg.connect("app_" + name, before.getString("username"), before.getString("password"));
                Connection fresh = Pg.connect("app_" + name, after.getString("username"), after.getString("password"));
                Statement st = fresh.createStatement()) {
            st.execute("CREATE TABLE made_by_new_login (id int)");
            ResultSet owner = st.executeQuery("SELECT tableowner FROM pg_tables WHERE tablename = 'made_by_new_login'");
            owner.next();
            assertEquals("berth_" + name, owner.getString(1), "objects stay owned by the owner role");
            assertFalse(old.isClosed());
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThrows(SQLException.class,
                () -> Pg.connect("app_" + name, before.getString("username"), before.getString("password")).close()));
        Pg.connect("app_" + name, after.getString("username"), after.getString("password")).close();

        // The next rotation retires a login role that is not the owner: it is dropped.
        JsonPath third = given().contentType(ContentType.JSON).body(Map.of("mode", "zero-downtime", "graceSeconds", 0))
                .post("/internal/databases/" + id + "/rotate").then().statusCode(200).extract().jsonPath();
        assertEquals("berth_" + name + "_r3", third.getString("username"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !Pg.roleExists("berth_" + name + "_r2"));
        Pg.connect("app_" + name, third.getString("username"), third.getString("password")).close();
    }

    @Test
    void dropLeavesNoDatabaseNoRoleAndNoSecret() throws SQLException {
        String name = unique("gone");
        JsonPath created = create(name);
        String id = created.getString("databaseId");
        given().contentType(ContentType.JSON).body(Map.of("mode", "zero-downtime", "graceSeconds", 600))
                .post("/internal/databases/" + id + "/rotate").then().statusCode(200);
        Connection open = Pg.connect("app_" + name, created.getString("username"), created.getString("password"));

        given().delete("/internal/databases/" + id).then().statusCode(204);

        assertFalse(Pg.databaseExists("app_" + name));
        assertFalse(Pg.roleExists("berth_" + name));
        assertFalse(Pg.roleExists("berth_" + name + "_r2"));
        given().get("/internal/databases/" + id + "/credentials").then().statusCode(404);
        given().delete("/internal/databases/" + id).then().statusCode(204);
        open.close();
    }

    @Test
    void concurrentCreatesNeverShareAPoolDatabase() {
        await().atMost(Duration.ofSeconds(30)).until(() -> poolCount() == 2);
        String[] names = {unique("p1"), unique("p2"), unique("p3"), unique("p4")};
        java.util.List<JsonPath> results = java.util.Arrays.stream(names).parallel().map(this::create).toList();

        assertEquals(4, results.stream().map(r -> r.getString("databaseName")).distinct().count());
        assertTrue(results.stream().anyMatch(r -> r.getBoolean("fromPool")), "the warm pool served at least one");
        for (String name : names) {
            assertTrue(Pg.databaseExists("app_" + name));
            assertEquals("berth_" + name, Pg.cluster().sql("postgres",
                    "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'app_" + name + "'"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> poolCount() == 2);
    }

    @Test
    void aRetriedCreateReturnsTheSameCredentials() {
        UUID id = UUID.randomUUID();
        String name = unique("retry");
        JsonPath first = given().contentType(ContentType.JSON).body(request(id, name, true))
                .post("/internal/databases").then().statusCode(200).extract().jsonPath();
        JsonPath again = given().contentType(ContentType.JSON).body(request(id, name, true))
                .post("/internal/databases").then().statusCode(200).extract().jsonPath();
        assertEquals(first.getString("password"), again.getString("password"));
    }

    @Test
    void anInstanceThatRefusesTheAdminIsNotRegistered() {
        UUID id = UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body(Map.of("host", Pg.cluster().host(), "port", Pg.cluster().port(), "adminUser", "postgres",
                        "adminPassword", "wrong"))
                .put("/internal/instances/" + id)
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("password authentication failed"))
                .body(org.hamcrest.Matchers.not(containsString("wrong")));
        given().get("/internal/instances/" + id + "/inventory").then().statusCode(404)
                .body("type", equalTo("https://berth.dev/problems/not-found"));
    }

    @Test
    void anInstanceThatGoesAwayAnswers503AndNothingIsMade() {
        UUID id = UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body(Map.of("host", Pg.cluster().host(), "port", Pg.cluster().port(), "adminUser", "postgres",
                        "adminPassword", Pg.cluster().adminPassword()))
                .put("/internal/instances/" + id).then().statusCode(200);
        // The server moves away (nothing listens on port 1) after it was registered.
        Pg.cluster().sql("berth_provisioner", "UPDATE instance_endpoints SET port = 1 WHERE instance_id = '" + id + "'");
        String name = unique("away");

        given().contentType(ContentType.JSON)
                .body(Map.of("databaseId", UUID.randomUUID().toString(), "instanceId", id.toString(),
                        "databaseName", "app_" + name, "roleName", "berth_" + name))
                .post("/internal/databases")
                .then().statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("https://berth.dev/problems/instance-unavailable"));
        assertFalse(Pg.roleExists("berth_" + name));
        given().delete("/internal/instances/" + id).then().statusCode(204);
    }

    private JsonPath create(String name) {
        return given().contentType(ContentType.JSON).body(request(UUID.randomUUID(), name, true))
                .when().post("/internal/databases")
                .then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> request(UUID id, String name, boolean usePool) {
        return Map.of("databaseId", id.toString(), "instanceId", DefaultInstance.ID.toString(),
                "databaseName", "app_" + name, "roleName", "berth_" + name, "usePool", usePool);
    }

    private static int poolCount() {
        return Integer.parseInt(Pg.cluster().sql("postgres",
                "SELECT count(*) FROM pg_database WHERE datname LIKE 'berth\\_pool\\_%'"));
    }

    private static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }
}
