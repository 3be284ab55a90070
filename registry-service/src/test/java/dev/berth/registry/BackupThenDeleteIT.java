package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.contracts.events.BackupCompleted;
import dev.berth.contracts.events.BackupFailed;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.testing.TestEvents;
import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The registry's half of backup-then-delete: the database waits for the backup service's verdict. (The backup
 * service's own tests run the whole saga with a real pg_dump.)
 */
@QuarkusTest
class BackupThenDeleteIT {

    @Test
    void theDatabaseIsDroppedOnlyAfterItsPreDeleteBackupCompleted() {
        String id = create("bye");
        String name = given().get("/api/databases/" + id).then().extract().path("database");

        given().queryParam("policy", "backup-then-delete").when().delete("/api/databases/" + id)
                .then().statusCode(202);
        given().get("/api/databases/" + id).then().statusCode(200).body("status", equalTo("deleting"));
        assertEquals("1", exists(name), "nothing is dropped before the backup is there");

        TestEvents.publish(EventEnvelope.of("/berth/backup", new BackupCompleted(UUID.randomUUID().toString(), id,
                "pre-delete", 1234, "ab".repeat(32), 50)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/databases/" + id).then().statusCode(404));
        assertEquals("0", exists(name));
    }

    @Test
    void aFailedPreDeleteBackupKeepsTheDatabaseAndSaysWhy() {
        String id = create("stay");
        String name = given().get("/api/databases/" + id).then().extract().path("database");
        given().queryParam("policy", "backup-then-delete").when().delete("/api/databases/" + id)
                .then().statusCode(202);

        TestEvents.publish(EventEnvelope.of("/berth/backup", new BackupFailed(UUID.randomUUID().toString(), id,
                "pre-delete", "pg_dump: error: connection to server failed")));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/databases/" + id).then()
                .statusCode(200).body("status", equalTo("ready"))
                .body("deletionError", containsString("pre-delete backup failed"))
                .body("deletionError", containsString("connection to server failed")));
        assertEquals("1", exists(name));
    }

    @Test
    void anUnknownPolicyIsRefused() {
        String id = create("pol");
        given().queryParam("policy", "shred").when().delete("/api/databases/" + id).then().statusCode(400)
                .body("detail", containsString("backup-then-delete"));
        given().get("/api/databases/" + id).then().statusCode(200).body("status", equalTo("ready"));
    }

    private static String create(String prefix) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("app", prefix + UUID.randomUUID().toString().substring(0, 6)))
                .when().post("/api/databases").then().statusCode(201).extract().path("id");
    }

    private static String exists(String database) {
        return TestInfrastructure.get().postgres().sql("postgres",
                "SELECT count(*) FROM pg_database WHERE datname = '" + database + "'");
    }
}
