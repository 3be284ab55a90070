package dev.berth.backup;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.berth.contracts.events.DatabaseDropped;
import dev.berth.contracts.events.DatabaseProvisioned;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.testing.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DefaultScheduleIT {

    @Test
    void aProvisionedDatabaseGetsTheDefaultScheduleAndLosesItWhenDropped() {
        String id = UUID.randomUUID().toString();
        given().when().get("/api/backup-schedules/" + id).then().statusCode(404);

        TestEvents.publish(EventEnvelope.of("/berth/registry",
                new DatabaseProvisioned(id, "inst", "shop", "app_shop", "berth_shop")));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when()
                .get("/api/backup-schedules/" + id).then().statusCode(200)
                .body("cron", equalTo("0 3 * * *"))
                .body("retentionDays", equalTo(7))
                .body("keepLast", equalTo(3))
                .body("databaseName", equalTo("app_shop"))
                .body("enabled", equalTo(true)));

        TestEvents.publish(EventEnvelope.of("/berth/registry", new DatabaseDropped(id, "inst", "app_shop", "delete")));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when()
                .get("/api/backup-schedules/" + id).then().statusCode(200).body("enabled", equalTo(false)));
    }
}
