package dev.berth.provisioner;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the backup service asks of the provisioner: admin access, recreate, scratch databases, the backup key. */
@QuarkusTest
class DatabaseMaintenanceIT {

    private static final String INSTANCE = "/internal/instances/" + DefaultInstance.ID;

    @BeforeEach
    void defaultInstanceIsRegistered() {
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get(INSTANCE + "/inventory").statusCode() == 200);
    }

    @Test
    void recreateEmptiesTheDatabaseAndKeepsItsOwnerAndPassword() throws SQLException {
        String name = "keep_" + UUID.randomUUID().toString().substring(0, 8);
        UUID id = UUID.randomUUID();
        JsonPath login = given().contentType(ContentType.JSON).body(Map.of("databaseId", id.toString(),
                        "instanceId", DefaultInstance.ID.toString(), "databaseName", "app_" + name,
                        "roleName", "berth_" + name))
                .when().post("/internal/databases").then().statusCode(200).extract().jsonPath();
        try (Connection c = Pg.connect("app_" + name, login.getString("username"), login.getString("password"));
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id int)");
        }

        JsonPath admin = given().when().get("/internal/databases/" + id + "/admin-connection")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("app_" + name, admin.getString("database"));
        assertEquals("berth_" + name, admin.getString("ownerRole"));
        assertEquals(Pg.cluster().port(), admin.getInt("port"));
        assertTrue(admin.getInt("serverVersionNum") >= 150000);

        given().when().post("/internal/databases/" + id + "/recreate").then().statusCode(200);

        try (Connection c = Pg.connect("app_" + name, login.getString("username"), login.getString("password"));
                Statement st = c.createStatement()) {
            ResultSet tables = st.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
            tables.next();
            assertEquals(0, tables.getInt(1), "the recreated database is empty");
            st.execute("CREATE TABLE again (id int)");
        }
        assertEquals("berth_" + name, Pg.cluster().sql("postgres",
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'app_" + name + "'"));
    }

    @Test
    void scratchDatabasesComeAndGoAndNothingElseCanBeDroppedThatWay() {
        String scratch = given().when().post(INSTANCE + "/scratch-databases").then().statusCode(200)
                .extract().path("database");
        assertTrue(scratch.matches("berth_scratch_[0-9a-f]{16}"), scratch);
        assertTrue(Pg.databaseExists(scratch));

        given().when().delete(INSTANCE + "/scratch-databases/" + scratch).then().statusCode(204);
        assertFalse(Pg.databaseExists(scratch));

        given().when().delete(INSTANCE + "/scratch-databases/postgres").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("not a scratch database"));
        assertTrue(Pg.databaseExists("postgres"));
    }

    @Test
    void theBackupKeyIsMadeOnceAndStaysTheSame() {
        String first = given().when().get("/internal/vault/backup-key").then().statusCode(200).extract().path("key");
        String second = given().when().get("/internal/vault/backup-key").then().statusCode(200).extract().path("key");
        assertEquals(first, second);
        assertEquals(32, Base64.getDecoder().decode(first).length);
    }

    @Test
    void anUnknownDatabaseIs404() {
        given().when().get("/internal/databases/" + UUID.randomUUID() + "/admin-connection").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
