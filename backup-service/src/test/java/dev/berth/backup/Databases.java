package dev.berth.backup;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.berth.embedded.PostgresCluster;
import dev.berth.testing.TestInfrastructure;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;

/** Test helpers: app databases made through the real registry, and SQL against them with their own credentials. */
final class Databases {

    /** An app database as the registry handed it out. */
    record AppDb(String id, String database, String user, String password) {

        Connection connect() throws SQLException {
            return Databases.connect(database, user, password);
        }

        void sql(String... statements) throws SQLException {
            try (Connection c = connect(); Statement st = c.createStatement()) {
                for (String s : statements) {
                    st.execute(s);
                }
            }
        }

        List<String> column(String query) throws SQLException {
            try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
                List<String> values = new ArrayList<>();
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
                return values;
            }
        }
    }

    private Databases() {
    }

    static String registry() {
        return ConfigProvider.getConfig().getValue("quarkus.rest-client.registry.url", String.class);
    }

    static AppDb create(String prefix) {
        String app = prefix + UUID.randomUUID().toString().substring(0, 6);
        JsonPath made = given().baseUri(registry()).contentType(ContentType.JSON).body(Map.of("app", app))
                .when().post("/api/databases").then().statusCode(201).extract().jsonPath();
        return new AppDb(made.getString("id"), made.getString("database"), made.getString("credentials.username"),
                made.getString("credentials.password"));
    }

    /** Credentials of a database the test did not create itself (e.g. a restore's new database). */
    static AppDb reveal(String id) {
        JsonPath db = given().baseUri(registry()).when()
                .get("/api/databases/" + id + "/credentials").then().statusCode(200).extract().jsonPath();
        return new AppDb(id, db.getString("database"), db.getString("credentials.username"),
                db.getString("credentials.password"));
    }

    static Connection connect(String database, String user, String password) throws SQLException {
        PostgresCluster pg = TestInfrastructure.get().postgres();
        return DriverManager.getConnection(pg.jdbcUrl(database), user, password);
    }

    static boolean databaseExists(String name) {
        return "1".equals(TestInfrastructure.get().postgres().sql("postgres",
                "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'"));
    }

    /** Waits until the backup has finished and returns its record. */
    static JsonPath awaitBackup(String databaseId, String backupId) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String status = given().accept(ContentType.JSON).when()
                    .get("/api/databases/" + databaseId + "/backups/" + backupId).then().statusCode(200)
                    .extract().path("status");
            return "completed".equals(status) || "failed".equals(status);
        });
        return given().accept(ContentType.JSON).when().get("/api/databases/" + databaseId + "/backups/" + backupId)
                .then().extract().jsonPath();
    }

    static JsonPath backupNow(String databaseId) {
        String id = given().when().post("/api/databases/" + databaseId + "/backups").then().statusCode(202)
                .extract().path("id");
        return awaitBackup(databaseId, id);
    }

    static JsonPath awaitRestore(String jobId) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).until(() -> {
            String phase = given().when().get("/api/restores/" + jobId).then().statusCode(200).extract().path("phase");
            return "COMPLETED".equals(phase) || "FAILED".equals(phase) || "ROLLED_BACK".equals(phase);
        });
        return given().when().get("/api/restores/" + jobId).then().extract().jsonPath();
    }
}
