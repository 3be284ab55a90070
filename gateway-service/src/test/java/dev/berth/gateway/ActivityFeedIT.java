package dev.berth.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.berth.contracts.events.BackupCompleted;
import dev.berth.contracts.events.ContainerCreated;
import dev.berth.contracts.events.DatabaseProvisioned;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.testing.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ActivityFeedIT {

    @Test
    void eventsFromEveryTopicAppearOnceNewestFirst() {
        String db = UUID.randomUUID().toString();
        EventEnvelope provisioned = EventEnvelope.of("/berth/registry",
                new DatabaseProvisioned(db, "inst", "shop", "app_shop", "berth_shop"));
        TestEvents.publish(provisioned);
        TestEvents.publish(provisioned);
        TestEvents.publish(EventEnvelope.of("/berth/backup",
                new BackupCompleted(UUID.randomUUID().toString(), db, "manual", 2048, "ab".repeat(32), 120)));
        TestEvents.publish(EventEnvelope.of("/berth/provisioner",
                new ContainerCreated("c-" + db, "shop-web", "localhost/berth/shop:1", "shop", db)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().queryParam("subject", db)
                .when().get("/api/activity").then().statusCode(200)
                .body("", hasSize(2))
                .body("[0].type", equalTo("dev.berth.BackupCompleted"))
                .body("[1].type", equalTo("dev.berth.DatabaseProvisioned"))
                .body("[1].data.databaseName", equalTo("app_shop")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().queryParam("subject", "c-" + db)
                .when().get("/api/activity").then().statusCode(200).body("", hasSize(1)));
    }

    @Test
    void refusesLimitsOutsideTheBounds() {
        given().queryParam("limit", 0).when().get("/api/activity").then().statusCode(400);
        given().queryParam("limit", 501).when().get("/api/activity").then().statusCode(400);
    }
}
